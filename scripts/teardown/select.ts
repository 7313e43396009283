// Which stacks `hostwise teardown` destroys, and why the others stay: pure, so every safety rule is tested
// without a Pulumi CLI.

/** What teardown knows about a stack, read from its config and outputs. */
export interface StackInfo {
  readonly name: string;
  readonly trial: boolean;
  /** When it expires; undefined when neither the outputs nor the config say (a duration never deployed). */
  readonly expiresAt?: Date;
  /** Expected monthly cost from the stack's `cost` output, when deployed. */
  readonly monthlyUsd?: number;
  /** Resources in the stack's state, counted by type. */
  readonly resourcesByType: Readonly<Record<string, number>>;
}

export interface Decision {
  readonly stack: StackInfo;
  readonly destroy: boolean;
  readonly reason: string;
}

export interface SelectOptions {
  /** Only this stack. */
  readonly stack?: string;
  /** Destroy the named stack even if it is not a trial or not expired yet. */
  readonly force: boolean;
}

function ago(at: Date, now: Date): string {
  const hours = (now.getTime() - at.getTime()) / 3_600_000;
  return hours >= 48 ? `${Math.floor(hours / 24)} days` : hours >= 1 ? `${Math.floor(hours)} h` : `${Math.max(1, Math.floor(hours * 60))} min`;
}

function decide(s: StackInfo, now: Date, force: boolean): Decision {
  const expired = s.expiresAt !== undefined && s.expiresAt.getTime() <= now.getTime();
  if (s.trial && expired) return { stack: s, destroy: true, reason: `trial stack expired ${ago(s.expiresAt!, now)} ago (${s.expiresAt!.toISOString()})` };
  const why = !s.trial
    ? "not a trial stack (hostwise:trial is not true)"
    : s.expiresAt === undefined
      ? "trial stack with no known expiry (not deployed, or expiresAt unset)"
      : `trial stack, expires in ${ago(now, s.expiresAt)} (${s.expiresAt.toISOString()})`;
  return force ? { stack: s, destroy: true, reason: `${why}; destroying because of --force` } : { stack: s, destroy: false, reason: why };
}

/**
 * Every stack with what teardown will do to it, oldest expiry first. Without `stack`, only expired trial
 * stacks go; `force` applies to a named stack only (a caller must not force a whole project).
 */
export function selectStacks(stacks: readonly StackInfo[], now: Date, o: SelectOptions): Decision[] {
  if (o.force && o.stack === undefined) throw new Error("--force needs --stack: teardown never forces every stack");
  const chosen = o.stack === undefined ? stacks : stacks.filter((s) => s.name === o.stack);
  return chosen
    .map((s) => decide(s, now, o.force))
    .sort((a, b) => (a.stack.expiresAt?.getTime() ?? Infinity) - (b.stack.expiresAt?.getTime() ?? Infinity) || a.stack.name.localeCompare(b.stack.name));
}

/** Reads trial and expiry from a stack's outputs (authoritative: resolved at deploy) or its config. */
export function stackInfo(
  name: string,
  config: Readonly<Record<string, string>>,
  outputs: Readonly<Record<string, unknown>>,
  resourceTypes: readonly string[],
): StackInfo {
  const lifecycle = outputs.lifecycle as { trial?: boolean; expiresAt?: string } | undefined;
  const trial = lifecycle?.trial === true || config["hostwise:trial"] === "true";
  const fromOutputs = typeof lifecycle?.expiresAt === "string" ? new Date(lifecycle.expiresAt) : undefined;
  const configured = config["hostwise:expiresAt"];
  const fromConfig = configured && /\d{4}-\d{2}-\d{2}T/.test(configured) ? new Date(configured) : undefined;
  const expiresAt = [fromOutputs, fromConfig].find((d) => d !== undefined && !Number.isNaN(d.getTime()));
  const cost = outputs.cost as { monthlyUsd?: { expected?: number } } | undefined;
  const resourcesByType: Record<string, number> = {};
  for (const t of resourceTypes.filter((t) => !t.startsWith("pulumi:") && !t.startsWith("hostwise:"))) resourcesByType[t] = (resourcesByType[t] ?? 0) + 1;
  return {
    name,
    trial,
    ...(expiresAt ? { expiresAt } : {}),
    ...(typeof cost?.monthlyUsd?.expected === "number" ? { monthlyUsd: cost.monthlyUsd.expected } : {}),
    resourcesByType,
  };
}
