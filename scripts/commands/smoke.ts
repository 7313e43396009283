import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { awsAccount } from "../lib/aws-account";
import { numberFlag, parseFlags } from "../lib/flags";
import { UsageError } from "../lib/usage";
import { realKubectl, realKubectlSync } from "../canary/stack-target";
import { renderSmokeMarkdown, renderSmokeSummary, smokeJson } from "../smoke/report";
import { failureText, runSmoke, type SmokeDeps, type SmokePlan } from "../smoke/run";
import { pulumiSmokeWorkspace, type SmokeWorkspace } from "../smoke/workspace";
import { parseCanaryArgs, processCanaryIo, runCanary, type CanaryOptions } from "./canary";

export const SMOKE_HELP = `hostwise smoke — the trial workflow on a real AWS account, as one acceptance test

Usage: npm run hostwise -- smoke --stack NAME [--dir PATH] [--out-dir DIR] [--json] [--keep | --scan-only]

For a stack you configured (pulumi stack init NAME; pulumi config set …; a deployer route), runs:
  preflight  the stack's region; the account must hold nothing of this stack yet
  up         pulumi up (Automation API)
  api        waits until the Kubernetes API answers /readyz through the stack's kubeconfig
  canary     a short canary: wakes one replica, 4 streaming requests at concurrency 1 (hostwise canary)
  destroy    pulumi destroy, whatever failed before (unless --keep)
  cleanup    deletes the control-plane log group EKS re-created while the cluster was deleted
  scan       leftovers: resources with the stack's tags (Resource Groups Tagging API), what the load
             balancer controller tagged for the cluster, its network interfaces, PVC volumes, the log group
and writes smoke-report.json and smoke-report.md (and the canary's reports). Needs the Pulumi CLI, the
stack's backend, kubectl, and credentials for the stack's account (aws:profile is honoured).

Options:
  --stack NAME           the stack to deploy, test and destroy (required)
  --dir PATH             the Pulumi project directory (default: the current directory)
  --out-dir DIR          where the reports go (default: the current directory)
  --api-timeout SECONDS  how long the API may take to answer after pulumi up (default: 600)
  --wake-timeout SECONDS how long the woken replica may take to become ready (default: 1800)
  --keep                 leave the stack deployed (skip destroy, cleanup and scan) to debug it
  --scan-only            only scan the account for the stack's leftovers
  --json                 print the JSON report instead of the summary
  -h, --help             show this help

Exit codes: 0 every step passed and nothing was left behind, 1 a step failed or leftovers were found,
2 bad command line or a stack that does not exist.`;

export interface SmokeOptions extends SmokePlan {
  readonly dir: string;
  readonly outDir: string;
  readonly json: boolean;
  readonly wakeTimeoutSeconds: number;
}

/** Whole seconds, up to a day: through the parser every number flag uses (infra/config/numbers.ts). */
function seconds(flag: string, text: string | undefined, fallback: number): number {
  return numberFlag(flag, text, { min: 1, max: 86_400, integer: true }, String(fallback)) ?? fallback;
}

export function parseSmokeArgs(argv: readonly string[], cwd = process.cwd()): SmokeOptions | { help: true } {
  const values = parseFlags("smoke", argv, {
    stack: { type: "string" },
    dir: { type: "string" },
    "out-dir": { type: "string" },
    "api-timeout": { type: "string" },
    "wake-timeout": { type: "string" },
    keep: { type: "boolean", default: false },
    "scan-only": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };
  if (values.stack === undefined || values.stack.trim() === "") throw new UsageError("--stack is required", "name the stack to smoke, e.g. --stack smoke-sandbox (create it with pulumi stack init)");
  if (values.keep && values["scan-only"]) throw new UsageError("--keep and --scan-only: choose one", "--keep deploys and keeps the stack; --scan-only deploys nothing");
  return {
    stack: values.stack,
    dir: resolve(cwd, values.dir ?? "."),
    outDir: resolve(cwd, values["out-dir"] ?? "."),
    json: values.json,
    keep: values.keep,
    scanOnly: values["scan-only"],
    apiTimeoutSeconds: seconds("--api-timeout", values["api-timeout"], 600),
    wakeTimeoutSeconds: seconds("--wake-timeout", values["wake-timeout"], 1800),
  };
}

/** The short canary of a smoke: the canary command's own engine and reports, against the stack's outputs. */
export function smokeCanary(o: SmokeOptions, log: (line: string) => void): SmokeDeps["canary"] {
  return async (outputs) => {
    const options = parseCanaryArgs([
      "--stack", o.stack, "--dir", o.dir, "--wake", "--wake-timeout", String(o.wakeTimeoutSeconds),
      "--concurrency", "1", "--requests", "4", "--duration", "120", "--output-tokens", "32", "--out-dir", o.outDir, "--json",
    ]) as CanaryOptions;
    let json = "";
    const code = await runCanary(options, { out: (s) => (json += s), err: log, onInterrupt: processCanaryIo().onInterrupt }, {
      stackOutputs: () => outputs,
      kubectl: { kubectl: realKubectl },
    });
    try {
      const level = JSON.parse(json).levels[0];
      return { code, detail: `${level.requests.ok}/${level.requests.completed} requests ok, time to first token p50 ${level.ttftSeconds.p50} s, ${level.outputTokensPerSecond} output tokens/s` };
    } catch {
      return { code, detail: "no canary report (see the log above)" };
    }
  };
}

/** Runs the smoke and writes its reports; resolves to the exit code (see SMOKE_HELP). */
export async function runSmokeCommand(
  o: SmokeOptions,
  io: { out(s: string): void; err(s: string): void },
  deps: { openWorkspace?: (stack: string, dir: string) => Promise<SmokeWorkspace>; overrides?: Partial<SmokeDeps> } = {},
): Promise<number> {
  let workspace: SmokeWorkspace;
  try {
    workspace = await (deps.openWorkspace ?? pulumiSmokeWorkspace)(o.stack, o.dir);
  } catch (e) {
    io.err(`hostwise: --stack ${o.stack}: ${failureText(e as Error)}\n  fix: install the Pulumi CLI and log in to the stack's backend; create and configure the stack (pulumi stack init ${o.stack}; README: Acceptance test); run from the project directory (--dir)`);
    return 2;
  }
  const result = await runSmoke(o, {
    workspace,
    account: awsAccount,
    kubectl: realKubectlSync,
    canary: smokeCanary(o, io.err),
    log: io.err,
    now: () => new Date(),
    sleep: (s) => new Promise((done) => setTimeout(done, s * 1000)),
    ...deps.overrides,
  });
  const jsonText = `${JSON.stringify(smokeJson(result), null, 2)}\n`;
  try {
    mkdirSync(o.outDir, { recursive: true });
    writeFileSync(join(o.outDir, "smoke-report.json"), jsonText);
    writeFileSync(join(o.outDir, "smoke-report.md"), renderSmokeMarkdown(result));
    io.err(`hostwise smoke: wrote ${join(o.outDir, "smoke-report.json")} and smoke-report.md`);
  } catch (e) {
    io.err(`hostwise: --out-dir: cannot write the report: ${(e as Error).message}`);
    io.out(o.json ? jsonText.trimEnd() : renderSmokeSummary(result));
    return 1;
  }
  io.out(o.json ? jsonText.trimEnd() : renderSmokeSummary(result));
  return result.passed ? 0 : 1;
}
