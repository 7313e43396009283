import { shortType } from "../lib/inventory";
import { usd } from "../lib/table";
import { parseFlags } from "../lib/flags";
import { UsageError } from "../lib/usage";
import { removeControlPlaneLogGroup, stackLocation, type StackLocation } from "../teardown/leftovers";
import { pulumiWorkspace } from "../teardown/pulumi-workspace";
import { selectStacks, stackInfo, type Decision } from "../teardown/select";
import type { TeardownWorkspace } from "../teardown/workspace";

export const TEARDOWN_HELP = `hostwise teardown — destroy trial stacks whose expiry has passed, and remove them

Usage: npm run hostwise -- teardown [--dry-run] [--stack NAME [--force]] [--dir PATH] [--json]

Lists the project's stacks, reads each one's trial flag and expiry (the lifecycle stack output, set at
deploy; else an absolute hostwise:expiresAt in its config), and for every trial stack whose expiry has
passed prints what will go (its resources by type) and the monthly cost saved (its cost output), then
runs \`pulumi destroy\` and \`pulumi stack rm\` through the Automation API. Stacks not marked trial are never
destroyed unless named with --stack and --force. Needs the Pulumi CLI, the stacks' backend and their cloud
credentials.

Options:
  --dry-run      list what would be destroyed and why the other stacks stay; destroy nothing
  --stack NAME   consider only this stack
  --force        with --stack: destroy it even if it is not a trial stack or has not expired
  --dir PATH     the Pulumi project directory (default: the current directory)
  --json         print the decisions and results as JSON
  -h, --help     show this help

Exit codes: 0 done (or nothing to do), 1 a destroy failed (the others still run) or the stacks could not be
listed, 2 bad command line or a stack that does not exist.`;

export interface TeardownOptions {
  readonly dryRun: boolean;
  readonly stack?: string;
  readonly force: boolean;
  readonly dir: string;
  readonly json: boolean;
}

export function parseTeardownArgs(argv: readonly string[], cwd = process.cwd()): TeardownOptions | { help: true } {
  const values = parseFlags("teardown", argv, {
    "dry-run": { type: "boolean", default: false },
    stack: { type: "string" },
    force: { type: "boolean", default: false },
    dir: { type: "string", default: cwd },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };
  if (values.force && values.stack === undefined) throw new UsageError("--force: only with --stack NAME", "name the one stack to force, e.g. --stack dev --force");
  return { dryRun: values["dry-run"], force: values.force, dir: values.dir, json: values.json, ...(values.stack !== undefined ? { stack: values.stack } : {}) };
}

/** The Automation API's errors are the CLI's output ("code: -2\n stdout: …\n stderr: …"): keep what says why. */
export function cliProblem(e: Error): string {
  if (/ENOENT/.test(e.message)) return "the Pulumi CLI is not installed or not on PATH";
  const stderr = /stderr: ([^\n]+)/.exec(e.message)?.[1]?.trim();
  return stderr || e.message.split("\n").find((l) => l.trim() !== "")?.trim() || "unknown error";
}

interface Result {
  readonly stack: string;
  readonly destroyed: boolean;
  readonly error?: string;
}

function describeDecision(d: Decision): string[] {
  const resources = Object.entries(d.stack.resourcesByType).sort(([a], [b]) => a.localeCompare(b));
  const count = resources.reduce((n, [, k]) => n + k, 0);
  const saves = d.stack.monthlyUsd !== undefined ? `, saves ${usd(d.stack.monthlyUsd)}/month` : "";
  if (!d.destroy) return [`- ${d.stack.name}: stays — ${d.reason}`];
  return [
    `- ${d.stack.name}: destroy — ${d.reason}; ${count} resources${saves}`,
    ...(resources.length > 0 ? [`    ${resources.map(([t, n]) => `${shortType(t)} ×${n}`).join(", ")}`] : []),
  ];
}

/**
 * Selects and destroys expired trial stacks. Each destroy is independent: a failure is reported and the
 * next stack still goes; the exit code says whether any failed.
 */
export async function runTeardown(
  o: TeardownOptions,
  io: { out(s: string): void; err(s: string): void },
  openWorkspace: (dir: string) => Promise<TeardownWorkspace> = pulumiWorkspace,
  now = new Date(),
  afterDestroy: (where: StackLocation) => Promise<string> = removeControlPlaneLogGroup,
): Promise<number> {
  let ws: TeardownWorkspace;
  let names: string[];
  try {
    ws = await openWorkspace(o.dir);
    names = await ws.listStacks();
  } catch (e) {
    io.err(`hostwise: teardown cannot list the stacks: ${cliProblem(e as Error)}\n  fix: install the Pulumi CLI, log in to the stacks' backend (pulumi login), and run from the project directory (--dir)`);
    return 1;
  }
  if (o.stack !== undefined && !names.includes(o.stack)) {
    io.err(`hostwise: --stack: no stack "${o.stack}" in this project\n  fix: stacks here: ${names.join(", ") || "none"}`);
    return 2;
  }
  const infos = [];
  const locations = new Map<string, StackLocation>();
  for (const name of o.stack !== undefined ? [o.stack] : names) {
    const { config, outputs, resourceTypes } = await ws.inspect(name);
    infos.push(stackInfo(name, config, outputs, resourceTypes));
    locations.set(name, stackLocation(name, config, outputs));
  }
  const decisions = selectStacks(infos, now, { ...(o.stack !== undefined ? { stack: o.stack } : {}), force: o.force });
  const doomed = decisions.filter((d) => d.destroy);
  if (!o.json) {
    io.out(`hostwise teardown${o.dryRun ? " (dry run)" : ""}: ${doomed.length} of ${decisions.length} stacks to destroy`);
    for (const d of decisions) for (const line of describeDecision(d)) io.out(line);
  }

  const results: Result[] = [];
  if (!o.dryRun) {
    for (const d of doomed) {
      const name = d.stack.name;
      try {
        if (!o.json) io.out(`destroying ${name} …`);
        await ws.destroy(name, (text) => io.err(text.trimEnd()));
        // The control-plane log group EKS re-creates while deleting; a failure here does not undo the destroy.
        const cleaned = await afterDestroy(locations.get(name)!).catch((e: Error) => `log group left in place: ${e.message}`);
        await ws.removeStack(name);
        results.push({ stack: name, destroyed: true });
        if (!o.json) io.out(`${name}: destroyed and removed; ${cleaned}`);
      } catch (e) {
        const error = (e as Error).message;
        results.push({ stack: name, destroyed: false, error });
        if (!o.json) io.out(`${name}: FAILED — ${error}`);
      }
    }
  }
  if (o.json) {
    io.out(JSON.stringify({
      dryRun: o.dryRun,
      decisions: decisions.map((d) => ({ stack: d.stack.name, destroy: d.destroy, reason: d.reason, expiresAt: d.stack.expiresAt?.toISOString(), monthlyUsd: d.stack.monthlyUsd, resourcesByType: d.stack.resourcesByType })),
      results,
    }, null, 2));
  }
  const failed = results.filter((r) => !r.destroyed);
  if (!o.json && !o.dryRun && doomed.length > 0) {
    const saved = doomed.filter((d) => results.find((r) => r.stack === d.stack.name)?.destroyed).reduce((s, d) => s + (d.stack.monthlyUsd ?? 0), 0);
    io.out(`${results.length - failed.length} destroyed, ${failed.length} failed; ${usd(saved)}/month saved`);
  }
  return failed.length > 0 ? 1 : 0;
}
