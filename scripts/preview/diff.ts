import { isDeepStrictEqual } from "node:util";
import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import { ConfigError, formatIssues } from "../../infra/config/errors";
import { ConfigReader, unqualified, type RawConfig } from "../../infra/config/read";
import { CONFIG_NAMESPACE, REGION_KEY } from "../../infra/config/schema";
import type { UsageSpec } from "../../infra/config/spec";
import { readUsage } from "../../infra/config/validate";
import { readInstancePrices, readPricing } from "../../infra/config/pricing-readers";
import { BUILT_IN_CATALOG, RegionPrices } from "../../infra/catalog/aws-prices";
import { isCommitment, ON_DEMAND, type PurchaseOption } from "../../infra/catalog/purchase-options";
import { estimateCost, pricingSummary, type CostEstimate, type PricingSummary } from "../../infra/cost/estimate";
import {
  PRICE_BOOK, priceResources, QuantityError, sumScaled, type CostComponent, type PriceContext, type PricingResult, type Scaled,
} from "../../infra/cost/pricebook";
import { resolveStack } from "../../infra/resolve";
import type { ResourceView } from "../../infra/resource-view";
import { oneLine } from "../lib/markdown";
import { signedUsd, usd } from "../lib/table";
import { childPath, PreviewError, type ChangeOp, type ParsedPreview, type ResourceChange, type ResourceState } from "./parse";

// Prices the before and after state of every resource in a preview with the price book, and the difference.
// Pure: parsed previews in, a cost model out (render.ts turns it into Markdown or JSON).

/** A price that rests on an input unknown until apply, taken at its upper bound. */
export interface Bound {
  /** What was unknown and what it was priced at. */
  readonly note: string;
  /** The expected monthly USD at the lower bound. */
  readonly expectedLow: number;
}

/** One side of a resource's change. */
export type SidePrice =
  | { readonly kind: "absent" }
  | { readonly kind: "priced"; readonly monthlyUsd: Scaled; readonly components: readonly CostComponent[]; readonly bound?: Bound }
  | { readonly kind: "free"; readonly note: string }
  | { readonly kind: "not priced"; readonly reason: string };

export interface ResourceDiff {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly before: SidePrice;
  readonly after: SidePrice;
  /** Monthly after − before; undefined when a side is not priced (the resource is then left out of the totals). */
  readonly change?: Scaled;
}

export interface NotPricedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly reason: string;
}

export type TokenEconomics =
  | { readonly kind: "hostwise"; readonly estimate: CostEstimate; readonly instanceType: string; readonly nodes: { readonly min: number; readonly peak: number; readonly max: number } }
  | { readonly kind: "not hostwise"; readonly reason: string };

export interface CostDiff {
  readonly stack?: string;
  readonly project?: string;
  /** Undefined when nothing in the preview needed a region (no priced resource type). */
  readonly region?: string;
  /** Whose prices priced the after-state, and how its nodes are paid for (with region). */
  readonly pricing?: PricingSummary;
  /** Where "before" comes from: the deployed state (each step's oldState) or another preview's after-state. */
  readonly before: { readonly kind: "state" } | { readonly kind: "baseline"; readonly source: string };
  readonly resources: readonly ResourceDiff[];
  /**
   * Monthly USD over the resources priced on both sides. A price resting on a value unknown until apply is at
   * its upper bound here; `low` has the expected totals at the lower bounds (equal when nothing is bounded).
   */
  readonly totals: { readonly before: Scaled; readonly after: Scaled; readonly change: Scaled; readonly low: { readonly before: number; readonly after: number } };
  /** change / before × 100 at expected scale; undefined when before is 0. */
  readonly changePercent?: number;
  readonly notPriced: readonly NotPricedResource[];
  readonly assumptions: readonly string[];
  readonly tokens: TokenEconomics;
  /**
   * The hostwise:instancePrices of the previewed change's own config (a pull request can set them), with the
   * catalog's price of each type for comparison; `ignored` with --catalog-prices.
   */
  readonly ownInstancePrices: { readonly prices: ReadonlyArray<{ readonly type: string; readonly usd: number; readonly catalogUsd?: number }>; readonly ignored: boolean };
}

