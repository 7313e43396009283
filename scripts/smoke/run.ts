import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AwsAccount } from "../lib/aws-account";
import { removeControlPlaneLogGroup, stackLocation, type StackLocation } from "../teardown/leftovers";
import { scanLeftovers, type Leftover } from "./scan";
import type { SmokeWorkspace } from "./workspace";

// `hostwise smoke`: the trial workflow end to end on a real account, each step timed and reported. Every
// failure after `pulumi up` started still runs destroy and the leftover scan (unless --keep), so a failed
// smoke does not leave a GPU cluster running.

export type StepName = "preflight" | "up" | "api" | "canary" | "destroy" | "cleanup" | "scan";

export interface StepResult {
  readonly step: StepName;
  readonly status: "passed" | "failed" | "skipped";
  readonly seconds: number;
  readonly detail: string;
}

export interface SmokeResult {
  readonly stack: string;
  readonly region?: string;
  readonly clusterName: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly steps: readonly StepResult[];
  readonly leftovers: readonly Leftover[];
  readonly passed: boolean;
}

export interface SmokePlan {
  readonly stack: string;
  /** Skip destroy and the leftover scan (keep the stack to debug it). */
  readonly keep: boolean;
  /** Only scan the account for the stack's leftovers. */
  readonly scanOnly: boolean;
  /** How long the Kubernetes API may take to answer after `pulumi up`. */
  readonly apiTimeoutSeconds: number;
}

export interface SmokeDeps {
  readonly workspace: SmokeWorkspace;
  readonly account: (region: string, profile?: string) => AwsAccount;
  /** Runs kubectl with these arguments and returns stdout; throws on failure. */
  readonly kubectl: (args: readonly string[]) => string;
  /** The short canary against the deployed stack's outputs; resolves to its exit code and what it said. */
  readonly canary: (outputs: Record<string, unknown>) => Promise<{ code: number; detail: string }>;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  readonly sleep: (seconds: number) => Promise<void>;
}

/** What a failed step says: the Automation API's errors are the CLI's output, keep the line that says why. */
export function failureText(e: Error): string {
  if (/ENOENT/.test(e.message)) return "the Pulumi CLI is not installed or not on PATH";
  const stderr = /stderr: ([^\n]+)/.exec(e.message)?.[1]?.trim();
  return stderr || e.message.split("\n").find((l) => l.trim() !== "")?.trim() || "unknown error";
}

/** The deployed stack's kubeconfig, written owner-only for kubectl, then removed. */
async function withKubeconfig<T>(kubeconfig: string, run: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "hostwise-smoke-"));
  const path = join(dir, "kubeconfig.json");
  writeFileSync(path, kubeconfig, { mode: 0o600 });
  try {
    return await run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls the API server's readiness (GET /readyz through the stack's kubeconfig) until it answers or time runs out. */
async function waitForApi(kubeconfig: string, plan: SmokePlan, deps: SmokeDeps): Promise<string> {
  return withKubeconfig(kubeconfig, async (path) => {
    const started = deps.now().getTime();
    let last = "";
    for (;;) {
      try {
        const answer = deps.kubectl(["--kubeconfig", path, "get", "--raw", "/readyz"]).trim();
        return `the API answered /readyz: ${answer || "ok"}`;
      } catch (e) {
        last = (e as Error).message;
      }
      const waited = (deps.now().getTime() - started) / 1000;
      if (waited >= plan.apiTimeoutSeconds) throw new Error(`no answer after ${Math.round(waited)} s (last: ${last}); check the deployer route (README: Reaching the cluster API)`);
      await deps.sleep(15);
    }
  });
}

