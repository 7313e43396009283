import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSmokeArgs, runSmokeCommand, SMOKE_HELP, type SmokeOptions } from "../scripts/commands/smoke";
import type { AwsAccount } from "../scripts/lib/aws-account";
import { UsageError } from "../scripts/lib/usage";
import { scanLeftovers } from "../scripts/smoke/scan";
import type { SmokeDeps } from "../scripts/smoke/run";
import type { SmokeWorkspace } from "../scripts/smoke/workspace";

// `hostwise smoke` driven with fakes of Pulumi (the Automation API workspace), the AWS account (SDK v3),
// kubectl and the canary: every failure path still destroys and scans, and the exit code says what happened.

const CONFIG = { "aws:region": "us-east-1", "aws:profile": "sandbox", "hostwise:trial": "true" };
const OUTPUTS = { eksClusterName: "hostwise-smoke", kubeconfig: '{"apiVersion":"v1"}', apiKey: "k" };

interface World {
  upFails?: boolean;
  destroyFails?: boolean;
  /** kubectl get --raw /readyz fails this many times first (Infinity: never answers). */
  apiFailures?: number;
  canaryCode?: number;
  /** Leftovers the account holds before up, and after destroy. */
  before?: string[];
  after?: string[];
}

function fakes(world: World = {}) {
  const calls: string[] = [];
  let deployed = false;
  let clock = Date.parse("2026-11-25T10:00:00Z");
  let apiFailures = world.apiFailures ?? 0;
  const workspace: SmokeWorkspace = {
    config: async () => CONFIG,
    up: async (onOutput) => {
      calls.push("up");
      onOutput("Updating (smoke)\n");
      clock += 25 * 60_000;
      deployed = true;
      if (world.upFails) throw new Error("code: 255\n stdout: \n stderr: error: creating EKS Node Group: AccessDenied\n");
    },
    outputs: async () => OUTPUTS,
    destroy: async () => {
      calls.push("destroy");
      clock += 15 * 60_000;
      if (world.destroyFails) throw new Error("code: 255\n stderr: error: deleting VPC: DependencyViolation\n");
      deployed = false;
    },
  };
  const account = (region: string, profile?: string): AwsAccount => {
    calls.push(`account ${region} ${profile}`);
    const leftovers = () => (deployed ? ["arn:aws:eks:us-east-1:111122223333:cluster/hostwise-smoke"] : world.after ?? []);
    return {
      region,
      taggedResources: async (tags) => {
        return "stack" in tags ? (calls.includes("up") ? leftovers() : world.before ?? []) : [];
      },
      clusterNetworkInterfaces: async () => [],
      claimVolumes: async () => [],
      logGroups: async () => [],
      deleteLogGroup: async (name) => {
        calls.push(`delete ${name}`);
        return true;
      },
    };
  };
  const overrides: Partial<SmokeDeps> = {
    account,
    kubectl: (args) => {
      calls.push(`kubectl ${args.slice(2).join(" ")}`);
      if (apiFailures > 0) {
        apiFailures -= 1;
        throw new Error("Unable to connect to the server: dial tcp: i/o timeout");
      }
      return "ok";
    },
    canary: async () => {
      calls.push("canary");
      return world.canaryCode === undefined || world.canaryCode === 0
        ? { code: 0, detail: "4/4 requests ok, time to first token p50 0.4 s, 23.1 output tokens/s" }
        : { code: world.canaryCode, detail: "no level qualified" };
    },
    now: () => new Date(clock),
    sleep: async (s) => {
      clock += s * 1000;
    },
  };
  return { calls, workspace, overrides };
}