export interface DiffOptions {
  readonly now: Date;
  /** --region: wins over aws:region in the preview's config. */
  readonly region?: string;
  /** --baseline: "before" is this preview's after-state. */
  readonly baseline?: ParsedPreview;
  /**
   * --catalog-prices: price with the built-in catalog, ignoring what the previews' config states about prices:
   * hostwise:instancePrices, priceCatalogFile, stated discounts and commitments (priced On-Demand).
   */
  readonly catalogPrices?: boolean;
}

const ZERO: Scaled = { min: 0, expected: 0, max: 0 };
const minus = (a: Scaled, b: Scaled): Scaled => ({ min: a.min - b.min, expected: a.expected - b.expected, max: a.max - b.max });

/** The preview's config as hostwise reads stack config: hostwise keys without their namespace, provider keys with theirs. */
export function rawConfigOf(config: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [unqualified(k), v]));
}

function configError(source: string, issues: ConfigReader["issues"]): PreviewError {
  return new PreviewError(`${source}: the preview's config has ${formatIssues(issues)}`, "correct the stack config (Pulumi.<stack>.yaml) and preview again");
}

/** Config keys through which a change states its own prices. */
const STATED_PRICE_KEYS = [
  "instancePrices", "priceCatalogFile", "gpuDiscountPercent", "systemDiscountPercent",
  "gpuPurchaseTerm", "gpuPurchasePayment", "systemPurchaseTerm", "systemPurchasePayment",
];

/**
 * The config as --catalog-prices reads it: no stated prices, and commitments (whose rates only a stated file or
 * discount gives) at On-Demand, their upper bound. Spot stays: its rate is the catalog's.
 */
function withCatalogPrices(raw: RawConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const key of STATED_PRICE_KEYS) delete out[key];
  for (const key of ["gpuPurchaseOption", "systemPurchaseOption"]) {
    if (typeof out[key] === "string" && isCommitment(out[key] as PurchaseOption)) delete out[key];
  }
  return out;
}

type PricingConfig = Pick<PriceContext, "prices" | "usage" | "instancePrices" | "gpu" | "system">;

/**
 * The price book's stack settings from the preview's config, with the schema's defaults (config validation's
 * readers): the region's prices (built-in, or the config's priceCatalogFile read from the working directory),
 * usage assumptions and purchase options.
 */
function readPricingConfig(raw: RawConfig, source: string, region: string, catalogPrices = false): PricingConfig {
  const config = catalogPrices ? withCatalogPrices(raw) : raw;
  const r = new ConfigReader(config);
  const usage = readUsage(r);
  const pricing = readPricing(r, config, region, { projectDir: process.cwd() });
  if (r.issues.length > 0 || !usage || !pricing) throw configError(source, r.issues);
  return { usage, ...pricing };
}

/** Root volume size per launch template, and the templates whose size is unknown until apply. */
function launchTemplateDisks(states: readonly ResourceState[]): { sizes: Record<string, number>; unknown: Set<string> } {
  const sizes: Record<string, number> = {};
  const unknown = new Set<string>();
  for (const s of states.filter((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate")) {
    const size = s.props.blockDeviceMappings?.[0]?.ebs?.volumeSize;
    if (typeof size === "number") sizes[s.name] = size;
    else if (s.unknownInputs.some((p) => p === "blockDeviceMappings" || p.startsWith("blockDeviceMappings[0]"))) unknown.add(s.name);
  }
  return { sizes, unknown };
}

/**
 * A view of `value` that records every read of a path in `unknown`: the price book falls back to defaults for
 * missing inputs, so only a read tells us an unknown value would have been used.
 */
function tracking<T>(value: T, path: string, unknown: ReadonlySet<string>, reads: Set<string>): T {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return v;
      const p = childPath(path, key, Array.isArray(target));
      if (unknown.has(p)) reads.add(p);
      return tracking(v, p, unknown, reads);
    },
  }) as T;
}