/** Runs the steps in order; resolves to the result (never throws for a failing step). */
export async function runSmoke(plan: SmokePlan, deps: SmokeDeps): Promise<SmokeResult> {
  const startedAt = deps.now();
  const steps: StepResult[] = [];
  const step = async (name: StepName, run: () => Promise<string>): Promise<boolean> => {
    const t0 = deps.now().getTime();
    deps.log(`hostwise smoke: ${name} …`);
    try {
      const detail = await run();
      steps.push({ step: name, status: "passed", seconds: (deps.now().getTime() - t0) / 1000, detail });
      deps.log(`hostwise smoke: ${name} passed — ${detail}`);
      return true;
    } catch (e) {
      const detail = failureText(e as Error);
      steps.push({ step: name, status: "failed", seconds: (deps.now().getTime() - t0) / 1000, detail });
      deps.log(`hostwise smoke: ${name} FAILED — ${detail}`);
      return false;
    }
  };
  const skip = (name: StepName, detail: string) => steps.push({ step: name, status: "skipped", seconds: 0, detail });
  const stream = (text: string) => deps.log(text.trimEnd());

  let where: StackLocation = stackLocation(plan.stack, {}, {});
  let account: AwsAccount | undefined;
  let leftovers: Leftover[] = [];
  const scan = async () => {
    leftovers = await scanLeftovers(account!, plan.stack, where.clusterName);
    if (leftovers.length > 0) throw new Error(`${leftovers.length} resource(s) of ${plan.stack} in ${where.region}: ${leftovers.map((l) => l.id).join(", ")}`);
    return `nothing of ${plan.stack} left in ${where.region}`;
  };

  const ready = await step("preflight", async () => {
    where = stackLocation(plan.stack, await deps.workspace.config(), {});
    if (!where.region) throw new Error("the stack sets no aws:region: pulumi config set aws:region us-east-1");
    account = deps.account(where.region, where.profile);
    if (plan.scanOnly) return `scanning ${where.region} for ${plan.stack} (cluster ${where.clusterName})`;
    // Leftovers of an earlier run would fail `pulumi up` (the log group) or be blamed on this one.
    const before = await scanLeftovers(account, plan.stack, where.clusterName);
    if (before.length > 0) throw new Error(`the account already holds ${before.length} resource(s) of ${plan.stack}: ${before.map((l) => l.id).join(", ")}; remove them (hostwise teardown --stack ${plan.stack} --force) or smoke another stack`);
    return `${where.region}, cluster ${where.clusterName}, no earlier resources of ${plan.stack}`;
  });

  if (ready && plan.scanOnly) {
    await step("scan", scan);
  } else if (ready) {
    const upStarted = steps.length;
    const deployed = await step("up", async () => {
      await deps.workspace.up(stream);
      return "pulumi up succeeded";
    });
    let outputs: Record<string, unknown> = {};
    const answered = deployed && await step("api", async () => {
      outputs = await deps.workspace.outputs();
      if (typeof outputs.kubeconfig !== "string") throw new Error("the stack has no kubeconfig output");
      if (typeof outputs.eksClusterName === "string") where = { ...where, clusterName: outputs.eksClusterName };
      return waitForApi(outputs.kubeconfig, plan, deps);
    });
    if (!deployed) skip("api", "pulumi up failed");
    if (answered) {
      await step("canary", async () => {
        const { code, detail } = await deps.canary(outputs);
        if (code !== 0) throw new Error(`the canary exited ${code}: ${detail}`);
        return detail;
      });
    } else {
      skip("canary", "the API did not answer");
    }
    if (plan.keep) {
      for (const s of ["destroy", "cleanup", "scan"] as const) skip(s, "--keep: the stack stays deployed");
    } else if (steps.length > upStarted) {
      const destroyed = await step("destroy", async () => {
        await deps.workspace.destroy(stream);
        return "pulumi destroy succeeded";
      });
      if (destroyed) await step("cleanup", () => removeControlPlaneLogGroup(where, () => account!));
      else skip("cleanup", "pulumi destroy failed");
      await step("scan", scan);
    }
  } else {
    for (const s of ["up", "api", "canary", "destroy", "cleanup", "scan"] as const) skip(s, "preflight failed");
  }

  return {
    stack: plan.stack,
    ...(where.region ? { region: where.region } : {}),
    clusterName: where.clusterName,
    startedAt: startedAt.toISOString(),
    finishedAt: deps.now().toISOString(),
    steps,
    leftovers,
    passed: steps.every((s) => s.status !== "failed") && leftovers.length === 0,
  };
}
