import { join } from "node:path";
import { evaluateProgram as evaluate, type MockAccount, type Registered } from "../../scripts/lib/evaluate-program";
import { applyOverrides, readStackFile } from "../../scripts/lib/stack-file";

export { dependenciesOf, type MockAccount, type Registered, ZONES } from "../../scripts/lib/evaluate-program";

export const ROOT = join(__dirname, "..", "..");

/**
 * Evaluates the Pulumi program for a stack file plus `key=value` overrides: once per test file (process).
 * `account` says what the mocked invokes answer; `stackName` runs the file's config under another stack name.
 */
export function evaluateProgram(stack: string, overrides: string[] = [], options: { account?: MockAccount; stackName?: string } = {}) {
  return evaluate(options.stackName ?? stack, applyOverrides(readStackFile(ROOT, stack), overrides), options.account);
}

export function ofType(resources: readonly Registered[], type: string): Registered[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: readonly Registered[], type: string, name?: string): Registered {
  const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0]!;
}