/** What one side (before or after) is priced with. */
interface Side {
  readonly ctx: PriceContext;
  readonly unknownDisks: ReadonlySet<string>;
  /** The preview file, for errors. */
  readonly source: string;
}

/**
 * Inputs a price may rest on while they are unknown until apply, and the known inputs that bound them: such a
 * resource is priced at the upper bound (and the lower one is kept), not left out.
 */
const BOUNDED_INPUTS: Readonly<Record<string, Readonly<Record<string, { readonly upper: string; readonly lower: string }>>>> = {
  "aws:eks/nodeGroup:NodeGroup": { "scalingConfig.desiredSize": { upper: "scalingConfig.maxSize", lower: "scalingConfig.minSize" } },
};

const valueAt = (props: Record<string, any>, path: string): unknown => path.split(".").reduce<any>((v, k) => v?.[k], props);
function withValueAt(props: Record<string, any>, path: string, value: unknown): Record<string, any> {
  const [head, ...rest] = path.split(".");
  return { ...props, [head!]: rest.length === 0 ? value : withValueAt(props[head!] ?? {}, rest.join("."), value) };
}

/** Prices one state; `reads` are the unknown inputs the price needed. */
function attempt(state: ResourceState, props: Record<string, any>, unknown: ReadonlySet<string>, side: Side) {
  const reads = new Set<string>();
  const tracked = tracking(props, "", unknown, reads);
  const disks = new Proxy(side.ctx.launchTemplateDiskGiB, {
    get(target, key) {
      if (typeof key === "string" && side.unknownDisks.has(key)) reads.add(`root volume size of launch template ${key}`);
      return Reflect.get(target, key);
    },
  });
  try {
    return { reads, result: priceResources([{ type: state.type, name: state.name, props: tracked }], { ...side.ctx, launchTemplateDiskGiB: disks }) };
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    throw new PreviewError(`${side.source}: ${state.type} ${oneLine(state.name, 100)}: ${e.message}`, "a cost gate cannot price a quantity no real resource declares: correct it in the program or the stack config");
  }
}

function priced(result: PricingResult): SidePrice | undefined {
  const p = result.priced[0];
  if (!p) return undefined;
  // A gate must not pass on a partial price: a line without a rate makes the whole resource undetermined.
  const missing = result.notPriced[0];
  if (missing) return { kind: "not priced", reason: missing.reason };
  if (![p.monthlyUsd.min, p.monthlyUsd.expected, p.monthlyUsd.max].every(Number.isFinite)) return { kind: "not priced", reason: "an input the price needs is not a number" };
  return { kind: "priced", monthlyUsd: p.monthlyUsd, components: p.components };
}

/** The resource priced with each bounded unknown input at its upper and its lower bound, when both are known. */
function priceAtBounds(state: ResourceState, reads: ReadonlySet<string>, side: Side): SidePrice | undefined {
  const bounds = BOUNDED_INPUTS[state.type];
  if (!bounds || ![...reads].every((p) => bounds[p])) return undefined;
  const unknown = new Set(state.unknownInputs.filter((p) => !reads.has(p)));
  const pricedAt = (which: "upper" | "lower") => {
    let props = state.props;
    for (const path of reads) {
      const boundPath = bounds[path]![which];
      if (unknown.has(boundPath) || valueAt(props, boundPath) === undefined) return undefined;
      props = withValueAt(props, path, valueAt(props, boundPath));
    }
    const { reads: again, result } = attempt(state, props, unknown, side);
    return again.size === 0 ? priced(result) : undefined;
  };
  const high = pricedAt("upper");
  const low = pricedAt("lower");
  if (high?.kind !== "priced" || low?.kind !== "priced") return undefined;
  const bound = (which: "upper" | "lower") => [...reads].map((p) => `${bounds[p]![which].split(".").pop()} ${String(valueAt(state.props, bounds[p]![which]))}`).join(", ");
  const note = `${[...reads].join(", ")} is unknown until apply: priced at ${bound("upper")}, the upper bound (at ${bound("lower")}: ${usd(low.monthlyUsd.expected)} a month)`;
  return { ...high, bound: { note, expectedLow: low.monthlyUsd.expected } };
}