async function smoke(world: World, flags: string[] = []) {
  const outDir = mkdtempSync(join(tmpdir(), "smoke-test-"));
  const options = parseSmokeArgs(["--stack", "smoke", "--out-dir", outDir, ...flags]) as SmokeOptions;
  const f = fakes(world);
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSmokeCommand(options, { out: (s) => out.push(s), err: (s) => err.push(s) }, { openWorkspace: async () => f.workspace, overrides: f.overrides });
  const report = JSON.parse(readFileSync(join(outDir, "smoke-report.json"), "utf8"));
  const steps = Object.fromEntries(report.steps.map((s: { step: string; status: string }) => [s.step, s.status]));
  return { code, calls: f.calls, report, steps, out: out.join("\n"), err: err.join("\n"), markdown: readFileSync(join(outDir, "smoke-report.md"), "utf8") };
}

describe("hostwise smoke", () => {
  it("deploys, waits for the API, runs the canary, destroys, removes the log group and finds nothing left: exit 0", async () => {
    const r = await smoke({ apiFailures: 2 });
    expect(r.code).toBe(0);
    expect(r.steps).toEqual({ preflight: "passed", up: "passed", api: "passed", canary: "passed", destroy: "passed", cleanup: "passed", scan: "passed" });
    expect(r.calls).toEqual([
      "account us-east-1 sandbox", // the stack's region and profile
      "up",
      "kubectl get --raw /readyz", "kubectl get --raw /readyz", "kubectl get --raw /readyz", // two timeouts, then ok
      "canary",
      "destroy",
      "delete /aws/eks/hostwise-smoke/cluster", // after the cluster is gone
    ]);
    expect(r.report).toMatchObject({ report: "hostwise smoke", stack: "smoke", region: "us-east-1", clusterName: "hostwise-smoke", passed: true, leftovers: [] });
    expect(r.report.steps.find((s: { step: string }) => s.step === "up").seconds).toBe(25 * 60);
    expect(r.out).toMatch(/Smoke passed: stack smoke in us-east-1/);
    expect(r.markdown).toMatch(/^# hostwise smoke — stack `smoke`: passed/);
    expect(r.markdown).toMatch(/\| canary \| passed \| 0 s \| 4\/4 requests ok/);
  });

  it("destroys and scans after a failed pulumi up, and says why up failed", async () => {
    const r = await smoke({ upFails: true });
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ up: "failed", api: "skipped", canary: "skipped", destroy: "passed", scan: "passed" });
    expect(r.report.steps.find((s: { step: string }) => s.step === "up").detail).toBe("error: creating EKS Node Group: AccessDenied");
    expect(r.calls).toContain("destroy");
  });

  it("gives up on an API that never answers, and still destroys", async () => {
    const r = await smoke({ apiFailures: Infinity }, ["--api-timeout", "120"]);
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ api: "failed", canary: "skipped", destroy: "passed" });
    expect(r.report.steps.find((s: { step: string }) => s.step === "api").detail).toMatch(/no answer after 120 s .*i\/o timeout.*deployer route/);
    expect(r.calls.filter((c) => c.startsWith("kubectl"))).toHaveLength(9); // at 0, 15, … 120 s
  });

  it("fails on a failed canary, and still destroys", async () => {
    const r = await smoke({ canaryCode: 1 });
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ canary: "failed", destroy: "passed", scan: "passed" });
    expect(r.report.steps.find((s: { step: string }) => s.step === "canary").detail).toBe("the canary exited 1: no level qualified");
  });

  it("reports a failed destroy and what it left", async () => {
    const r = await smoke({ destroyFails: true });
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ destroy: "failed", cleanup: "skipped", scan: "failed" });
    expect(r.report.leftovers).toEqual([{ kind: "tagged", id: "arn:aws:eks:us-east-1:111122223333:cluster/hostwise-smoke" }]);
    expect(r.out).toMatch(/Leftovers: arn:aws:eks:.*cluster\/hostwise-smoke \(tagged\)/);
  });

  it("fails on leftovers after a clean destroy", async () => {
    const r = await smoke({ after: ["arn:aws:ec2:us-east-1:111122223333:volume/vol-0abc"] });
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ destroy: "passed", scan: "failed" });
    expect(r.report.passed).toBe(false);
    expect(r.markdown).toMatch(/- tagged: `arn:aws:ec2:us-east-1:111122223333:volume\/vol-0abc`/);
  });

  it("deploys nothing into an account that still holds an earlier run's resources", async () => {
    const r = await smoke({ before: ["arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/hostwise-smoke/cluster"] });
    expect(r.code).toBe(1);
    expect(r.steps).toMatchObject({ preflight: "failed", up: "skipped", destroy: "skipped" });
    expect(r.calls).not.toContain("up");
  });

  it("keeps the stack with --keep, and only scans with --scan-only", async () => {
    const kept = await smoke({}, ["--keep"]);
    expect(kept.code).toBe(0);
    expect(kept.steps).toMatchObject({ canary: "passed", destroy: "skipped", scan: "skipped" });
    expect(kept.calls).not.toContain("destroy");
    const scanned = await smoke({}, ["--scan-only"]);
    expect(scanned.code).toBe(0);
    expect(Object.keys(scanned.steps)).toEqual(["preflight", "scan"]);
  });

  it("exits 2 for a stack that does not exist, and on bad flags", async () => {
    const err: string[] = [];
    const options = parseSmokeArgs(["--stack", "nope"]) as SmokeOptions;
    const code = await runSmokeCommand(options, { out: () => undefined, err: (s) => err.push(s) }, { openWorkspace: async () => { throw new Error("stack 'nope' not found"); } });
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/--stack nope: stack 'nope' not found\n {2}fix: .*pulumi stack init nope/);
    expect(() => parseSmokeArgs([])).toThrow(UsageError);
    expect(() => parseSmokeArgs(["--stack", "s", "--keep", "--scan-only"])).toThrow(/choose one/);
    expect(() => parseSmokeArgs(["--stack", "s", "--api-timeout", "soon"])).toThrow(/--api-timeout/);
    expect(parseSmokeArgs(["--help"])).toEqual({ help: true });
    expect(SMOKE_HELP).toMatch(/Exit codes: 0 every step passed/);
  });
});

