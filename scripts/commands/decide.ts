import { findHostedApi, HOSTED_API_PRICES, type HostedApiPrice } from "../../infra/catalog/hosted-apis";
import { ConfigError } from "../../infra/config/errors";
import { costAt, niceCeil, type CostPoint } from "../../infra/decide/series";
import {
  decide, DECISION_TABLE, DECISION_THRESHOLDS, type Decision, type DecisionInput, type Reason, type Recommendation,
} from "../../infra/decide/rules";
import { pricesAssumption, pricingSummary, type PricingSummary } from "../../infra/cost/estimate";
import { compareOptions, type OptionComparison } from "../../infra/cost/purchase-comparison";
import { tokens } from "../lib/cost-render";
import { sharePercent } from "../../infra/cost/hybrid";
import { hybridDeployment, type HybridDeployment } from "../lib/hybrid-config";
import { stackCost, type StackCost } from "../lib/stack-cost";
import { renderTable, usd } from "../lib/table";
import { findConfigKey } from "../../infra/config/schema";
import { parseNumber, type NumberRange } from "../../infra/config/numbers";
import { numberFlag, parseFlags } from "../lib/flags";
import { mdCode, mdText, terminalText } from "../lib/markdown";
import { checkStackName } from "../lib/stack-name";
import { UsageError } from "../lib/usage";

/** The catalog's API ids, wrapped under the --api option. */
function catalogIds(indent = 30, width = 110): string {
  const lines: string[] = [];
  for (const id of HOSTED_API_PRICES.map((p) => p.id)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + id.length + 2 <= width) lines[lines.length - 1] = `${last}, ${id}`;
    else lines.push(`${" ".repeat(indent)}${id}`);
  }
  return lines.join(",\n");
}

export const DECIDE_HELP = `hostwise decide — hosted API, self-hosting, or both, for a workload against a stack's cost

Usage: npm run hostwise -- decide --monthly-input-tokens N --monthly-output-tokens N [options]

Runs the checklist of the API-versus-self-hosting articles as a decision table, in their order: a hard
data-residency constraint decides on its own; then volume and steadiness (below the break-even: the API;
above it and steady enough that capacity for the peak still costs less: self-host; above it but spiky:
hybrid, self-host the steady base and burst to the API); then pinning a model version (toward
self-hosting), operations capacity (short of it: the API) and time to ship (sooner than a deployment takes,
or this week: start on the API, move later). The self-hosted cost is the stack's, from 'hostwise plan'
(its Pulumi program evaluated under mocks, offline), provisioned for the peak; the API cost is list price
times your input and output tokens. Prints the recommendation, every rule with its figures, the costs at
your volume, the break-even and a table of monthly cost versus volume. When the volume needs more GPU nodes
than the stack's maxReplicas allows, it says so (and how far to raise it).

Workload:
  --monthly-input-tokens N    input (prompt) tokens a month, up to 1,000T; suffixes K, M, B, T: 120M, 2.5B
                              (required)
  --monthly-output-tokens N   output tokens a month, above 0; same suffixes (required)
  --peak-to-mean X            peak request rate over the mean, 1 to 1,000; capacity is provisioned for the
                              peak (default: 1, perfectly steady)
Constraints and team:
  --data-residency            data must stay in your environment: self-hosting, whatever the rest says
  --pin-model                 a model version must stay pinned for a long time
  --ops-hours-available H     engineer hours a month you have for running it, up to 100,000 (default: not
                              checked)
  --ops-hours-needed H        engineer hours a month self-hosting needs (default: the stack's
                              engineerHoursPerMonth; required with --ops-hours-available when the stack
                              sets none: the articles give no figure). Not with a stack that sets one:
                              change that with --config engineerHoursPerMonth=H
  --ship-weeks W              weeks until it must be live, up to 520 (default: not checked); 1 or less is "this week",
                              which starts on the API whatever the setup takes
  --setup-weeks W             weeks a first self-hosted deployment takes; required with --ship-weeks above 1
                              (the articles say only "days or weeks")
Hosted API:
  --api ID                    the API to compare with, from the price catalog (default: the stack's
                              hostwise:hostedApi):
${catalogIds()}
  --api-input-price X         its input price, USD per 1M tokens (default: the catalog's, or the stack's
                              hostedApiInputPrice when --api is not given)
  --api-output-price X        its output price, USD per 1M tokens (default: likewise)
Stack:
  --stack NAME                stack file to read: Pulumi.NAME.yaml (default: dev)
  --config key=value          override a stack config key for this run (repeatable), as in 'hostwise plan'
  --dir PATH                  project directory holding the stack files (default: the current directory)
Output:
  --json                      print the whole model as JSON: inputs, curves, every rule, series
  --markdown                  print Markdown with a Mermaid xychart of cost versus volume (for a PR comment)
  -h, --help                  show this help

Exit codes: 0 decided, 1 invalid stack configuration (every error listed), 2 bad command line.`;