function priceSide(state: ResourceState | undefined, component: boolean, side: Side): SidePrice {
  if (!state) return { kind: "absent" };
  if (component) return { kind: "free", note: "component resource: its children are priced" };
  const { reads, result } = attempt(state, state.props, new Set(state.unknownInputs), side);
  if (reads.size > 0) return priceAtBounds(state, reads, side) ?? { kind: "not priced", reason: `value unknown until apply: ${[...reads].join(", ")}` };
  const p = priced(result);
  if (p) return p;
  const notPriced = result.notPriced[0];
  if (notPriced) return { kind: "not priced", reason: notPriced.reason };
  return { kind: "free", note: "no cost of its own" };
}

const monthly = (p: SidePrice): Scaled | undefined => (p.kind === "priced" ? p.monthlyUsd : p.kind === "not priced" ? undefined : ZERO);

/** One resource as compared: change op and both states. */
interface Pairing {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  readonly component: boolean;
  readonly before?: ResourceState;
  readonly after?: ResourceState;
}

/** Against a baseline the op is relative to it: what Pulumi will do to the deployed stack is not the question. */
function pairWithBaseline(current: ParsedPreview, baseline: ParsedPreview): Pairing[] {
  const base = new Map(baseline.changes.map((c) => [c.urn, c]));
  const seen = new Set(current.changes.map((c) => c.urn));
  const pair = (urn: string, now: ResourceChange | undefined, then: ResourceChange | undefined): Pairing => {
    const c = (now ?? then)!;
    const before = then?.after;
    const after = now?.after;
    const op: ChangeOp =
      before && after ? (before.type === after.type && isDeepStrictEqual(before.props, after.props) ? "same" : "update") : after ? "create" : before ? "delete" : c.op;
    return { urn, type: c.type, name: c.name, op, component: c.component, ...(before && { before }), ...(after && { after }) };
  };
  // A resource in neither after-state (deleted by both) is not part of the comparison.
  return [
    ...current.changes.map((c) => pair(c.urn, c, base.get(c.urn))),
    ...baseline.changes.filter((c) => !seen.has(c.urn)).map((c) => pair(c.urn, undefined, c)),
  ].filter((p) => p.before || p.after);
}

function regionFor(preview: ParsedPreview, flag: string | undefined): string | undefined {
  const fromConfig = preview.config[REGION_KEY];
  return flag ?? (fromConfig && fromConfig.trim() !== "" ? fromConfig.trim() : undefined);
}

function sideFor(preview: ParsedPreview, states: readonly ResourceState[], region: string, o: DiffOptions): Side {
  const raw = rawConfigOf(preview.config);
  const { sizes, unknown } = launchTemplateDisks(states);
  return {
    // expectedNodes is empty: node groups are priced at their declared desiredSize.
    ctx: { now: o.now, ...readPricingConfig(raw, preview.source, region, o.catalogPrices), expectedNodes: {}, launchTemplateDiskGiB: sizes },
    unknownDisks: unknown,
    source: preview.source,
  };
}

/** The change's own hostwise:instancePrices, with the catalog's price of each type in the region. */
function ownInstancePrices(preview: ParsedPreview, region: string | undefined, o: DiffOptions): CostDiff["ownInstancePrices"] {
  const r = new ConfigReader(rawConfigOf(preview.config));
  const instancePrices = readInstancePrices(r);
  if (r.issues.length > 0) throw configError(preview.source, r.issues);
  const catalog = region ? RegionPrices.of(BUILT_IN_CATALOG, region) : undefined;
  return {
    prices: Object.entries(instancePrices).map(([type, usd]) => {
      const catalogUsd = catalog?.instance(type)?.onDemand?.usd;
      return { type, usd, ...(catalogUsd !== undefined && { catalogUsd }) };
    }),
    ignored: o.catalogPrices === true,
  };
}

