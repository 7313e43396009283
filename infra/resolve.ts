import type { RawConfig } from "./config/read";
import { ConfigError } from "./config/errors";
import { qualified, setHint } from "./config/read";
import type { StackSpec } from "./config/spec";
import { validateConfig, type ValidateOptions } from "./config/validate";
import { planSizing, type SizingPlan } from "./sizing/choose";
import { scaleToZeroTimers } from "./sizing/scale-to-zero";

export interface ResolvedStack {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
}

/**
 * Raw config → validated StackSpec → SizingPlan, then the checks that need the plan. Throws ConfigError
 * (every problem at once) before anything is created; the Pulumi program and the offline plan both start here.
 */
export function resolveStack(raw: RawConfig, options: ValidateOptions): ResolvedStack {
  const spec = validateConfig(raw, options);
  const plan = planSizing(spec);
  checkScaleToZero(spec, plan);
  return { spec, plan };
}

/** A scale-to-zero stack's idle time must cover a replica's cold start (see scaleToZeroTimers). */
function checkScaleToZero(spec: StackSpec, plan: SizingPlan): void {
  const given = spec.scaling.scaleToZeroCooldownSeconds;
  if (plan.replicas.min !== 0 || given === undefined) return;
  const { wakeBudgetSeconds } = scaleToZeroTimers(spec.scaling, plan.coldStart);
  if (given >= wakeBudgetSeconds) return;
  const terms = plan.coldStart.terms.map((t) => `${t.name} ${t.seconds} s`).join(" + ");
  throw new ConfigError([{
    key: qualified("scaleToZeroCooldownSeconds"),
    message: `${given} s is shorter than a replica's cold start (${wakeBudgetSeconds} s: ${terms}, with headroom): a woken replica could be scaled away before it serves`,
    hint: `${setHint("scaleToZeroCooldownSeconds", wakeBudgetSeconds)}, or unset it (the larger of 900 s and the cold start)`,
  }]);
}
