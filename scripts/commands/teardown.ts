import { createInterface } from "node:readline/promises";
import { shortType } from "../lib/inventory";
import { oneLine } from "../lib/markdown";
import { checkStackName } from "../lib/stack-name";
import { usd } from "../lib/table";
import { parseFlags } from "../lib/flags";
import { UsageError } from "../lib/usage";
import { removeControlPlaneLogGroup, stackLocation, type StackLocation } from "../teardown/leftovers";
import { pulumiWorkspace } from "../teardown/pulumi-workspace";
import { selectStacks, stackInfo, unreadableStack, type Decision, type StackInfo } from "../teardown/select";
import type { TeardownWorkspace } from "../teardown/workspace";

export const TEARDOWN_HELP = `hostwise teardown — destroy trial stacks whose expiry has passed, and remove them

Usage: npm run hostwise -- teardown [--dry-run] [--stack NAME [--force]] [--yes] [--dir PATH] [--json]

Lists the project's stacks and reads both sides of each: the deployed state (the lifecycle stack output its
last \`pulumi up\` wrote: trial flag, expiry, creation time) and its config now (hostwise:trial,
hostwise:expiresAt, read with the parser config validation uses). A stack is destroyed only when both agree
that it is a trial whose expiry has passed (with 5 minutes' grace for clock skew); when they disagree — a
long-lived stack whose config now says trial, a kept trial whose config says not, an expiry changed but not
deployed — it stays and the reason says which side says what. For each stack to destroy it prints what will
go (its resources by type) and the monthly cost saved, asks for confirmation, then runs \`pulumi destroy\` and
\`pulumi stack rm\` through the Automation API. A stack that cannot be read (its config cannot be decrypted,
the backend fails) is reported and skipped; the others go on. Needs the Pulumi CLI, the stacks' backend and
their cloud credentials.

Options:
  --dry-run      list what would be destroyed and why the other stacks stay; destroy nothing, ask nothing
  --stack NAME   consider only this stack (a name, or org/project/name)
  --force        with --stack: destroy it even if it is not an expired trial on both sides (the
                 confirmation asks for its name)
  --yes          confirm without asking (scripts, CI); without it, teardown asks on a terminal and refuses
                 when stdin is not one
  --dir PATH     the Pulumi project directory (default: the current directory)
  --json         print the decisions and results as JSON
  -h, --help     show this help

Exit codes: 0 done (or nothing to do), 1 a destroy failed or a stack could not be read (the others still
run), the stacks could not be listed, or the destroy was not confirmed; 2 bad command line, a stack that does
not exist, or a destroy that needs confirmation without a terminal and without --yes.`;

export interface TeardownOptions {
  readonly dryRun: boolean;
  readonly stack?: string;
  readonly force: boolean;
  readonly yes: boolean;
  readonly dir: string;
  readonly json: boolean;
}