/** $ per token and the hosted API comparison, when the preview's config is a valid hostwise stack. */
function tokenEconomics(preview: ParsedPreview, region: string | undefined, after: readonly ResourceView[], now: Date, catalogPrices: boolean): TokenEconomics {
  if (!Object.keys(preview.config).some((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))) {
    return { kind: "not hostwise", reason: `its config has no ${CONFIG_NAMESPACE}:* keys` };
  }
  if (!preview.stack) return { kind: "not hostwise", reason: "it names no stack (no steps)" };
  const raw: Record<string, unknown> = { ...rawConfigOf(preview.config), ...(region && { [REGION_KEY]: region }) };
  try {
    const { spec, plan } = resolveStack(catalogPrices ? withCatalogPrices(raw) : raw, { stack: preview.stack, now });
    return { kind: "hostwise", estimate: estimateCost(spec, plan, after, now), instanceType: plan.instanceType, nodes: plan.nodes };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { kind: "not hostwise", reason: `its hostwise config does not validate (${e.issues.map((i) => `${i.key}: ${i.message}`).join("; ")})` };
  }
}

function assumptionsOf(resources: readonly ResourceDiff[], o: { pricing?: PricingSummary; regionFrom: string; before: CostDiff["before"]; notPriced: number; own: CostDiff["ownInstancePrices"] }): string[] {
  const used = new Set<string>();
  for (const r of resources) {
    for (const side of [r.before, r.after]) {
      if (side.kind === "priced") side.components.forEach((c) => c.assumption && used.add(c.assumption));
    }
  }
  const nodeGroups = resources.some((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.before.kind === "priced" || r.after.kind === "priced"));
  return [
    ...(o.pricing
      ? [`prices for ${o.pricing.region} (${o.regionFrom}) from ${o.pricing.catalog}, every line at ${o.pricing.region} rates; GPU nodes ${o.pricing.gpuPurchase}, system nodes ${o.pricing.systemPurchase} (SPOT node groups at spot); ${HOURS_PER_MONTH} hours a month`]
      : []),
    o.before.kind === "state"
      ? "before = the deployed state Pulumi holds (each step's oldState), priced with the preview's (new) stack config"
      : `before = the after-state of the baseline preview (${o.before.source}), priced with its own stack config`,
    ...(nodeGroups ? ["node groups at their declared scalingConfig: expected = desiredSize, min = minSize, max = maxSize"] : []),
    ...(o.own.prices.length > 0 ? [instancePricesAssumption(o.own)] : []),
    ...used,
    ...boundNotes(resources),
    ...(o.notPriced > 0 ? ["resources that could not be priced (see Not priced) are left out of the totals on both sides"] : []),
  ];
}

/** Each price resting on a value unknown until apply, the first ten by name, then how many more. */
function boundNotes(resources: readonly ResourceDiff[]): string[] {
  const notes = resources.flatMap((r) => [r.before, r.after].flatMap((s) => (s.kind === "priced" && s.bound ? [`${r.type} ${r.name}: ${s.bound.note}`] : [])));
  return notes.length > 10 ? [...notes.slice(0, 10), `and ${notes.length - 10} more prices at the upper bound of values unknown until apply`] : notes;
}

/** "g6e.xlarge $0.01/h (catalog $1.86/h)", one per override. */
export function describeOwnPrices(own: CostDiff["ownInstancePrices"]): string {
  return own.prices.map((p) => `${p.type} $${p.usd}/h${p.catalogUsd !== undefined ? ` (catalog $${p.catalogUsd}/h)` : " (not in the catalog)"}`).join(", ");
}

function instancePricesAssumption(own: CostDiff["ownInstancePrices"]): string {
  return own.ignored
    ? `--catalog-prices: the change's own hostwise:instancePrices are ignored (${describeOwnPrices(own)}); types without a catalog price are not priced`
    : `instance prices from the change's own hostwise:instancePrices (stack config), not the catalog: ${describeOwnPrices(own)}; --catalog-prices prices against the catalog instead`;
}

/**
 * Prices every resource's before and after state. Throws PreviewError when a priced resource type needs a
 * region that neither --region nor the preview's aws:region gives, or when the usage config is invalid.
 */
