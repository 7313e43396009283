import { spawnSync } from "node:child_process";

/** The Pulumi CLI failed or is missing: the message says which and what it printed. */
export class PulumiCliError extends Error {}

/** `pulumi stack output --json --show-secrets` for a stack in a project directory. */
export function readStackOutputs(stack: string, dir: string, command = "pulumi"): Record<string, unknown> {
  const r = spawnSync(command, ["stack", "output", "--json", "--show-secrets", "--stack", stack], { cwd: dir, encoding: "utf8" });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new PulumiCliError(missing ? `the Pulumi CLI (${command}) is not installed or not on PATH` : r.error.message);
  }
  if (r.status !== 0) throw new PulumiCliError(`pulumi stack output --stack ${stack} failed: ${r.stderr.trim() || `exit ${r.status}`}`);
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    throw new PulumiCliError(`pulumi stack output --stack ${stack} did not print JSON`);
  }
}
