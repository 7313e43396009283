// Which stacks `hostwise teardown` destroys, and why the others stay: pure, so every safety rule is tested
// without a Pulumi CLI. A stack goes only when both sides agree it is an expired trial: the deployed state
// (its `lifecycle` output, written by its last `pulumi up`) and its config (which may have changed since).

import type { Expiry } from "../../infra/config/spec";
import { parseExpiry } from "../../infra/config/validate";
import { oneLine } from "../lib/markdown";

/** What the deployed stack says about itself: its `lifecycle` output. */
export interface DeployedState {
  readonly trial: boolean;
  /** The expiry resolved at deploy; absent when the stack has none. */
  readonly expiresAt?: Date;
  /** When the stack was first created (an expiry given as a duration counts from it). */
  readonly createdAt?: Date;
}

/** What the stack's config says now. */
export interface ConfiguredState {
  readonly trial: boolean;
  readonly expiry?: Expiry;
}

/** One side as read: its state, or why it could not be read. */
export type Side<T> = { readonly ok: true; readonly state: T } | { readonly ok: false; readonly problem: string };

/** What teardown knows about a stack. */
export interface StackInfo {
  readonly name: string;
  /** Absent: no lifecycle output (never deployed by hostwise, or its first `pulumi up` failed). */
  readonly deployed?: Side<DeployedState>;
  readonly config: Side<ConfiguredState>;
  /** Expected monthly cost from the stack's `cost` output, when deployed. */
  readonly monthlyUsd?: number;
  /** Resources in the stack's state, counted by type. */
  readonly resourcesByType: Readonly<Record<string, number>>;
  /** Why the stack could not be read at all (its config cannot be decrypted, the backend failed): it is skipped. */
  readonly unreadable?: string;
}

export interface Decision {
  readonly stack: StackInfo;
  readonly destroy: boolean;
  readonly reason: string;
  /** Destroyed by --force although not an expired trial on both sides: the confirmation asks for its name. */
  readonly forced: boolean;
  /** The later of the two expiries, when known (ordering, JSON). */
  readonly expiresAt?: Date;
}

export interface SelectOptions {
  /** Only this stack. */
  readonly stack?: string;
  /** Destroy the named stack even if it is not an expired trial on both sides. */
  readonly force: boolean;
}

/** A stack counts as expired this long after its expiry: clocks disagree by a few seconds to minutes. */
export const CLOCK_SKEW_GRACE_MS = 5 * 60_000;

function ago(at: Date, now: Date): string {
  const hours = (now.getTime() - at.getTime()) / 3_600_000;
  return hours >= 48 ? `${Math.floor(hours / 24)} days` : hours >= 1 ? `${Math.floor(hours)} h` : `${Math.max(1, Math.floor(hours * 60))} min`;
}

const expired = (at: Date, now: Date) => at.getTime() + CLOCK_SKEW_GRACE_MS <= now.getTime();
const iso = (d: Date) => d.toISOString();
const FORCE_HINT = "teardown --stack NAME --force destroys it anyway";

/** When the config says the stack expires, given the deployed creation time (a duration counts from it). */
function configuredExpiry(config: ConfiguredState, deployed: DeployedState): Date | undefined {
  const e = config.expiry;
  if (!e) return undefined;
  if (e.kind === "at") return e.at;
  // Without a creation time (a stack deployed before lifecycle.createdAt existed), the deployed expiry is this
  // duration as resolved at deploy.
  return deployed.createdAt ? new Date(deployed.createdAt.getTime() + e.hours * 3_600_000) : deployed.expiresAt;
}

/** Whether both sides agree the stack is an expired trial; otherwise why it stays. */
function agreement(s: StackInfo, now: Date): { expiredTrial: boolean; reason: string; expiresAt?: Date } {
  if (!s.deployed) {
    return { expiredTrial: false, reason: "no lifecycle output: never deployed by hostwise, or its first `pulumi up` failed; teardown needs the deployed state to agree with the config" };
  }
  if (!s.deployed.ok) return { expiredTrial: false, reason: `its lifecycle output cannot be read (${s.deployed.problem})` };
  if (!s.config.ok) return { expiredTrial: false, reason: `its config cannot be read (${s.config.problem})` };
  const deployed = s.deployed.state;
  const config = s.config.state;
  if (!deployed.trial && !config.trial) return { expiredTrial: false, reason: "not a trial stack (deployed and configured as long-lived)" };
  if (!deployed.trial) {
    return { expiredTrial: false, reason: `deployed as a long-lived stack, but its config now says trial: true (not deployed yet); the two disagree, so it stays (\`pulumi up\` deploys the config; ${FORCE_HINT})` };
  }
  if (!config.trial) {
    return { expiredTrial: false, reason: `deployed as a trial, but its config now says trial is not true; the two disagree, so it stays (${FORCE_HINT})` };
  }
  const deployedAt = deployed.expiresAt;
  const configuredAt = configuredExpiry(config, deployed);
  if (!deployedAt) return { expiredTrial: false, reason: "trial stack deployed without an expiry" };
  if (!configuredAt) return { expiredTrial: false, reason: `trial stack whose config has no expiresAt (deployed expiry ${iso(deployedAt)}); the two disagree, so it stays` };
  const latest = new Date(Math.max(deployedAt.getTime(), configuredAt.getTime()));
  const both = deployedAt.getTime() === configuredAt.getTime() ? iso(deployedAt) : `deployed ${iso(deployedAt)}, configured ${iso(configuredAt)}`;
  if (expired(deployedAt, now) && expired(configuredAt, now)) {
    return { expiredTrial: true, reason: `trial stack expired ${ago(latest, now)} ago (${both})`, expiresAt: latest };
  }
  if (latest.getTime() <= now.getTime()) {
    return { expiredTrial: false, reason: `trial stack, expired at ${iso(latest)}: within the ${CLOCK_SKEW_GRACE_MS / 60_000}-minute grace for clock skew, it goes on the next run`, expiresAt: latest };
  }
  if (expired(deployedAt, now)) {
    return { expiredTrial: false, reason: `its deployed expiry ${iso(deployedAt)} has passed, but its config now says ${iso(configuredAt)} (not deployed yet); the two disagree, so it stays until then`, expiresAt: latest };
  }
  if (expired(configuredAt, now)) {
    return { expiredTrial: false, reason: `its config says it expired at ${iso(configuredAt)}, but the deployed expiry is ${iso(deployedAt)}; the two disagree, so it stays until then (\`pulumi up\` deploys the config)`, expiresAt: latest };
  }
  return { expiredTrial: false, reason: `trial stack, expires in ${ago(now, latest)} (${both})`, expiresAt: latest };
}