export interface DecideIo {
  out(s: string): void;
  err(s: string): void;
}

export interface DecideOptions {
  readonly monthlyInputTokens: number;
  readonly monthlyOutputTokens: number;
  readonly peakToMean: number;
  readonly dataResidency: boolean;
  readonly pinModel: boolean;
  readonly opsHoursAvailable?: number;
  readonly opsHoursNeeded?: number;
  readonly shipWeeks?: number;
  readonly setupWeeks?: number;
  readonly api?: HostedApiPrice;
  readonly apiInputPrice?: number;
  readonly apiOutputPrice?: number;
  readonly stack: string;
  readonly dir: string;
  readonly overrides: readonly string[];
  readonly format: "text" | "json" | "markdown";
}

const SUFFIX: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };
/** The most tokens a month a flag may give: 1,000T (a quadrillion), far above any one workload. */
const MAX_MONTHLY_TOKENS = 1e15;
/** Bounds of decide's other numbers, checked by the parser stack config uses (infra/config/numbers.ts). */
const RANGES = {
  peakToMean: { min: 1, max: 1_000 },
  opsHours: findConfigKey("engineerHoursPerMonth")!.range!,
  shipWeeks: { min: 0, max: 520 },
  setupWeeks: { min: 0, minExclusive: true, max: 520 },
  apiPrice: findConfigKey("hostedApiOutputPrice")!.range!,
} satisfies Record<string, NumberRange>;

/** "120M", "2.5B", "1e9" → a token count: a decimal number (the shared parser's rules) with an optional K, M, B or T suffix. */
export function parseTokenCount(flag: string, text: string): number {
  const [, digits = "", suffix = ""] = /^(.*?)([kmbt]?)$/i.exec(text) ?? [];
  const scale = SUFFIX[suffix.toLowerCase()]!;
  const parsed = parseNumber(digits, { min: 0, max: MAX_MONTHLY_TOKENS / scale });
  if (!parsed.ok) {
    throw new UsageError(`${flag}: "${text}" is not a token count from 0 to 1,000T`, `a decimal number with an optional K, M, B or T suffix, e.g. ${flag} 50M`);
  }
  return parsed.value * scale;
}

