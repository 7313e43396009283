import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import type { Expiry, StackSpec } from "../../infra/config/spec";
import { quantizationAlternatives, type QuantizationAlternative, type SizingPlan } from "../../infra/sizing/choose";
import type { OperatingPoint } from "../../infra/sizing/throughput";
import { scaleToZeroTimers } from "../../infra/sizing/scale-to-zero";
import { RETRY_AFTER_SECONDS } from "../../infra/k8s/entry-objects";
import { renderInventory, shortType, summarizeResources, type ResourceInventory } from "../lib/inventory";
import { renderCostMarkdown, renderCostText, resourceCostRows, type ResourceCostRow } from "../lib/cost-render";
import type { CostEstimate } from "../../infra/cost/estimate";
import { mdCode, mdText } from "../lib/markdown";
import { stackCost } from "../lib/stack-cost";
import { renderTable, round, usd } from "../lib/table";
import { SPOT_BEHAVIOUR } from "../../infra/catalog/purchase-options";

export const PLAN_HELP = `hostwise plan — the sizing decision for a stack, offline (no Pulumi CLI, no AWS credentials)

Usage: npm run plan -- [--stack NAME] [--config key=value ...] [--json | --markdown] [--all]

Reads Pulumi.<stack>.yaml, validates it, and prints the model class, the memory budget per GPU, the chosen
instance type, tensor parallelism, replicas and nodes, the vLLM flags, the modeled throughput, the GPU cost
per hour and month, and the alternatives with why each lost. It then runs the real Pulumi program under
Pulumi's mock runtime and lists every resource \`pulumi up\` would create with its expected monthly cost,
then the cost estimate: totals at min / expected / max scale, the breakdown by component, $ per 1M output
tokens, the same tokens on the hosted API, the break-even volume, and every usage assumption.

Options:
  --stack NAME          stack file to read: Pulumi.NAME.yaml (default: dev)
  --config key=value    override a config key for this run (repeatable): model, hostwise:maxModelLen,
                        aws:region, ...
  --dir PATH            project directory holding the stack files (default: the current directory)
  --json                print the stack spec, the plan, the resources and the cost estimate as JSON
  --markdown            print the cost-annotated plan as Markdown (for a pull request comment)
  --all                 list every alternative (default: the best 12)
  -h, --help            show this help

Exit codes: 0 planned, 1 invalid configuration (every error listed), 2 bad command line.`;

export interface PlanOptions {
  readonly stack: string;
  readonly dir: string;
  readonly overrides: readonly string[];
  readonly format: "text" | "json" | "markdown";
  readonly all: boolean;
  readonly now: Date;
  /** Where warnings about the stack file go (stderr). */
  readonly warn?: (message: string) => void;
}

/**
 * Validates and sizes the stack, then evaluates the real Pulumi program under the mock runtime to list
 * everything `pulumi up` would create. Config errors surface before the program runs.
 */
export async function runPlan(o: PlanOptions): Promise<string> {
  const { spec, plan: sized, resources, cost } = await stackCost(o.dir, o.stack, o.overrides, o.now, o.warn);
  const plan: PlanReport = { ...sized, quantizationAlternatives: quantizationAlternatives(spec) };
  const preview: Preview = { inventory: summarizeResources(resources), rows: resourceCostRows(resources, cost), cost };
  if (o.format === "json") return JSON.stringify({ ...planJson(spec, plan, o.now), resources: preview.inventory, resourceCosts: preview.rows, cost }, null, 2);
  if (o.format === "markdown") return renderPlanMarkdown(spec, plan, preview);
  return renderPlan(spec, plan, preview, o);
}

/** The sizing plan with what only the report shows: the same model with other weights. */
export interface PlanReport extends SizingPlan {
  /** FP8 and 4-bit AWQ/GPTQ variants, sized for the same traffic: they change the served weights, never chosen. */
  readonly quantizationAlternatives: readonly QuantizationAlternative[];
}

/** What the program would create and what it costs. */
interface Preview {
  readonly inventory: ResourceInventory;
  readonly rows: readonly ResourceCostRow[];
  readonly cost: CostEstimate;
}