describe("the leftover scan", () => {
  it("asks by stack tags, by the load balancer controller's cluster tag, and for ENIs, volumes and the log group; lists each id once", async () => {
    const asked: string[] = [];
    const account: AwsAccount = {
      region: "us-east-1",
      taggedResources: async (tags) => {
        asked.push(JSON.stringify(tags));
        return "stack" in tags
          ? ["arn:aws:ec2:us-east-1:1:volume/vol-1", "arn:aws:ec2:us-east-1:1:security-group/sg-1"]
          : ["arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/k8s-inference-vllm/abc", "arn:aws:ec2:us-east-1:1:security-group/sg-1"];
      },
      clusterNetworkInterfaces: async (cluster) => (asked.push(`enis ${cluster}`), ["eni-1"]),
      claimVolumes: async (stack) => (asked.push(`volumes ${stack}`), ["vol-1"]),
      logGroups: async (prefix) => (asked.push(`logs ${prefix}`), [prefix, `${prefix}-other`]),
      deleteLogGroup: async () => true,
    };
    const found = await scanLeftovers(account, "dev", "hostwise-dev");
    expect(asked).toEqual(['{"stack":"dev","managed-by":"hostwise"}', '{"elbv2.k8s.aws/cluster":"hostwise-dev"}', "volumes dev", "enis hostwise-dev", "logs /aws/eks/hostwise-dev/cluster"]);
    expect(found).toEqual([
      { kind: "tagged", id: "arn:aws:ec2:us-east-1:1:volume/vol-1" },
      { kind: "tagged", id: "arn:aws:ec2:us-east-1:1:security-group/sg-1" },
      { kind: "load balancer controller", id: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/k8s-inference-vllm/abc" },
      { kind: "network interface", id: "eni-1" },
      { kind: "log group", id: "/aws/eks/hostwise-dev/cluster" },
    ]);
  });
});
