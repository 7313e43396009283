import { isDeepStrictEqual } from "node:util";
import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import { ConfigError, formatIssues } from "../../infra/config/errors";
import { ConfigReader, unqualified, type RawConfig } from "../../infra/config/read";
import { CONFIG_NAMESPACE, REGION_KEY } from "../../infra/config/schema";
import type { UsageSpec } from "../../infra/config/spec";
import { readInstancePrices, readUsage } from "../../infra/config/validate";
import { estimateCost, type CostEstimate } from "../../infra/cost/estimate";
import { PRICE_BOOK, priceResources, sumScaled, type CostComponent, type PriceContext, type Scaled } from "../../infra/cost/pricebook";
import { resolveStack } from "../../infra/resolve";
import type { ResourceView } from "../../infra/resource-view";
import { usd } from "../lib/table";
import { childPath, PreviewError, type ChangeOp, type ParsedPreview, type ResourceChange, type ResourceState } from "./parse";

// Prices the before and after state of every resource in a preview with the price book, and the difference.
// Pure: parsed previews in, a cost model out (render.ts turns it into Markdown or JSON).

/** One side of a resource's change. */
export type SidePrice =
  | { readonly kind: "absent" }
  | { readonly kind: "priced"; readonly monthlyUsd: Scaled; readonly components: readonly CostComponent[] }
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
  /** Where "before" comes from: the deployed state (each step's oldState) or another preview's after-state. */
  readonly before: { readonly kind: "state" } | { readonly kind: "baseline"; readonly source: string };
  readonly resources: readonly ResourceDiff[];
  /** Monthly USD over the resources priced on both sides. */
  readonly totals: { readonly before: Scaled; readonly after: Scaled; readonly change: Scaled };
  /** change / before × 100 at expected scale; undefined when before is 0. */
  readonly changePercent?: number;
  readonly notPriced: readonly NotPricedResource[];
  readonly assumptions: readonly string[];
  readonly tokens: TokenEconomics;
}

export interface DiffOptions {
  readonly now: Date;
  /** --region: wins over aws:region in the preview's config. */
  readonly region?: string;
  /** --baseline: "before" is this preview's after-state. */
  readonly baseline?: ParsedPreview;
}

const ZERO: Scaled = { min: 0, expected: 0, max: 0 };
const minus = (a: Scaled, b: Scaled): Scaled => ({ min: a.min - b.min, expected: a.expected - b.expected, max: a.max - b.max });
const isFiniteScaled = (s: Scaled) => [s.min, s.expected, s.max].every(Number.isFinite);

/** The preview's config as hostwise reads stack config: hostwise keys without their namespace, provider keys with theirs. */
export function rawConfigOf(config: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [unqualified(k), v]));
}

function configError(source: string, issues: ConfigReader["issues"]): PreviewError {
  return new PreviewError(`${source}: the preview's config has ${formatIssues(issues)}`, "correct the stack config (Pulumi.<stack>.yaml) and preview again");
}

/** The price book's stack settings from the preview's config, with the schema's defaults (config validation's readers). */
function readPricingConfig(raw: RawConfig, source: string): { usage: UsageSpec; instancePrices: Record<string, number> } {
  const r = new ConfigReader(raw);
  const usage = readUsage(r);
  const instancePrices = readInstancePrices(r);
  if (r.issues.length > 0 || !usage) throw configError(source, r.issues);
  return { usage, instancePrices };
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
}