/** The plan as Markdown for a pull request: every value from the stack's config goes through scripts/lib/markdown.ts. */
export function renderPlanMarkdown(spec: StackSpec, plan: PlanReport, p: Preview): string {
  const lines = [
    `## hostwise plan — stack ${mdCode(spec.stack)}`,
    "",
    `**${mdText(plan.model.id)}** (${mdText(plan.modelClass)}) on **${plan.nodes.peak} × ${mdText(plan.instanceType)}** at TP ${plan.tensorParallelSize}` +
      ` (${plan.gpu.perNode} × ${mdText(plan.gpu.name)}); replicas ${plan.replicas.min}–${plan.replicas.max}, ${plan.replicas.peak} at peak.`,
    "",
    `Prices: ${pricingLine(p.cost)}.${spec.pricing.gpu.option === "spot" ? ` Spot: ${SPOT_BEHAVIOUR}.` : ""}`,
    "",
    ...(plan.quantizationAlternatives.length > 0
      ? [
          "Quantized alternatives — they change the served weights, so the plan never switches to them:",
          "",
          `| ${QUANTIZATION_HEADERS.join(" | ")} |`,
          "|---|---|---:|---:|---:|---:|---:|",
          ...quantizationRows(plan).map((r) => `| ${r.map((cell) => mdText(cell)).join(" | ")} |`),
          "",
        ]
      : []),
    renderCostMarkdown(p.cost),
    "",
    "<details><summary>Every resource `pulumi up` would create</summary>",
    "",
    "| type | name | expected $/month | |",
    "|---|---|---:|---|",
    ...p.rows.map((r) => `| ${mdCode(r.type)} | ${mdCode(r.name)} | ${r.monthlyUsd === undefined ? "not priced" : usd(r.monthlyUsd)} | ${mdText(r.note)} |`),
    "",
    "</details>",
  ];
  return lines.join("\n");
}

/** When the stack expires, if it were created now. */
function expiresAt(expiry: Expiry, now: Date): Date {
  return expiry.kind === "at" ? expiry.at : new Date(now.getTime() + expiry.hours * 3_600_000);
}

export function planJson(spec: StackSpec, plan: PlanReport, now: Date) {
  return {
    stack: spec.stack,
    region: spec.placement.region,
    environment: spec.environment,
    trial: spec.trial,
    expiry: spec.expiry && {
      ...(spec.expiry.kind === "at" ? { at: spec.expiry.at.toISOString() } : { afterCreation: spec.expiry.text }),
      ifCreatedNow: expiresAt(spec.expiry, now).toISOString(),
    },
    spec: { serving: spec.serving, traffic: spec.traffic, scaling: spec.scaling, entry: spec.entry, hostedApi: spec.hostedApi },
    plan,
    ...(plan.replicas.min === 0 ? { scaleToZero: scaleToZeroTimers(spec.scaling, plan.coldStart) } : {}),
  };
}

function describeExpiry(expiry: Expiry | undefined, now: Date): string {
  if (!expiry) return "no expiry";
  if (expiry.kind === "at") return `expires ${expiry.at.toISOString()}`;
  return `expires ${expiry.text} after creation (${expiresAt(expiry, now).toISOString()} if created now)`;
}

function describePoint(p: OperatingPoint): string {
  return (
    `${round(p.perStreamTokensPerSecond)} tokens/s per stream, ${round(p.outputTokensPerSecond, 0)} output tokens/s, ` +
    `${round(p.requestsPerSecond, 2)} requests/s, TTFT ${round(p.ttftSeconds * 1000, 0)} ms (${round(p.prefillShare * 100, 0)}% of GPU time on prefill, ${p.boundBy}-bound)`
  );
}

function describeStorage(plan: SizingPlan): string {
  const st = plan.nodeStorage;
  const where = st.modelCache === "nvme" ? `local NVMe (${st.localNvmeGB.toLocaleString("en-US")} GB, RAID0 under containerd and the kubelet)` : `gp3 root volume (${st.root.throughputMiBps} MiB/s, ${st.root.iops} IOPS)`;
  return `${st.podCacheGiB} GiB per replica on ${where}${st.weightsOnDisk ? "" : "; weights streamed from S3"}`;
}

function describeColdStart(plan: SizingPlan): string {
  const c = plan.coldStart;
  const min = (s: number) => `${Math.ceil(s / 60)} min`;
  const terms = c.terms.map((t) => `${t.name} ${t.seconds} s`).join(" + ");
  return `${terms}; budget ${min(c.totalSeconds)} with headroom (startup probe ${min(c.startupSeconds)})`;
}

