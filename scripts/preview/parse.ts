import type { ResourceView } from "../../infra/resource-view";
import { oneLine } from "../lib/markdown";

// Reads the JSON `pulumi preview --json` prints (pulumi/pulumi pkg/backend/display/json.go: top-level `config`,
// `steps[]`, `diagnostics[]`, `changeSummary`) into one change per resource. Pure: text in, values out.

/** What the preview prints for a value it will only know after `pulumi up`. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Every step op the engine can print (display/json.go). */
export const STEP_OPS = [
  "same", "create", "update", "delete", "replace", "create-replacement", "delete-replaced", "read",
  "read-replacement", "refresh", "discard", "discard-replaced", "remove-pending-replace", "import", "import-replacement",
] as const;
export type StepOp = (typeof STEP_OPS)[number];

/** What happens to one resource, however many steps the preview prints for it. */
export type ChangeOp = "create" | "update" | "replace" | "delete" | "same" | "read" | "import" | "refresh" | "discard";

/**
 * Per step op: the change it belongs to and which of the step's states it contributes. `read` resources
 * belong to someone else (the program only looks them up), so they have no before or after here.
 */
const STEP_MEANING: Readonly<Record<StepOp, { op: ChangeOp; before: boolean; after: boolean }>> = {
  same: { op: "same", before: true, after: true },
  create: { op: "create", before: false, after: true },
  update: { op: "update", before: true, after: true },
  delete: { op: "delete", before: true, after: false },
  replace: { op: "replace", before: true, after: true },
  "create-replacement": { op: "replace", before: true, after: true },
  "delete-replaced": { op: "replace", before: true, after: false },
  read: { op: "read", before: false, after: false },
  "read-replacement": { op: "read", before: false, after: false },
  refresh: { op: "refresh", before: true, after: true },
  discard: { op: "discard", before: true, after: false },
  "discard-replaced": { op: "discard", before: true, after: false },
  "remove-pending-replace": { op: "discard", before: true, after: false },
  import: { op: "import", before: false, after: true },
  "import-replacement": { op: "import", before: false, after: true },
};

/** A resource's inputs in one state, as the price book reads them. */
export interface ResourceState extends ResourceView {
  /** Input paths (`scalingConfig.desiredSize`, `instanceTypes[0]`) whose value is unknown until apply. */
  readonly unknownInputs: readonly string[];
}

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: ChangeOp;
  /** The preview's steps for this resource, in order: a replacement prints up to three. */
  readonly steps: readonly StepOp[];
  /** A component resource (`custom: false`): structure whose children are the real resources. */
  readonly component: boolean;
  readonly before?: ResourceState;
  readonly after?: ResourceState;
}

export interface ParsedPreview {
  /** How errors and the comment name this file, e.g. `--preview preview.json`. */
  readonly source: string;
  readonly stack?: string;
  readonly project?: string;
  /** Stack config as the preview printed it: `aws:region`, `hostwise:natDataGbPerMonth`, … (values as text). */
  readonly config: Readonly<Record<string, string>>;
  /** Resources in preview order; the stack itself and providers are left out. */
  readonly changes: readonly ResourceChange[];
  /** Printed steps by op, the stack and providers included. */
  readonly stepCounts: Readonly<Record<string, number>>;
  /** The engine's own count of logical steps by op (empty when the file has none). */
  readonly changeSummary: Readonly<Record<string, number>>;
}

/** The file is not usable preview JSON. The CLI prints the message and hint and exits 2. */
export class PreviewError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
    this.name = "PreviewError";
  }
}

const HOW_TO_GET_ONE = "write it with `pulumi preview --json > preview.json` (stdout only: Pulumi's progress goes to stderr)";

export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** The resource's own type: the last part of the URN's type chain. */
  readonly type: string;
  readonly name: string;
}

/** urn:pulumi:STACK::PROJECT::PARENT-TYPE$…$TYPE::NAME (a name may itself contain "::"). */
export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.split("::");
  if (parts.length < 4) return undefined;
  const typeChain = parts[2]!.split("$");
  return { stack: parts[0]!.slice("urn:pulumi:".length), project: parts[1]!, type: typeChain[typeChain.length - 1]!, name: parts.slice(3).join("::") };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** "an array", "a string", "null": what a value of the wrong shape is, for errors. */
function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A path segment as the unknown-input paths spell it. */
export function childPath(path: string, key: string, inArray: boolean): string {
  if (inArray) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Inputs without Pulumi's `__defaults` bookkeeping, unknowns as undefined, and where the unknowns were. */
function cleanInputs(value: unknown, path: string, unknown: string[]): unknown {
  if (value === UNKNOWN) {
    unknown.push(path);
    return undefined;
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanInputs(v, childPath(path, String(i), true), unknown));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== "__defaults") out[k] = cleanInputs(v, childPath(path, k, false), unknown);
  }
  return out;
}

function toState(state: Record<string, unknown>, type: string, name: string): ResourceState {
  const unknownInputs: string[] = [];
  const props = cleanInputs(isObject(state.inputs) ? state.inputs : {}, "", unknownInputs) as Record<string, any>;
  return { type, name, props, unknownInputs };
}

function notPreview(source: string, why: string, hint = HOW_TO_GET_ONE): PreviewError {
  return new PreviewError(`${source}: not \`pulumi preview --json\` output: ${why}`, hint);
}

/** Config values are text in the preview; anything structured is kept as its JSON. */
function readConfig(source: string, config: unknown): Record<string, string> {
  if (config === undefined || config === null) return {};
  if (!isObject(config)) throw notPreview(source, `"config" is ${describe(config)}, expected an object of stack config values`);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

function readCounts(value: unknown): Record<string, number> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === "number"));
}

interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly oldState?: Record<string, unknown>;
  readonly newState?: Record<string, unknown>;
}

function readStep(source: string, raw: unknown, i: number): Step {
  const at = `steps[${i}]`;
  if (!isObject(raw)) throw notPreview(source, `${at} is ${describe(raw)}, expected an object with "op" and "urn"`);
  const { op, urn, oldState, newState } = raw;
  if (typeof op !== "string") throw notPreview(source, op === undefined ? `${at} has no "op"` : `${at}.op is ${describe(op)}, expected a string`);
  if (!(STEP_OPS as readonly string[]).includes(op)) {
    throw new PreviewError(`${source}: ${at} has op ${JSON.stringify(oneLine(op, 40))}, which hostwise does not know`, `ops known: ${STEP_OPS.join(", ")}; a newer Pulumi CLI may need a newer hostwise`);
  }
  if (typeof urn !== "string" || !parseUrn(urn)) throw notPreview(source, `${at} has no Pulumi URN ("urn:pulumi:STACK::PROJECT::TYPE::NAME")`);
  for (const [key, state] of [["oldState", oldState], ["newState", newState]] as const) {
    if (state === undefined || state === null) continue;
    if (!isObject(state)) throw notPreview(source, `${at}.${key} is ${describe(state)}, expected an object`);
    if (state.inputs !== undefined && state.inputs !== null && !isObject(state.inputs)) throw notPreview(source, `${at}.${key}.inputs is ${describe(state.inputs)}, expected an object`);
    if (state.type !== undefined && typeof state.type !== "string") throw notPreview(source, `${at}.${key}.type is ${describe(state.type)}, expected a type token string`);
  }
  return { op: op as StepOp, urn, ...(isObject(oldState) && { oldState }), ...(isObject(newState) && { newState }) };
}

/** The stack and providers are not infrastructure: they are left out of the changes (still counted in stepCounts). */
const isPulumiInternal = (type: string) => type.startsWith("pulumi:");

/** Steps of one URN → one change: a replacement (up to three steps) is one resource, priced once. */
function toChange(urn: string, steps: readonly Step[]): ResourceChange {
  const parsed = parseUrn(urn)!;
  const meanings = steps.map((s) => STEP_MEANING[s.op]);
  const op = meanings.some((m) => m.op === "replace") ? "replace" : meanings[meanings.length - 1]!.op;
  // delete-replaced carries only the old state, so "after" comes from replace or create-replacement.
  const stateOf = (key: "oldState" | "newState", wanted: "before" | "after") => steps.find((s, i) => meanings[i]![wanted] && s[key])?.[key];
  const old = stateOf("oldState", "before");
  const next = stateOf("newState", "after");
  const any = steps.map((s) => s.newState ?? s.oldState).find((s) => s !== undefined);
  const type = String(any?.type ?? parsed.type);
  const custom = any?.custom;
  return {
    urn,
    type,
    name: parsed.name,
    op,
    steps: steps.map((s) => s.op),
    component: custom === false,
    ...(old && { before: toState(old, type, parsed.name) }),
    ...(next && { after: toState(next, type, parsed.name) }),
  };
}

/**
 * Parses and checks preview JSON. `source` names the file in errors (`--preview preview.json`). Throws
 * PreviewError when the text is not a preview, or when the preview itself failed (its steps are then partial).
 */
export function parsePreview(text: string, source: string): ParsedPreview {
  let json: unknown;
  try {
    // A byte-order mark (some Windows tools write one) is not part of the JSON.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new PreviewError(`${source}: not JSON (${(e as Error).message})`, HOW_TO_GET_ONE);
  }
  if (!isObject(json)) throw notPreview(source, `the top level is ${describe(json)}, expected an object with a "steps" array`);
  if (!Array.isArray(json.steps)) {
    if (isObject(json.deployment)) throw notPreview(source, "it is a stack export (`pulumi stack export`), the state after a deployment, not a preview");
    if (json.steps !== undefined) throw notPreview(source, `"steps" is ${describe(json.steps)}, expected an array of steps`);
    const keys = Object.keys(json);
    throw notPreview(source, `no "steps" array (top-level keys: ${keys.slice(0, 10).map((k) => oneLine(k, 40)).join(", ") || "none"}${keys.length > 10 ? ", …" : ""})`);
  }
  const failed = Array.isArray(json.diagnostics) ? json.diagnostics.find((d) => isObject(d) && d.severity === "error") : undefined;
  if (isObject(failed)) {
    throw new PreviewError(`${source}: the preview failed: ${oneLine(String(failed.message ?? ""), 1_000)}`, "fix what `pulumi preview` reports first: a failed preview lists only part of the changes");
  }

  const steps = json.steps.map((s, i) => readStep(source, s, i));
  const stepCounts: Record<string, number> = {};
  const byUrn = new Map<string, Step[]>();
  for (const s of steps) {
    stepCounts[s.op] = (stepCounts[s.op] ?? 0) + 1;
    const group = byUrn.get(s.urn);
    if (group) group.push(s);
    else byUrn.set(s.urn, [s]);
  }
  const changes = [...byUrn].map(([urn, group]) => toChange(urn, group)).filter((c) => !isPulumiInternal(c.type));
  const first = steps[0] && parseUrn(steps[0].urn);
  return {
    source,
    ...(first && { stack: first.stack, project: first.project }),
    config: readConfig(source, json.config),
    changes,
    stepCounts,
    changeSummary: readCounts(json.changeSummary),
  };
}
