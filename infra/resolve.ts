import type { RawConfig } from "./config/read";
import type { StackSpec } from "./config/spec";
import { validateConfig, type ValidateOptions } from "./config/validate";
import { planSizing, type SizingPlan } from "./sizing/choose";

export interface ResolvedStack {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
}

/**
 * Raw config → validated StackSpec → SizingPlan. Throws ConfigError (every problem at once) before anything
 * is created; the Pulumi program and the offline plan both start here.
 */
export function resolveStack(raw: RawConfig, options: ValidateOptions): ResolvedStack {
  const spec = validateConfig(raw, options);
  return { spec, plan: planSizing(spec) };
}