export function diffPreview(preview: ParsedPreview, options: DiffOptions): CostDiff {
  const { baseline, now } = options;
  if (baseline && baseline.stack && preview.stack && baseline.stack !== preview.stack) {
    throw new PreviewError(`--baseline: ${baseline.source} previews stack ${JSON.stringify(oneLine(baseline.stack, 100))}, ${preview.source} stack ${JSON.stringify(oneLine(preview.stack, 100))}`, "compare two previews of the same stack");
  }
  const pairs: Pairing[] = baseline ? pairWithBaseline(preview, baseline) : preview.changes.map((c) => ({ ...c }));
  const needsRegion = pairs.some((p) => !p.component && [p.before, p.after].some((s) => s && PRICE_BOOK[s.type]));
  const beforeFrom = baseline ?? preview;
  const region = regionFor(preview, options.region);
  const beforeRegion = regionFor(beforeFrom, options.region) ?? region;
  if (needsRegion && (!region || !beforeRegion)) {
    const file = !region ? preview.source : beforeFrom.source;
    throw new PreviewError(`no AWS region: ${file} has no ${REGION_KEY} in its config and --region is not given`, "pass --region (e.g. --region us-east-1), or set aws:region in the stack config");
  }

  const befores = pairs.flatMap((p) => (p.before ? [p.before] : []));
  const afters = pairs.flatMap((p) => (p.after ? [p.after] : []));
  const beforeSide = needsRegion ? sideFor(beforeFrom, befores, beforeRegion!, options) : undefined;
  const afterSide = needsRegion ? sideFor(preview, afters, region!, options) : undefined;
  // Without a priced type nothing reads the context; free and unknown types price without one.
  const noContext: Side = {
    ctx: { prices: RegionPrices.empty(""), now, usage: readPricingConfig({}, preview.source, "us-east-1").usage, instancePrices: {}, gpu: ON_DEMAND("gpu"), system: ON_DEMAND("system"), expectedNodes: {}, launchTemplateDiskGiB: {} },
    unknownDisks: new Set(),
    source: preview.source,
  };

  const resources: ResourceDiff[] = pairs.map((p) => {
    const before = priceSide(p.before, p.component, beforeSide ?? noContext);
    const after = priceSide(p.after, p.component, afterSide ?? noContext);
    const b = monthly(before);
    const a = monthly(after);
    return { urn: p.urn, type: p.type, name: p.name, op: p.op, before, after, ...(a && b && { change: minus(a, b) }) };
  });

  const counted = resources.filter((r) => r.change);
  const low = (p: SidePrice) => (p.kind === "priced" ? (p.bound?.expectedLow ?? p.monthlyUsd.expected) : 0);
  const totals = {
    before: sumScaled(counted.map((r) => monthly(r.before)!)),
    after: sumScaled(counted.map((r) => monthly(r.after)!)),
    change: sumScaled(counted.map((r) => r.change!)),
    low: { before: counted.reduce((s, r) => s + low(r.before), 0), after: counted.reduce((s, r) => s + low(r.after), 0) },
  };
  const notPriced = resources.flatMap((r) => {
    const reasons = [...new Set([r.before, r.after].flatMap((s) => (s.kind === "not priced" ? [s.reason] : [])))];
    return reasons.length > 0 ? [{ urn: r.urn, type: r.type, name: r.name, op: r.op, reason: reasons.join("; ") }] : [];
  });
  const before: CostDiff["before"] = baseline ? { kind: "baseline", source: baseline.source } : { kind: "state" };
  const regionFrom = options.region ? "--region" : `${REGION_KEY} in the preview's config`;
  const own = ownInstancePrices(preview, region, options);
  const pricing = afterSide && pricingSummary(afterSide.ctx);
  return {
    ...(preview.stack && { stack: preview.stack }),
    ...(preview.project && { project: preview.project }),
    ...(needsRegion && { region }),
    ...(pricing && { pricing }),
    before,
    resources,
    totals,
    ...(totals.before.expected > 0 && { changePercent: (totals.change.expected / totals.before.expected) * 100 }),
    notPriced,
    assumptions: assumptionsOf(resources, { ...(pricing && { pricing }), regionFrom, before, notPriced: notPriced.length, own }),
    tokens: tokenEconomics(preview, options.region, pairs.flatMap((p) => (p.after && !p.component ? [p.after] : [])), now, options.catalogPrices === true),
    ownInstancePrices: own,
  };
}