export function parseTeardownArgs(argv: readonly string[], cwd = process.cwd()): TeardownOptions | { help: true } {
  const values = parseFlags("teardown", argv, {
    "dry-run": { type: "boolean", default: false },
    stack: { type: "string" },
    force: { type: "boolean", default: false },
    yes: { type: "boolean", short: "y", default: false },
    dir: { type: "string", default: cwd },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };
  if (values.force && values.stack === undefined) throw new UsageError("--force: only with --stack NAME", "name the one stack to force, e.g. --stack dev --force");
  return {
    dryRun: values["dry-run"],
    force: values.force,
    yes: values.yes,
    dir: values.dir,
    json: values.json,
    ...(values.stack !== undefined ? { stack: checkStackName(values.stack, { qualified: true }) } : {}),
  };
}

/**
 * One clean line from an Automation API error: its CommandError message is the CLI's whole output
 * ("code: 255\n stdout: …\n stderr: …"); keep the first error line of stderr.
 */
export function cliProblem(e: Error): string {
  if (/ENOENT/.test(e.message)) return "the Pulumi CLI is not installed or not on PATH";
  const stderr = /\bstderr: ([\s\S]*?)(?:\n\s*err\??: |$)/.exec(e.message)?.[1] ?? "";
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const line = lines.find((l) => /^error:/i.test(l)) ?? lines[0] ?? e.message.split("\n").find((l) => l.trim() !== "" && !/^code: /.test(l.trim()))?.trim();
  return oneLine(line ?? "unknown error", 300);
}

/** Where teardown talks to the world; tests pass their own. */
export interface TeardownIo {
  out(s: string): void;
  err(s: string): void;
  /** Asks a question on the terminal and resolves to the answer; absent when stdin is not a terminal. */
  readonly prompt?: (question: string) => Promise<string>;
}

/** The real terminal: a prompt only when stdin is one (the question goes to stderr, so stdout stays clean). */
export function terminalPrompt(): TeardownIo["prompt"] {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  };
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

/** Asks on the terminal: the stack's name for a forced one, yes for expired trials. Resolves to whether to go on. */
async function confirm(doomed: readonly Decision[], prompt: NonNullable<TeardownIo["prompt"]>): Promise<boolean> {
  for (const d of doomed.filter((x) => x.forced)) {
    const answer = await prompt(`Stack ${d.stack.name} is not an expired trial on both sides. Type its name to destroy it: `);
    if (answer.trim() !== d.stack.name) return false;
  }
  const trials = doomed.filter((x) => !x.forced);
  if (trials.length === 0) return true;
  const answer = await prompt(`Destroy ${trials.length} expired trial stack${trials.length === 1 ? "" : "s"} (${trials.map((d) => d.stack.name).join(", ")})? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * Selects and destroys expired trial stacks. Each destroy is independent: a failure is reported and the
 * next stack still goes; the exit code says whether any failed.
 */
export async function runTeardown(
  o: TeardownOptions,
  io: TeardownIo,
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
  const infos: StackInfo[] = [];
  const locations = new Map<string, StackLocation>();
  for (const name of o.stack !== undefined ? [o.stack] : names) {
    try {
      const { config, outputs, resourceTypes } = await ws.inspect(name);
      infos.push(stackInfo(name, config, outputs, resourceTypes));
      locations.set(name, stackLocation(name, config, outputs));
    } catch (e) {
      infos.push(unreadableStack(name, cliProblem(e as Error)));
    }
  }
  const decisions = selectStacks(infos, now, { ...(o.stack !== undefined ? { stack: o.stack } : {}), force: o.force });
  const doomed = decisions.filter((d) => d.destroy);
  const unreadable = decisions.filter((d) => d.stack.unreadable !== undefined);
  if (!o.json) {
    io.out(`hostwise teardown${o.dryRun ? " (dry run)" : ""}: ${doomed.length} of ${decisions.length} stacks to destroy`);
    for (const d of decisions) for (const line of describeDecision(d)) io.out(line);
  }

  if (!o.dryRun && doomed.length > 0 && !o.yes) {
    if (!io.prompt) {
      io.err(
        `hostwise: teardown would destroy ${doomed.map((d) => d.stack.name).join(", ")} and needs a confirmation, but stdin is not a terminal\n` +
          "  fix: pass --yes to confirm (CI, a cron job), or --dry-run to only list what would go",
      );
      return 2;
    }
    if (!(await confirm(doomed, io.prompt))) {
      io.out("not confirmed: nothing destroyed");
      return 1;
    }
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
        const error = cliProblem(e as Error);
        results.push({ stack: name, destroyed: false, error });
        if (!o.json) io.out(`${name}: FAILED — ${error}`);
      }
    }
  }
  if (o.json) {
    io.out(JSON.stringify({
      dryRun: o.dryRun,
      decisions: decisions.map((d) => ({
        stack: d.stack.name, destroy: d.destroy, forced: d.forced, reason: d.reason, expiresAt: d.expiresAt?.toISOString(),
        monthlyUsd: d.stack.monthlyUsd, resourcesByType: d.stack.resourcesByType, ...(d.stack.unreadable !== undefined && { unreadable: d.stack.unreadable }),
      })),
      results,
    }, null, 2));
  }
  const failed = results.filter((r) => !r.destroyed);
  if (!o.json && !o.dryRun && doomed.length > 0) {
    const saved = doomed.filter((d) => results.find((r) => r.stack === d.stack.name)?.destroyed).reduce((s, d) => s + (d.stack.monthlyUsd ?? 0), 0);
    io.out(`${results.length - failed.length} destroyed, ${failed.length} failed; ${usd(saved)}/month saved`);
  }
  return failed.length > 0 || unreadable.length > 0 ? 1 : 0;
}