/** The quantized variants of the plan, as table rows: weights, instance, TP, replicas, nodes, $/h, $ per 1M tokens or why not. */
function quantizationRows(plan: PlanReport): string[][] {
  return plan.quantizationAlternatives.map((q) =>
    q.feasible
      ? [q.label, q.instanceType!, String(q.tensorParallelSize), String(q.replicas), String(q.nodes), usd(q.hourlyUsd!), usd(q.usdPerMillionOutputTokensAtCapacity!)]
      : [q.label, "-", "-", "-", "-", "-", `not possible: ${q.why}`],
  );
}

const QUANTIZATION_HEADERS = ["weights", "instance type", "TP", "replicas", "nodes", "$/hour at peak", "$ per 1M output tokens"];

/** The entry point: what a request meets, cold and warm. */
function describeEntry(spec: StackSpec, plan: SizingPlan): string {
  const e = spec.entry;
  const hold = `holds a request ${e.coldHoldSeconds} s while nothing is ready, then 503 + Retry-After ${RETRY_AFTER_SECONDS} s`;
  if (!e.fallback) return `KEDA HTTP interceptor → vLLM; ${hold}`;
  const cap = plan.maxNumSeqs + e.fallback.overflowQueueDepth;
  return `KEDA HTTP interceptor → LiteLLM gateway → vLLM, or ${e.fallback.api} while vLLM is cold, full (${cap} requests in flight per replica) or failing; ${hold}`;
}

function describeScaleToZero(spec: StackSpec, plan: SizingPlan): string {
  if (plan.replicas.min > 0) return `never (minReplicas ${plan.replicas.min})`;
  const t = scaleToZeroTimers(spec.scaling, plan.coldStart);
  return `after ${t.cooldownSeconds.toLocaleString("en-US")} s idle (at least the ${t.wakeBudgetSeconds.toLocaleString("en-US")} s cold start); the first replica stays ${t.initialCooldownSeconds.toLocaleString("en-US")} s after deploy; a request wakes it`;
}

function describeTraffic(spec: StackSpec): string {
  const t = spec.traffic;
  const shape = `${t.meanPromptTokens} prompt + ${t.meanOutputTokens} output tokens per request, floor ${t.minTokensPerSecondPerStream} tokens/s per stream`;
  if (t.peakRequestsPerSecond === undefined) return `none given (cheapest plan that fits); ${shape}`;
  const peak =
    t.given === "outputTokens"
      ? `${round(t.peakRequestsPerSecond * t.meanOutputTokens, 0)} output tokens/s (${round(t.peakRequestsPerSecond, 2)} requests/s)`
      : `${round(t.peakRequestsPerSecond, 2)} requests/s`;
  return `peak ${peak}; ${shape}`;
}