export interface Thresholds {
  /** --fail-above: expected monthly USD after the change. */
  readonly failAboveMonthlyUsd?: number;
  /** --fail-increase: percent rise of the expected monthly cost; any rise from $0 counts. */
  readonly failIncreasePercent?: number;
}

/** Resources of a priced type whose price could not be told on a side: a gate cannot answer without them. */
function undetermined(diff: CostDiff, sides: ReadonlyArray<"before" | "after">, skipSame: boolean): ResourceDiff[] {
  return diff.resources.filter((r) => PRICE_BOOK[r.type] && !(skipSame && r.op === "same") && sides.some((s) => r[s].kind === "not priced"));
}

function describeUndetermined(list: readonly ResourceDiff[]): string {
  const shown = list.slice(0, 3).map((r) => {
    const reason = [r.before, r.after].find((s): s is Extract<SidePrice, { kind: "not priced" }> => s.kind === "not priced")!.reason;
    return `${r.type} ${oneLine(r.name, 80)} (${oneLine(reason, 160)})`;
  });
  return `${shown.join("; ")}${list.length > 3 ? `; and ${list.length - 3} more` : ""}`;
}

const isBounded = (diff: CostDiff) => diff.resources.some((r) => [r.before, r.after].some((s) => s.kind === "priced" && s.bound));

/**
 * The thresholds the change crosses, each as a sentence with the figures (empty: none). A gate fails closed:
 * when a resource of a priced type cannot be priced, or a price rests on a value unknown until apply and the
 * verdict would differ between its bounds, the threshold counts as crossed and the sentence says why.
 */
export function crossedThresholds(diff: CostDiff, t: Thresholds): string[] {
  const { after, low } = diff.totals;
  const crossed: string[] = [];
  const bounded = isBounded(diff) ? " (at the upper bound of values unknown until apply; the gate fails closed)" : "";
  if (t.failAboveMonthlyUsd !== undefined) {
    const limit = `--fail-above ${t.failAboveMonthlyUsd}`;
    const unknown = undetermined(diff, ["after"], false);
    if (unknown.length > 0) {
      crossed.push(`${limit}: cannot tell the monthly cost after this change, so the gate fails closed: ${describeUndetermined(unknown)}`);
    } else if (after.expected > t.failAboveMonthlyUsd) {
      const range = low.after !== after.expected ? `between ${usd(low.after)} and ${usd(after.expected)}` : usd(after.expected);
      crossed.push(`${limit}: the expected monthly cost after this change is ${range}, above ${usd(t.failAboveMonthlyUsd)}${bounded}`);
    }
  }
  if (t.failIncreasePercent !== undefined) {
    const limit = `--fail-increase ${t.failIncreasePercent}`;
    const unknown = undetermined(diff, ["before", "after"], true);
    // The worst case: everything unknown at its upper bound after the change and its lower bound before it.
    const rise = after.expected - low.before;
    const from = `${usd(low.before)} → ${usd(after.expected)}, ${signedUsd(rise)}`;
    if (unknown.length > 0) {
      crossed.push(`${limit}: cannot tell how much the monthly cost changes, so the gate fails closed: ${describeUndetermined(unknown)}`);
    } else if (rise > 0.005 && low.before <= 0) {
      crossed.push(`${limit}: the expected monthly cost rises from nothing (${from}); any rise from $0 counts${bounded}`);
    } else if (rise > 0.005 && (rise / low.before) * 100 > t.failIncreasePercent) {
      crossed.push(`${limit}: the expected monthly cost rises ${((rise / low.before) * 100).toFixed(1)}% (${from}), more than ${t.failIncreasePercent}%${bounded}`);
    }
  }
  return crossed;
}
