import { describe, expect, it } from "vitest";
import { cliProblem, parseTeardownArgs, runTeardown, TEARDOWN_HELP, type TeardownOptions } from "../scripts/commands/teardown";
import { UsageError } from "../scripts/lib/usage";
import { selectStacks, stackInfo } from "../scripts/teardown/select";
import type { TeardownWorkspace } from "../scripts/teardown/workspace";
import { removeControlPlaneLogGroup, stackLocation, type StackLocation } from "../scripts/teardown/leftovers";
import type { AwsAccount } from "../scripts/lib/aws-account";

const NOW = new Date("2026-11-23T12:00:00Z");
const TYPES = ["pulumi:pulumi:Stack", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/nodeGroup:NodeGroup", "hostwise:aws:Cluster"];

/** A fake Pulumi workspace: stacks with config and outputs; records destroys; can fail one. */
function fakeWorkspace(stacks: Record<string, { config: Record<string, string>; outputs: Record<string, unknown> }>, failing?: string) {
  const calls: string[] = [];
  const ws: TeardownWorkspace = {
    listStacks: async () => Object.keys(stacks),
    inspect: async (name) => ({ ...stacks[name]!, resourceTypes: TYPES }),
    destroy: async (name, onOutput) => {
      calls.push(`destroy ${name}`);
      onOutput(`Destroying (${name})\n`);
      if (name === failing) throw new Error("DependencyViolation: the VPC has dependencies");
    },
    removeStack: async (name) => {
      calls.push(`rm ${name}`);
    },
  };
  return { ws, calls };
}

const STACKS = {
  "old-trial": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: { lifecycle: { trial: true, expiresAt: "2026-11-23T06:00:00.000Z" }, cost: { monthlyUsd: { expected: 565.51 } } } },
  "fresh-trial": { config: { "hostwise:trial": "true" }, outputs: { lifecycle: { trial: true, expiresAt: "2026-11-23T18:00:00.000Z" } } },
  prod: { config: { "hostwise:trial": "false" }, outputs: { lifecycle: { trial: false }, cost: { monthlyUsd: { expected: 81000 } } } },
  "never-deployed": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: {} },
  "dated-config": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-20T00:00:00Z" }, outputs: {} },
};