function decide(s: StackInfo, now: Date, force: boolean): Decision {
  if (s.unreadable !== undefined) return { stack: s, destroy: false, forced: false, reason: `cannot be read, skipped: ${s.unreadable}` };
  const a = agreement(s, now);
  const at = a.expiresAt ? { expiresAt: a.expiresAt } : {};
  if (a.expiredTrial) return { stack: s, destroy: true, forced: false, reason: a.reason, ...at };
  if (force) return { stack: s, destroy: true, forced: true, reason: `${a.reason}; destroying because of --force`, ...at };
  return { stack: s, destroy: false, forced: false, reason: a.reason, ...at };
}

/**
 * Every stack with what teardown will do to it, oldest expiry first. Without `stack`, only stacks both sides
 * call expired trials go; `force` applies to a named stack only (a caller must not force a whole project).
 */
export function selectStacks(stacks: readonly StackInfo[], now: Date, o: SelectOptions): Decision[] {
  if (o.force && o.stack === undefined) throw new Error("--force needs --stack: teardown never forces every stack");
  const chosen = o.stack === undefined ? stacks : stacks.filter((s) => s.name === o.stack);
  return chosen
    .map((s) => decide(s, now, o.force))
    .sort((a, b) => (a.expiresAt?.getTime() ?? Infinity) - (b.expiresAt?.getTime() ?? Infinity) || a.stack.name.localeCompare(b.stack.name));
}

/** A time in the lifecycle output: the same parser as config validation (a time without a zone is refused). */
function lifecycleTime(value: unknown, field: string): { at?: Date; problem?: string } {
  if (value === undefined) return {};
  const parsed = typeof value === "string" ? parseExpiry(value) : undefined;
  return parsed?.kind === "at" ? { at: parsed.at } : { problem: `lifecycle.${field} is ${JSON.stringify(oneLine(String(JSON.stringify(value)), 60))}, not an ISO-8601 time with a zone` };
}

function readDeployed(outputs: Readonly<Record<string, unknown>>): Side<DeployedState> | undefined {
  const lifecycle = outputs.lifecycle;
  if (lifecycle === undefined) return undefined;
  if (typeof lifecycle !== "object" || lifecycle === null || typeof (lifecycle as { trial?: unknown }).trial !== "boolean") {
    return { ok: false, problem: "lifecycle has no true/false trial field" };
  }
  const l = lifecycle as { trial: boolean; expiresAt?: unknown; createdAt?: unknown };
  const expires = lifecycleTime(l.expiresAt, "expiresAt");
  const created = lifecycleTime(l.createdAt, "createdAt");
  const problem = expires.problem ?? created.problem;
  if (problem) return { ok: false, problem };
  return { ok: true, state: { trial: l.trial, ...(expires.at && { expiresAt: expires.at }), ...(created.at && { createdAt: created.at }) } };
}

function readConfigured(config: Readonly<Record<string, string>>): Side<ConfiguredState> {
  const trialText = config["hostwise:trial"];
  if (trialText !== undefined && trialText !== "true" && trialText !== "false") {
    return { ok: false, problem: `hostwise:trial is ${JSON.stringify(oneLine(trialText, 40))}, not true or false` };
  }
  const expiryText = config["hostwise:expiresAt"];
  const expiry = expiryText === undefined || expiryText === "" ? undefined : parseExpiry(expiryText);
  if (expiryText && !expiry) {
    return { ok: false, problem: `hostwise:expiresAt is ${JSON.stringify(oneLine(expiryText, 60))}, neither an ISO-8601 time with a zone nor a duration` };
  }
  return { ok: true, state: { trial: trialText === "true", ...(expiry && { expiry }) } };
}

/** Reads both sides of a stack from its config and outputs, and counts its resources. */
export function stackInfo(
  name: string,
  config: Readonly<Record<string, string>>,
  outputs: Readonly<Record<string, unknown>>,
  resourceTypes: readonly string[],
): StackInfo {
  const cost = outputs.cost as { monthlyUsd?: { expected?: unknown } } | undefined;
  const resourcesByType: Record<string, number> = {};
  for (const t of resourceTypes.filter((t) => !t.startsWith("pulumi:") && !t.startsWith("hostwise:"))) resourcesByType[t] = (resourcesByType[t] ?? 0) + 1;
  const deployed = readDeployed(outputs);
  return {
    name,
    ...(deployed && { deployed }),
    config: readConfigured(config),
    ...(typeof cost?.monthlyUsd?.expected === "number" && Number.isFinite(cost.monthlyUsd.expected) ? { monthlyUsd: cost.monthlyUsd.expected } : {}),
    resourcesByType,
  };
}

/** A stack that could not be read: reported and skipped, the others go on. */
export function unreadableStack(name: string, problem: string): StackInfo {
  return { name, config: { ok: false, problem }, resourcesByType: {}, unreadable: problem };
}