function priceSide(state: ResourceState | undefined, component: boolean, side: Side): SidePrice {
  if (!state) return { kind: "absent" };
  if (component) return { kind: "free", note: "component resource: its children are priced" };
  const reads = new Set<string>();
  const props = tracking(state.props, "", new Set(state.unknownInputs), reads);
  const disks = new Proxy(side.ctx.launchTemplateDiskGiB, {
    get(target, key) {
      if (typeof key === "string" && side.unknownDisks.has(key)) reads.add(`root volume size of launch template ${key}`);
      return Reflect.get(target, key);
    },
  });
  const result = priceResources([{ type: state.type, name: state.name, props }], { ...side.ctx, launchTemplateDiskGiB: disks });
  if (reads.size > 0) return { kind: "not priced", reason: `value unknown until apply: ${[...reads].join(", ")}` };
  const priced = result.priced[0];
  if (priced) {
    if (!isFiniteScaled(priced.monthlyUsd)) return { kind: "not priced", reason: "an input the price needs is not a number" };
    return { kind: "priced", monthlyUsd: priced.monthlyUsd, components: priced.components };
  }
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

function sideFor(preview: ParsedPreview, states: readonly ResourceState[], region: string, now: Date): Side {
  const raw = rawConfigOf(preview.config);
  const { sizes, unknown } = launchTemplateDisks(states);
  return {
    // expectedNodes is empty: node groups are priced at their declared desiredSize.
    ctx: { region, now, ...readPricingConfig(raw, preview.source), expectedNodes: {}, launchTemplateDiskGiB: sizes },
    unknownDisks: unknown,
  };
}

/** $ per token and the hosted API comparison, when the preview's config is a valid hostwise stack. */
function tokenEconomics(preview: ParsedPreview, region: string | undefined, after: readonly ResourceView[], now: Date): TokenEconomics {
  if (!Object.keys(preview.config).some((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))) {
    return { kind: "not hostwise", reason: `its config has no ${CONFIG_NAMESPACE}:* keys` };
  }
  if (!preview.stack) return { kind: "not hostwise", reason: "it names no stack (no steps)" };
  const raw = { ...rawConfigOf(preview.config), ...(region && { [REGION_KEY]: region }) };
  try {
    const { spec, plan } = resolveStack(raw, { stack: preview.stack, now });
    return { kind: "hostwise", estimate: estimateCost(spec, plan, after, now), instanceType: plan.instanceType, nodes: plan.nodes };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { kind: "not hostwise", reason: `its hostwise config does not validate (${e.issues.map((i) => `${i.key}: ${i.message}`).join("; ")})` };
  }
}

function assumptionsOf(resources: readonly ResourceDiff[], o: { region?: string; regionFrom: string; before: CostDiff["before"]; notPriced: number }): string[] {
  const used = new Set<string>();
  for (const r of resources) {
    for (const side of [r.before, r.after]) {
      if (side.kind === "priced") side.components.forEach((c) => c.assumption && used.add(c.assumption));
    }
  }
  const nodeGroups = resources.some((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.before.kind === "priced" || r.after.kind === "priced"));
  return [
    ...(o.region ? [`prices for ${o.region} (${o.regionFrom}), ${HOURS_PER_MONTH} hours a month`] : []),
    o.before.kind === "state"
      ? "before = the deployed state Pulumi holds (each step's oldState), priced with the preview's (new) stack config"
      : `before = the after-state of the baseline preview (${o.before.source}), priced with its own stack config`,
    ...(nodeGroups ? ["node groups at their declared scalingConfig: expected = desiredSize, min = minSize, max = maxSize"] : []),
    ...used,
    ...(o.notPriced > 0 ? ["resources that could not be priced (see Not priced) are left out of the totals on both sides"] : []),
  ];
}

/**
 * Prices every resource's before and after state. Throws PreviewError when a priced resource type needs a
 * region that neither --region nor the preview's aws:region gives, or when the usage config is invalid.
 */
export function diffPreview(preview: ParsedPreview, options: DiffOptions): CostDiff {
  const { baseline, now } = options;
  if (baseline && baseline.stack && preview.stack && baseline.stack !== preview.stack) {
    throw new PreviewError(`--baseline: ${baseline.source} previews stack "${baseline.stack}", ${preview.source} stack "${preview.stack}"`, "compare two previews of the same stack");
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
  const beforeSide = needsRegion ? sideFor(beforeFrom, befores, beforeRegion!, now) : undefined;
  const afterSide = needsRegion ? sideFor(preview, afters, region!, now) : undefined;
  // Without a priced type nothing reads the context; free and unknown types price without one.
  const noContext: Side = { ctx: { region: "", now, ...readPricingConfig({}, preview.source), expectedNodes: {}, launchTemplateDiskGiB: {} }, unknownDisks: new Set() };

  const resources: ResourceDiff[] = pairs.map((p) => {
    const before = priceSide(p.before, p.component, beforeSide ?? noContext);
    const after = priceSide(p.after, p.component, afterSide ?? noContext);
    const b = monthly(before);
    const a = monthly(after);
    return { urn: p.urn, type: p.type, name: p.name, op: p.op, before, after, ...(a && b && { change: minus(a, b) }) };
  });

  const counted = resources.filter((r) => r.change);
  const totals = {
    before: sumScaled(counted.map((r) => monthly(r.before)!)),
    after: sumScaled(counted.map((r) => monthly(r.after)!)),
    change: sumScaled(counted.map((r) => r.change!)),
  };
  const notPriced = resources.flatMap((r) => {
    const reasons = [...new Set([r.before, r.after].flatMap((s) => (s.kind === "not priced" ? [s.reason] : [])))];
    return reasons.length > 0 ? [{ urn: r.urn, type: r.type, name: r.name, op: r.op, reason: reasons.join("; ") }] : [];
  });
  const before: CostDiff["before"] = baseline ? { kind: "baseline", source: baseline.source } : { kind: "state" };
  const regionFrom = options.region ? "--region" : `${REGION_KEY} in the preview's config`;
  return {
    ...(preview.stack && { stack: preview.stack }),
    ...(preview.project && { project: preview.project }),
    ...(needsRegion && { region }),
    before,
    resources,
    totals,
    ...(totals.before.expected > 0 && { changePercent: (totals.change.expected / totals.before.expected) * 100 }),
    notPriced,
    assumptions: assumptionsOf(resources, { ...(needsRegion && { region }), regionFrom, before, notPriced: notPriced.length }),
    tokens: tokenEconomics(preview, options.region, pairs.flatMap((p) => (p.after && !p.component ? [p.after] : [])), now),
  };
}

export interface Thresholds {
  /** --fail-above: expected monthly USD after the change. */
  readonly failAboveMonthlyUsd?: number;
  /** --fail-increase: percent rise of the expected monthly cost; any rise from $0 counts. */
  readonly failIncreasePercent?: number;
}

/** The thresholds the change crosses, each as a sentence with the figures (empty: none). */
export function crossedThresholds(diff: CostDiff, t: Thresholds): string[] {
  const { before, after, change } = diff.totals;
  const crossed: string[] = [];
  if (t.failAboveMonthlyUsd !== undefined && after.expected > t.failAboveMonthlyUsd) {
    crossed.push(`--fail-above ${t.failAboveMonthlyUsd}: the expected monthly cost after this change is ${usd(after.expected)}, above ${usd(t.failAboveMonthlyUsd)}`);
  }
  if (t.failIncreasePercent !== undefined && change.expected > 0) {
    const from = `${usd(before.expected)} → ${usd(after.expected)}, +${usd(change.expected)}`;
    if (before.expected <= 0) {
      crossed.push(`--fail-increase ${t.failIncreasePercent}: the expected monthly cost rises from nothing (${from}); any rise from $0 counts`);
    } else if (diff.changePercent !== undefined && diff.changePercent > t.failIncreasePercent) {
      crossed.push(`--fail-increase ${t.failIncreasePercent}: the expected monthly cost rises ${diff.changePercent.toFixed(1)}% (${from}), more than ${t.failIncreasePercent}%`);
    }
  }
  return crossed;
}