async function run(o: Partial<TeardownOptions>, ws: TeardownWorkspace) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTeardown({ dryRun: false, force: false, dir: "/work", json: false, ...o }, { out: (s) => out.push(s), err: (s) => err.push(s) }, async () => ws, NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("selecting stacks", () => {
  const infos = Object.entries(STACKS).map(([name, s]) => stackInfo(name, s.config, s.outputs, TYPES));

  it("destroys expired trial stacks only, oldest first, and says why the others stay", () => {
    const decisions = selectStacks(infos, NOW, { force: false });
    expect(decisions.filter((d) => d.destroy).map((d) => d.stack.name)).toEqual(["dated-config", "old-trial"]);
    const reasons = Object.fromEntries(decisions.map((d) => [d.stack.name, d.reason]));
    expect(reasons["old-trial"]).toBe("trial stack expired 6 h ago (2026-11-23T06:00:00.000Z)");
    expect(reasons["fresh-trial"]).toMatch(/^trial stack, expires in 6 h/);
    expect(reasons["prod"]).toBe("not a trial stack (hostwise:trial is not true)");
    expect(reasons["never-deployed"]).toMatch(/no known expiry/);
  });

  it("reads the deployed expiry from the outputs before the config, and counts resources without structure", () => {
    const info = stackInfo("x", { "hostwise:trial": "true", "hostwise:expiresAt": "2030-01-01T00:00:00Z" }, { lifecycle: { trial: true, expiresAt: "2026-01-01T00:00:00Z" } }, TYPES);
    expect(info.expiresAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(info.resourcesByType).toEqual({ "aws:eks/cluster:Cluster": 1, "aws:eks/nodeGroup:NodeGroup": 2 });
  });

  it("forces only a named stack", () => {
    const prod = selectStacks(infos, NOW, { stack: "prod", force: true });
    expect(prod).toHaveLength(1);
    expect(prod[0]!.destroy).toBe(true);
    expect(prod[0]!.reason).toMatch(/not a trial stack.*--force/);
    expect(selectStacks(infos, NOW, { stack: "prod", force: false })[0]!.destroy).toBe(false);
    expect(() => selectStacks(infos, NOW, { force: true })).toThrow(/--force needs --stack/);
  });
});

describe("after a destroy", () => {
  it("removes the control-plane log group EKS re-created, from the stack's region, profile and cluster", async () => {
    const stacks = { "old-trial": { config: { ...STACKS["old-trial"].config, "aws:region": "eu-west-1", "aws:profile": "sandbox" }, outputs: { ...STACKS["old-trial"].outputs, eksClusterName: "hostwise-old-trial" } } };
    const { ws, calls } = fakeWorkspace(stacks);
    const cleaned: StackLocation[] = [];
    const out: string[] = [];
    const code = await runTeardown({ dryRun: false, force: false, dir: "/w", json: false }, { out: (s) => out.push(s), err: () => undefined }, async () => ws, NOW, async (where) => {
      calls.push(`clean ${where.clusterName}`);
      cleaned.push(where);
      return "deleted log group /aws/eks/hostwise-old-trial/cluster";
    });
    expect(code).toBe(0);
    expect(calls).toEqual(["destroy old-trial", "clean hostwise-old-trial", "rm old-trial"]); // after the cluster is gone
    expect(cleaned).toEqual([{ stack: "old-trial", region: "eu-west-1", profile: "sandbox", clusterName: "hostwise-old-trial" }]);
    expect(out.join("\n")).toMatch(/old-trial: destroyed and removed; deleted log group \/aws\/eks\/hostwise-old-trial\/cluster/);
  });

  it("deletes the log group through the account, and says when the stack names no region", async () => {
    const deleted: string[] = [];
    const account = (region: string) => ({ region, deleteLogGroup: async (name: string) => (deleted.push(`${region} ${name}`), true) }) as unknown as AwsAccount;
    expect(await removeControlPlaneLogGroup(stackLocation("t", { "aws:region": "us-east-1" }, {}), account)).toBe("deleted log group /aws/eks/hostwise-t/cluster");
    expect(deleted).toEqual(["us-east-1 /aws/eks/hostwise-t/cluster"]);
    expect(await removeControlPlaneLogGroup(stackLocation("t", {}, {}), account)).toMatch(/not checked: the stack sets no aws:region/);
  });
});

describe("hostwise teardown", () => {
  it("destroys and removes the expired trial stacks, prints what goes and the cost saved", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    const r = await run({}, ws);
    expect(r.code).toBe(0);
    expect(calls).toEqual(["destroy dated-config", "rm dated-config", "destroy old-trial", "rm old-trial"]);
    expect(r.out).toMatch(/2 of 5 stacks to destroy/);
    expect(r.out).toMatch(/old-trial: destroy — trial stack expired 6 h ago .*; 3 resources, saves \$565\.51\/month/);
    expect(r.out).toMatch(/eks Cluster ×1, eks NodeGroup ×2/);
    expect(r.out).toMatch(/prod: stays — not a trial stack/);
    expect(r.out).toMatch(/2 destroyed, 0 failed; \$565\.51\/month saved/);
    expect(r.err).toMatch(/Destroying \(old-trial\)/);
  });

  it("--dry-run destroys nothing", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    const r = await run({ dryRun: true }, ws);
    expect(r.code).toBe(0);
    expect(calls).toEqual([]);
    expect(r.out).toMatch(/\(dry run\): 2 of 5 stacks to destroy/);
  });

  it("refuses a named stack that is not a trial unless --force", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    expect((await run({ stack: "prod" }, ws)).out).toMatch(/prod: stays — not a trial stack/);
    expect(calls).toEqual([]);
    await run({ stack: "prod", force: true }, ws);
    expect(calls).toEqual(["destroy prod", "rm prod"]);
  });

  it("reports each result and exits 1 when a destroy fails, after trying the others", async () => {
    const { ws, calls } = fakeWorkspace(STACKS, "dated-config");
    const r = await run({}, ws);
    expect(r.code).toBe(1);
    expect(calls).toEqual(["destroy dated-config", "destroy old-trial", "rm old-trial"]); // a failed stack is not removed
    expect(r.out).toMatch(/dated-config: FAILED — DependencyViolation/);
    expect(r.out).toMatch(/1 destroyed, 1 failed/);
  });

  it("prints decisions and results as JSON", async () => {
    const { ws } = fakeWorkspace(STACKS);
    const r = await run({ json: true }, ws);
    const json = JSON.parse(r.out);
    expect(json.results).toEqual([{ stack: "dated-config", destroyed: true }, { stack: "old-trial", destroyed: true }]);
    expect(json.decisions.find((d: { stack: string }) => d.stack === "prod").destroy).toBe(false);
  });

  it("says what is missing when the stacks cannot be listed (no Pulumi CLI, no backend)", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTeardown({ dryRun: true, force: false, dir: "/work", json: false }, { out: (s) => out.push(s), err: (s) => err.push(s) }, async () => {
      throw new Error("code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n");
    }, NOW);
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/^hostwise: teardown cannot list the stacks: the Pulumi CLI is not installed or not on PATH\n  fix: install the Pulumi CLI/);
    expect(cliProblem(new Error("code: 255\n stdout: \n stderr: error: PULUMI_ACCESS_TOKEN must be set for login\n"))).toBe("error: PULUMI_ACCESS_TOKEN must be set for login");
  });

  it("rejects an unknown stack and --force without --stack, and has complete help", async () => {
    const { ws } = fakeWorkspace(STACKS);
    const r = await run({ stack: "nope" }, ws);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stack: no stack "nope"[\s\S]*stacks here: old-trial, fresh-trial, prod/);
    expect(() => parseTeardownArgs(["--force"])).toThrow(UsageError);
    expect(parseTeardownArgs(["--stack", "dev", "--force", "--dry-run"], "/p")).toEqual({ dryRun: true, force: true, dir: "/p", json: false, stack: "dev" });
    for (const flag of ["--dry-run", "--stack", "--force", "--dir", "--json", "--help", "Exit codes"]) expect(TEARDOWN_HELP).toContain(flag);
  });
});
