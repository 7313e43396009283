import { estimateCost, type CostEstimate } from "../../infra/cost/estimate";
import type { StackSpec } from "../../infra/config/spec";
import { resolveStack } from "../../infra/resolve";
import type { SizingPlan } from "../../infra/sizing/choose";
import { evaluateProgram, type Registered } from "./evaluate-program";
import { applyOverrides, readStackFile } from "./stack-file";

export interface StackCost {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
  readonly resources: readonly Registered[];
  readonly cost: CostEstimate;
}

/**
 * A stack file's validated spec, sizing plan, the resources its Pulumi program registers (evaluated under
 * mocks) and its cost estimate. Throws ConfigError for bad config; warnings about the file (a plain-text
 * secret) go to `warn`. Runs the program: once per process.
 */
export async function stackCost(dir: string, stack: string, overrides: readonly string[], now: Date, warn?: (message: string) => void): Promise<StackCost> {
  const raw = applyOverrides(readStackFile(dir, stack, warn), overrides);
  const { spec, plan } = resolveStack(raw, { stack, now, projectDir: dir });
  const { resources } = await evaluateProgram(stack, raw);
  const cost = estimateCost(spec, plan, resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })), now);
  return { spec, plan, resources, cost };
}