function renderPlan(spec: StackSpec, plan: PlanReport, p: Preview, o: PlanOptions): string {
  const s = spec.serving;
  const m = plan.memory;
  const t = plan.throughput;
  const c = plan.gpuCost;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const shared = plan.replicasPerNode > 1 ? ` (${plan.replicasPerNode} replicas can share one node)` : "";
  const alternatives = o.all ? plan.alternatives : plan.alternatives.slice(0, 12);
  const lines = [
    `hostwise plan — stack ${spec.stack} (${spec.placement.region}, ${spec.trial ? "trial" : "long-lived"}, ${describeExpiry(spec.expiry, o.now)})`,
    "",
    `Model        ${plan.model.id} — ${plan.modelClass}, served as "${plan.model.servedModelName}"${plan.model.custom ? " (custom architecture)" : ""}`,
    `Serving      dtype ${plan.dtype} · quantization ${s.quantization} · KV cache ${s.kvCacheDtype} · max-model-len ${s.maxModelLen} · ${plural(s.minConcurrentSequences, "full-length sequence")} guaranteed`,
    `Traffic      ${describeTraffic(spec)}`,
    "",
    `Chosen       ${plan.instanceType}: ${plan.gpu.perNode} × ${plan.gpu.name} (${round(plan.gpu.memoryGiB)} GiB each) · TP ${plan.tensorParallelSize}${shared}`,
    `Replicas     min ${plan.replicas.min} · peak ${plan.replicas.peak} · max ${plan.replicas.max}`,
    `Nodes        min ${plan.nodes.min} · peak ${plan.nodes.peak} · max ${plan.nodes.max} · ${plan.nodeDiskGiB} GiB root volume each`,
    `Model cache  ${describeStorage(plan)}`,
    `Cold start   ${describeColdStart(plan)}`,
    `Entry point  ${describeEntry(spec, plan)}`,
    `Scale to 0   ${describeScaleToZero(spec, plan)}`,
    "",
    `Memory per GPU (GiB, at gpuMemoryUtilization ${s.gpuMemoryUtilization})`,
    `  usable ${round(m.usableGiB)} = weights ${round(m.weightsGiB)} + KV cache ${round(m.kvCacheGiB)} + runtime overhead ${round(m.overheadGiB)} + free ${round(m.freeGiB)}`,
    `  the KV pool holds ${m.kvCapacityTokens.toLocaleString("en-US")} tokens per replica`,
    "",
    "Throughput per replica (modeled)",
    `  capacity     ${t.maxConcurrency} concurrent (limited by ${t.limitedBy}): ${describePoint(t.capacity)}`,
    t.atPeak
      ? `  at peak      ${round(t.atPeak.concurrency)} concurrent: ${describePoint(t.atPeak)}`
      : "  at peak      no traffic given",
    `  fleet        ${round(t.fleetCapacityOutputTokensPerSecond, 0)} output tokens/s at capacity with ${plural(plan.replicas.peak, "replica")}`,
    "",
    `Pricing      ${pricingLine(p.cost)}`,
    ...(spec.pricing.gpu.option === "spot" ? [`Spot         ${SPOT_BEHAVIOUR}`] : []),
    `GPU cost     ${usd(c.hourlyUsdPerNode)}/h per node: ${c.rate.basis}`,
    `  per hour   min ${usd(c.hourlyUsd.min)} · peak ${usd(c.hourlyUsd.peak)} · max ${usd(c.hourlyUsd.max)}`,
    `  per month  min ${usd(c.monthlyUsd.min)} · peak ${usd(c.monthlyUsd.peak)} · max ${usd(c.monthlyUsd.max)} (${HOURS_PER_MONTH} h)`,
    `  ${usd(c.usdPerMillionOutputTokensAtCapacity)} per 1M output tokens with the peak fleet busy at capacity; ` +
      `hosted ${spec.hostedApi.id}: ${usd(spec.hostedApi.outputUsdPerMTok)} per 1M output tokens${spec.hostedApi.overridden ? " (price from config)" : ""}`,
    "",
    "vLLM flags (vllm serve <checkpoint> <flags>)",
    ...plan.vllmArgs.map((a) => `  ${a}`),
    "",
    `Alternatives (${alternatives.length} of ${plan.alternatives.length}, best first${o.all ? "" : "; --all lists every one"})`,
    indent(
      renderTable(
        ["instance type", "TP", "replicas", "nodes", "$/hour", "why not chosen"],
        alternatives.map((a) => [
          a.instanceType,
          String(a.tensorParallelSize),
          a.replicas === undefined ? "-" : String(a.replicas),
          a.nodes === undefined ? "-" : String(a.nodes),
          a.hourlyUsd === undefined ? "-" : usd(a.hourlyUsd),
          a.why,
        ]),
        [1, 2, 3, 4],
      ),
    ),
  ];
  if (plan.quantizationAlternatives.length > 0) {
    lines.push(
      "",
      "Quantized alternatives (change the served weights; listed for comparison, never chosen automatically)",
      indent(renderTable(QUANTIZATION_HEADERS, quantizationRows(plan), [2, 3, 4, 5, 6])),
    );
  }
  lines.push(
    "",
    ...renderInventory(p.inventory),
    "",
    `Every resource with its expected monthly cost`,
    ...renderTable(
      ["type", "name", "$/month", ""],
      p.rows.map((r) => [shortType(r.type), r.name, r.monthlyUsd === undefined ? "not priced" : usd(r.monthlyUsd), r.note]),
      [2],
    ).split("\n").map((l) => `  ${l}`),
    "",
    ...renderCostText(p.cost),
  );
  if (plan.excluded.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const e of plan.excluded) byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e.instanceType]);
    lines.push("", "Not evaluated", ...[...byReason].map(([reason, types]) => `  ${types.join(", ")}: ${reason}`));
  }
  return lines.join("\n");
}

export function pricingLine(cost: CostEstimate): string {
  const p = cost.pricing;
  return `${p.region} rates from ${p.catalog} · GPU nodes ${p.gpuPurchase} · system nodes ${p.systemPurchase}`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