/** Reads and checks the command line; throws UsageError naming the flag. Stack-dependent checks come later. */
export function parseDecideArgs(argv: readonly string[], cwd: string = process.cwd()): DecideOptions | { readonly help: true } {
  const values = parseFlags("decide", argv, {
    "monthly-input-tokens": { type: "string" },
    "monthly-output-tokens": { type: "string" },
    "peak-to-mean": { type: "string" },
    "data-residency": { type: "boolean", default: false },
    "pin-model": { type: "boolean", default: false },
    "ops-hours-available": { type: "string" },
    "ops-hours-needed": { type: "string" },
    "ship-weeks": { type: "string" },
    "setup-weeks": { type: "string" },
    api: { type: "string" },
    "api-input-price": { type: "string" },
    "api-output-price": { type: "string" },
    stack: { type: "string", default: "dev" },
    dir: { type: "string", default: cwd },
    config: { type: "string", multiple: true, default: [] as string[] },
    json: { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };

  const required = (flag: "monthly-input-tokens" | "monthly-output-tokens") => {
    const text = values[flag];
    if (text === undefined) throw new UsageError(`--${flag} is required`, `give the workload's volume, e.g. --${flag} ${flag === "monthly-input-tokens" ? "200M" : "50M"}`);
    return parseTokenCount(`--${flag}`, text);
  };
  const monthlyInputTokens = required("monthly-input-tokens");
  const monthlyOutputTokens = required("monthly-output-tokens");
  if (monthlyOutputTokens <= 0) throw new UsageError("--monthly-output-tokens: must be above 0", "the tokens the model generates a month, e.g. --monthly-output-tokens 50M");

  const opsHoursAvailable = numberFlag("--ops-hours-available", values["ops-hours-available"], RANGES.opsHours, "40");
  const opsHoursNeeded = numberFlag("--ops-hours-needed", values["ops-hours-needed"], RANGES.opsHours, "60");
  if (opsHoursNeeded !== undefined && opsHoursAvailable === undefined) {
    throw new UsageError("--ops-hours-needed: needs --ops-hours-available to compare with", "add --ops-hours-available H, the engineer hours a month you have");
  }
  const shipWeeks = numberFlag("--ship-weeks", values["ship-weeks"], RANGES.shipWeeks, "6");
  const setupWeeks = numberFlag("--setup-weeks", values["setup-weeks"], RANGES.setupWeeks, "4");
  if (setupWeeks !== undefined && shipWeeks === undefined) {
    throw new UsageError("--setup-weeks: needs --ship-weeks to compare with", "add --ship-weeks W, the weeks until it must be live");
  }
  if (shipWeeks !== undefined && shipWeeks > DECISION_THRESHOLDS.apiFirstWithinWeeks && setupWeeks === undefined) {
    throw new UsageError(
      `--setup-weeks: required with --ship-weeks above ${DECISION_THRESHOLDS.apiFirstWithinWeeks}: the articles give no figure for a first self-hosted deployment ("days or weeks")`,
      "add your estimate, e.g. --setup-weeks 4",
    );
  }

  let api: HostedApiPrice | undefined;
  if (values.api !== undefined) {
    api = findHostedApi(values.api);
    if (!api) throw new UsageError(`--api: "${values.api}" is not in the hosted API price catalog`, `use one of ${HOSTED_API_PRICES.map((p) => p.id).join(", ")}, and --api-input-price/--api-output-price for another price`);
  }
  if (values.json && values.markdown) throw new UsageError("--json and --markdown: choose one output format", "drop one of them");
  const apiInputPrice = numberFlag("--api-input-price", values["api-input-price"], RANGES.apiPrice, "0.72");
  const apiOutputPrice = numberFlag("--api-output-price", values["api-output-price"], RANGES.apiPrice, "0.72");
  const peakToMean = numberFlag("--peak-to-mean", values["peak-to-mean"], RANGES.peakToMean, "3") ?? 1;

  return {
    monthlyInputTokens,
    monthlyOutputTokens,
    peakToMean,
    dataResidency: values["data-residency"],
    pinModel: values["pin-model"],
    ...(opsHoursAvailable !== undefined && { opsHoursAvailable }),
    ...(opsHoursNeeded !== undefined && { opsHoursNeeded }),
    ...(shipWeeks !== undefined && { shipWeeks }),
    ...(setupWeeks !== undefined && { setupWeeks }),
    ...(api && { api }),
    ...(apiInputPrice !== undefined && { apiInputPrice }),
    ...(apiOutputPrice !== undefined && { apiOutputPrice }),
    stack: checkStackName(values.stack, { qualified: false }),
    dir: values.dir,
    overrides: values.config,
    format: values.json ? "json" : values.markdown ? "markdown" : "text",
  };
}

/** The hosted API compared with, and where each of its prices came from. */
interface ChosenApi {
  readonly id: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  readonly priceFrom: string;
  readonly source?: HostedApiPrice["source"];
}

function chooseApi(o: DecideOptions, sc: StackCost): ChosenApi {
  const stackApi = sc.spec.hostedApi;
  const base = o.api
    ? { id: o.api.id, inputUsdPerMTok: o.api.inputUsdPerMTok, outputUsdPerMTok: o.api.outputUsdPerMTok, from: "catalog" }
    : { ...stackApi, from: stackApi.overridden ? "stack config" : "catalog" };
  const overridden = o.apiInputPrice !== undefined || o.apiOutputPrice !== undefined;
  const source = findHostedApi(base.id)?.source;
  return {
    id: base.id,
    inputUsdPerMTok: o.apiInputPrice ?? base.inputUsdPerMTok,
    outputUsdPerMTok: o.apiOutputPrice ?? base.outputUsdPerMTok,
    priceFrom: overridden ? `command line${o.apiInputPrice === undefined || o.apiOutputPrice === undefined ? ` and ${base.from}` : ""}` : base.from,
    ...(source && { source }),
  };
}

/** Engineer hours self-hosting needs: the stack's figure (which also prices them) or the flag, never both. */
function opsInput(o: DecideOptions, sc: StackCost): DecisionInput["ops"] {
  const stackHours = sc.spec.usage.people?.hoursPerMonth;
  if (o.opsHoursNeeded !== undefined && stackHours !== undefined) {
    throw new UsageError(
      `--ops-hours-needed: stack "${sc.spec.stack}" already sets engineerHoursPerMonth (${stackHours}), which also prices the people cost`,
      "drop --ops-hours-needed, or change the stack's figure with --config engineerHoursPerMonth=H",
    );
  }
  if (o.opsHoursAvailable === undefined) return undefined;
  const needed = o.opsHoursNeeded ?? stackHours;
  if (needed === undefined) {
    throw new UsageError(
      `--ops-hours-needed: required with --ops-hours-available, since stack "${sc.spec.stack}" sets no engineerHoursPerMonth and the articles give no figure`,
      "add --ops-hours-needed H, or set the stack's engineerHoursPerMonth and engineerHourlyUsd (--config), which also prices them",
    );
  }
  return { availableHours: o.opsHoursAvailable, neededHours: needed };
}

/** Everything `hostwise decide` knows, as printed by --json. */
export interface DecideModel {
  readonly stack: {
    readonly name: string;
    readonly region: string;
    readonly instanceType: string;
    readonly gpu: string;
    /** Whose prices, and how the GPU and system nodes are paid for. */
    readonly pricing: PricingSummary;
  };
  readonly hostedApi: ChosenApi;
  readonly input: Omit<DecisionInput, "selfHosted" | "apiPrice">;
  readonly opsHoursNeededFrom?: "stack" | "command line";
  readonly decision: Decision;
  readonly capacity: Capacity;
  /** The same plan under each purchase option with a rate: the GPU node's cost and the break-even move. */
  readonly purchaseOptions: OptionComparison;
  /** When the answer is hybrid (now or once a deployment is live): the base and the lines that deploy it. */
  readonly deploy?: HybridDeployment;
  readonly rules: typeof DECISION_TABLE;
  readonly thresholds: typeof DECISION_THRESHOLDS;
  readonly assumptions: readonly string[];
}

/** The GPU nodes self-hosting this volume takes against the most the stack may run (its maxReplicas). */
export interface Capacity {
  /** GPU nodes for the volume at its peak-to-mean (for a hybrid: the steady base). */
  readonly neededNodes: number;
  readonly maxNodes: number;
  readonly maxReplicas: number;
  readonly replicasPerNode: number;
  readonly withinLimit: boolean;
  /** Said whenever the volume needs more than the stack allows. */
  readonly text?: string;
}

function capacityOf(d: Decision, sc: StackCost): Capacity {
  // A hybrid needs its base only, and the lines that deploy it set maxReplicas to that base.
  const hybrid = d.recommendation === "hybrid" ? d.hybrid : undefined;
  const neededNodes = hybrid ? hybrid.baseNodes : d.atVolume.nodes;
  const { replicasPerNode } = sc.plan;
  const maxNodes = sc.plan.nodes.max;
  const maxReplicas = sc.plan.replicas.max;
  if (neededNodes <= maxNodes || hybrid) return { neededNodes, maxNodes, maxReplicas, replicasPerNode, withinLimit: neededNodes <= maxNodes };
  const replicas = neededNodes * replicasPerNode;
  const why = sc.spec.scaling.maxReplicas === undefined ? "maxReplicas unset: sized for the stack's peak traffic" : `maxReplicas ${maxReplicas}`;
  return {
    neededNodes, maxNodes, maxReplicas, replicasPerNode, withinLimit: false,
    text:
      `self-hosting this volume takes ${neededNodes} GPU nodes (${replicas} replicas at ${replicasPerNode} per node), but stack ${sc.spec.stack} runs at most ` +
      `${maxNodes} (${why}): it would serve only part of the volume. Raise it to ${replicas} (--config maxReplicas=${replicas} here, ` +
      `pulumi config set hostwise:maxReplicas ${replicas} on the stack); the self-hosted figures above assume it is raised`,
  };
}

export function decideModel(o: DecideOptions, sc: StackCost): DecideModel {
  const api = chooseApi(o, sc);
  const ops = opsInput(o, sc);
  const input: DecisionInput = {
    monthlyInputTokens: o.monthlyInputTokens,
    monthlyOutputTokens: o.monthlyOutputTokens,
    peakToMean: o.peakToMean,
    dataResidency: o.dataResidency,
    pinModel: o.pinModel,
    ...(ops && { ops }),
    ...(o.shipWeeks !== undefined && { schedule: { shipWeeks: o.shipWeeks, ...(o.setupWeeks !== undefined && { setupWeeks: o.setupWeeks }) } }),
    selfHosted: sc.cost.curves.selfHosted,
    apiPrice: { inputUsdPerMTok: api.inputUsdPerMTok, outputUsdPerMTok: api.outputUsdPerMTok },
  };
  const decision = decide(input);
  const { selfHosted: _s, apiPrice: _a, ...inputShown } = input;
  const self = decision.models.selfHosted;
  const t = sc.spec.traffic;
  const pricing = pricingSummary(sc.spec.pricing);
  const purchaseOptions = compareOptions(sc.spec.pricing, sc.plan.instanceType, sc.plan.gpuCost.rate, decision.models.selfHosted, decision.models.hostedApi, o.monthlyOutputTokens);
  const assumptions = [
    pricesAssumption(pricing),
    `self-hosted GPU nodes: ${sc.plan.gpuCost.rate.basis}`,
    `self-hosted: stack ${sc.spec.stack}, ${sc.plan.instanceType} (${sc.plan.gpu.perNode} × ${sc.plan.gpu.name}), ${tokens(self.outputTokensPerNodeMonth)} output tokens a month per GPU node at capacity, ` +
      `modeled for ${t.meanPromptTokens} prompt + ${t.meanOutputTokens} output tokens per request (your volumes: ${decision.models.hostedApi.inputPerOutputToken.toFixed(2)} input tokens per output token; ` +
      `set meanPromptTokens/meanOutputTokens with --config to match)`,
    `self-hosted: ${usd(self.gpuNodeMonthlyUsd)} a month per GPU node, ${usd(self.fixedMonthlyUsd)} a month for the rest of the stack at its expected usage, at least ${self.minNodes} GPU node${self.minNodes === 1 ? "" : "s"} always on`,
    `capacity is provisioned for the peak: at peak-to-mean ${o.peakToMean} a GPU node carries ${tokens(self.outputTokensPerNodeMonth / self.peakToMean)} output tokens a month on average`,
    sc.cost.people
      ? `people cost counted in the self-hosted figures: ${sc.cost.people.hoursPerMonth} engineer hours a month at ${usd(sc.cost.people.hourlyUsd)}/h = ${usd(sc.cost.people.monthlyUsd)}`
      : "people cost not counted in the self-hosted figures: set engineerHoursPerMonth and engineerHourlyUsd (--config) to count it",
    `hosted API ${api.id}: $${api.inputUsdPerMTok} in / $${api.outputUsdPerMTok} out per 1M tokens (price from ${api.priceFrom}${api.source ? `; catalog: ${api.source.ref}, ${api.source.date}` : ""})`,
    "the spiky-traffic threshold is derived, not a fixed number: traffic is too spiky to self-host all of it once capacity for the peak costs more than the API",
    ...(decision.hybrid ? [`hybrid: ${decision.hybrid.assumption}`] : []),
  ];
  const hybridAnswer = decision.recommendation === "hybrid" || decision.later === "hybrid";
  const deploy = hybridAnswer && decision.hybrid
    ? hybridDeployment({
        spec: sc.spec,
        plan: sc.plan,
        hybrid: decision.hybrid,
        api: { id: api.id, inputUsdPerMTok: api.inputUsdPerMTok, outputUsdPerMTok: api.outputUsdPerMTok, fromCatalog: api.priceFrom === "catalog" },
        monthlyOutputTokens: o.monthlyOutputTokens,
        peakToMean: o.peakToMean,
      })
    : undefined;
  return {
    stack: { name: sc.spec.stack, region: sc.spec.placement.region, instanceType: sc.plan.instanceType, gpu: `${sc.plan.gpu.perNode} × ${sc.plan.gpu.name}`, pricing },
    hostedApi: api,
    input: inputShown,
    ...(ops && { opsHoursNeededFrom: o.opsHoursNeeded !== undefined ? "command line" : "stack" }),
    decision,
    capacity: capacityOf(decision, sc),
    purchaseOptions,
    ...(deploy && { deploy }),
    rules: DECISION_TABLE,
    thresholds: DECISION_THRESHOLDS,
    assumptions,
  };
}

const RULE_NAMES: Record<Reason["rule"], string> = {
  "data-residency": "data residency",
  "volume-and-steadiness": "volume and steadiness",
  "model-pinning": "model pinning",
  "ops-capacity": "operations capacity",
  "time-to-ship": "time to ship",
};

function headline(d: Decision, apiId: string): string {
  const name: Record<Recommendation, string> = {
    api: `the hosted API (${apiId})`,
    "self-host": "self-host",
    hybrid: "hybrid: self-host the steady base, burst the peaks to the API",
  };
  return d.later ? `start on the hosted API (${apiId}); move to ${d.later === "hybrid" ? "hybrid" : "self-hosting"} once a deployment is live` : name[d.recommendation];
}

function breakEvenLine(m: DecideModel): string {
  const d = m.decision;
  const p = m.input.peakToMean;
  const steady = d.steadyBreakEvenMonthlyOutputTokens;
  if (d.breakEvenMonthlyOutputTokens === undefined) {
    return steady === undefined
      ? "none: the API stays cheaper at every volume (a GPU node costs more than the API charges for what it can produce)"
      : `none at peak-to-mean ${p} (capacity for the peak costs more than the API charges for what it carries); with steady traffic: ${tokens(steady)} output tokens a month`;
  }
  return (
    `${tokens(d.breakEvenMonthlyOutputTokens)} output tokens a month at peak-to-mean ${p}${p !== 1 && steady !== undefined ? ` (steady traffic: ${tokens(steady)})` : ""}: ` +
    "the lowest volume at which self-hosting costs no more than the API (just past a GPU-node step the API can win again)"
  );
}

/** About ten evenly spaced rows of the series, plus the given volume and the break-even, in volume order. */
function tableRows(d: Decision, maxNodes: number): Array<{ point: CostPoint; mark: string }> {
  const every = Math.max(1, Math.round((d.series.length - 1) / 10));
  const rows = d.series.filter((_, i) => i % every === 0).map((point) => ({ point, mark: "" }));
  const marks: Array<[number | undefined, string]> = [
    [d.atVolume.monthlyOutputTokens, "your volume"],
    [d.breakEvenMonthlyOutputTokens, "break-even"],
  ];
  for (const [v, mark] of marks) {
    if (v === undefined) continue;
    const same = rows.find((r) => r.point.monthlyOutputTokens === v);
    if (same) same.mark = same.mark ? `${same.mark}, ${mark}` : mark;
    else {
      const point = v === d.atVolume.monthlyOutputTokens ? d.atVolume : costAt(d.models.selfHosted, d.models.hostedApi, v);
      rows.push({ point, mark });
    }
  }
  for (const r of rows) if (r.point.nodes > maxNodes) r.mark = r.mark ? `${r.mark}, above the stack's max nodes` : "above the stack's max nodes";
  return rows.sort((a, b) => a.point.monthlyOutputTokens - b.point.monthlyOutputTokens);
}

const cheaper = (p: CostPoint) => (p.apiUsd < p.selfHostedUsd ? "API" : p.apiUsd > p.selfHostedUsd ? "self-hosted" : "equal");
const costCells = (r: { point: CostPoint; mark: string }) => [
  tokens(r.point.monthlyOutputTokens), tokens(r.point.monthlyInputTokens), String(r.point.nodes), usd(r.point.selfHostedUsd), usd(r.point.apiUsd), cheaper(r.point), r.mark,
];
const COST_HEADERS = ["output tokens/month", "input tokens/month", "GPU nodes", "self-hosted", "API", "cheaper", ""];

function atVolumeLines(m: DecideModel): string[] {
  const a = m.decision.atVolume;
  return [
    `API          ${usd(a.apiUsd)}`,
    `self-hosted  ${usd(a.selfHostedUsd)} (${a.nodes} GPU node${a.nodes === 1 ? "" : "s"} for peak-to-mean ${m.input.peakToMean}` +
      (m.input.peakToMean !== 1 ? `; steady traffic: ${usd(a.steadySelfHostedUsd)}, ${a.steadyNodes} node${a.steadyNodes === 1 ? "" : "s"})` : ")"),
  ];
}

/** The hybrid base and the lines that deploy it. */
function deployLines(h: HybridDeployment): string[] {
  const pct = sharePercent;
  return [
    `Deploy it: ${h.baseReplicas} replica(s) on ${h.baseNodes} GPU node(s) always on, ${pct(h.overflowShare)} of the output tokens to ${h.fallbackApi} ` +
      `(${pct(h.worstCaseShare)} if traffic were only at its peak or idle): ${usd(h.monthlyUsd)} a month`,
    ...h.configLines.map((l) => `  ${l}`),
  ];
}

function spikyLine(d: Decision): string {
  const p = d.maxSelfHostPeakToMean;
  if (p === undefined) return "none: self-hosting does not beat the API at this volume even with steady traffic";
  return p === Infinity ? "none: GPU nodes cost nothing in this model" : `self-hosting all of it beats the API at this volume up to peak-to-mean ${p.toFixed(2)}`;
}

const OPTION_HEADERS = ["purchase option", "$/h per GPU node", "self-hosted a month", "break-even (output tokens a month)", ""];

function optionCells(m: DecideModel): string[][] {
  return m.purchaseOptions.rows.map((r) => [
    r.label,
    `$${Number(r.rate.usdPerHour.toPrecision(4))}`,
    usd(r.monthlyUsdAtVolume),
    r.breakEvenMonthlyOutputTokens === undefined ? "none" : tokens(r.breakEvenMonthlyOutputTokens),
    r.chosen ? "the stack's" : "",
  ]);
}

function optionsTitle(m: DecideModel): string {
  return `Purchase options for ${m.stack.instanceType} in ${m.stack.region} (the same plan: only the GPU node's rate changes; at your volume and peak-to-mean ${m.input.peakToMean})`;
}

export function renderDecideText(m: DecideModel): string {
  const d = m.decision;
  const lines = [
    `hostwise decide — stack ${m.stack.name} (${m.stack.instanceType}, ${m.stack.region}) against ${m.hostedApi.id}`,
    `Prices       ${m.stack.pricing.region} rates from ${m.stack.pricing.catalog} · GPU nodes ${m.stack.pricing.gpuPurchase} · system nodes ${m.stack.pricing.systemPurchase}`,
    "",
    `Recommendation: ${headline(d, m.hostedApi.id)}`,
    ...(m.deploy ? ["", ...deployLines(m.deploy)] : []),
    ...(m.capacity.text ? ["", `Capacity: ${m.capacity.text}`] : []),
    "",
    "Reasons, in the articles' order",
    ...d.reasons.map((r, i) => `  ${i + 1}. ${RULE_NAMES[r.rule]} (${r.outcome}): ${r.text}`),
    "",
    `Monthly cost at ${tokens(m.input.monthlyOutputTokens)} output + ${tokens(m.input.monthlyInputTokens)} input tokens`,
    ...atVolumeLines(m).map((l) => `  ${l}`),
    `Break-even   ${breakEvenLine(m)}`,
    `Spikiness    ${spikyLine(d)}`,
    "",
    optionsTitle(m),
    ...renderTable(OPTION_HEADERS, optionCells(m), [1, 2, 3]).split("\n").map((l) => `  ${l}`),
    ...m.purchaseOptions.unpriced.map((u) => `  not compared: ${u}`),
    "",
    `Monthly cost versus volume (USD; ${d.models.hostedApi.inputPerOutputToken.toFixed(2)} input tokens per output token)`,
    ...renderTable(COST_HEADERS, tableRows(d, m.capacity.maxNodes).map(costCells), [0, 1, 2, 3, 4]).split("\n").map((l) => `  ${l}`),
    "",
    "Assumptions",
    ...m.assumptions.map((a) => `  - ${a}`),
  ];
  return lines.join("\n");
}

/** Plain decimals only: Mermaid's xychart grammar reads no exponents. */
function decimal(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** A Mermaid xychart of monthly cost versus monthly output volume: the API line and the stepped self-hosted line. */
export function mermaidCostChart(d: Decision): string {
  const series = d.series;
  const maxVolume = series[series.length - 1]?.monthlyOutputTokens ?? 0;
  const [unit, scale] = maxVolume >= 1e9 ? ["billions", 1e9] : maxVolume >= 1e6 ? ["millions", 1e6] : maxVolume >= 1e3 ? ["thousands", 1e3] : ["tokens", 1];
  const yMax = niceCeil(Math.max(...series.flatMap((p) => [p.apiUsd, p.selfHostedUsd])));
  return [
    "```mermaid",
    "xychart-beta",
    `    title "Monthly cost versus output volume (USD)"`,
    `    x-axis "output tokens a month (${unit})" 0 --> ${decimal(maxVolume / scale, 6)}`,
    `    y-axis "USD a month" 0 --> ${decimal(yMax, 2)}`,
    `    line "API" [${series.map((p) => decimal(p.apiUsd, 2)).join(", ")}]`,
    `    line "self-hosted" [${series.map((p) => decimal(p.selfHostedUsd, 2)).join(", ")}]`,
    "```",
  ].join("\n");
}

/** The decision as Markdown; every name and sentence goes through scripts/lib/markdown.ts. */
export function renderDecideMarkdown(m: DecideModel): string {
  const d = m.decision;
  const rows = tableRows(d, m.capacity.maxNodes).map(costCells).map((c) => `| ${c.map((x) => mdText(x)).join(" | ")} |`);
  return [
    `## hostwise decide — stack ${mdCode(m.stack.name)} against ${mdCode(m.hostedApi.id)}`,
    "",
    `Prices: ${mdText(`${m.stack.pricing.region} rates from ${m.stack.pricing.catalog}; GPU nodes ${m.stack.pricing.gpuPurchase}, system nodes ${m.stack.pricing.systemPurchase}`)}.`,
    "",
    `**Recommendation: ${mdText(headline(d, m.hostedApi.id))}**`,
    "",
    ...(m.deploy ? [mdText(deployLines(m.deploy)[0]!, 1_000), "", "```bash", ...m.deploy.configLines.map((l) => terminalText(l)), "```", ""] : []),
    ...(m.capacity.text ? ["> [!WARNING]", `> Capacity: ${mdText(m.capacity.text, 1_000)}`, ""] : []),
    ...d.reasons.map((r, i) => `${i + 1}. **${RULE_NAMES[r.rule]}** (${r.outcome}): ${mdText(r.text, 2_000)}`),
    "",
    `Monthly cost at ${tokens(m.input.monthlyOutputTokens)} output + ${tokens(m.input.monthlyInputTokens)} input tokens:`,
    "",
    ...atVolumeLines(m).map((l) => `- ${mdText(l.replace(/ {2,}/, " "), 1_000)}`),
    `- break-even: ${mdText(breakEvenLine(m), 1_000)}`,
    `- spikiness: ${mdText(spikyLine(d), 1_000)}`,
    "",
    `${optionsTitle(m)}:`,
    "",
    `| ${OPTION_HEADERS.join(" | ")} |`,
    "|---|---:|---:|---:|---|",
    ...optionCells(m).map((c) => `| ${c.map((x) => mdText(x)).join(" | ")} |`),
    ...m.purchaseOptions.unpriced.map((u) => `\n_not compared: ${mdText(u, 1_000)}_`),
    "",
    `| ${COST_HEADERS.join(" | ")} |`,
    "|---:|---:|---:|---:|---:|---|---|",
    ...rows,
    "",
    mermaidCostChart(d),
    "",
    "The first line is the API, the second self-hosting (it steps up a GPU node at a time).",
    "",
    "<details><summary>Assumptions</summary>",
    "",
    ...m.assumptions.map((a) => `- ${mdText(a, 1_000)}`),
    "",
    "</details>",
  ].join("\n");
}

/**
 * `hostwise decide`: parses argv, prices the stack (evaluating its Pulumi program under mocks: once per
 * process), runs the decision table and prints it. Resolves to the exit code (see DECIDE_HELP).
 */
export async function runDecide(argv: readonly string[], io: DecideIo, now = new Date()): Promise<number> {
  let stack: string | undefined;
  try {
    const parsed = parseDecideArgs(argv);
    if ("help" in parsed) {
      io.out(DECIDE_HELP);
      return 0;
    }
    stack = parsed.stack;
    const model = decideModel(parsed, await stackCost(parsed.dir, parsed.stack, parsed.overrides, now, io.err));
    io.out(parsed.format === "json" ? JSON.stringify(model, null, 2) : parsed.format === "markdown" ? renderDecideMarkdown(model) : renderDecideText(model));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(terminalText(`hostwise: stack "${stack}" has ${e.message}`));
      return 1;
    }
    if (e instanceof UsageError) {
      io.err(terminalText(`hostwise: ${e.message}\n  fix: ${e.hint}`));
      return 2;
    }
    throw e;
  }
}
