import { describe, expect, it } from "vitest";
import { cliProblem, parseTeardownArgs, runTeardown, TEARDOWN_HELP, type TeardownIo, type TeardownOptions } from "../scripts/commands/teardown";
import { UsageError } from "../scripts/lib/usage";
import { selectStacks, stackInfo, type Decision } from "../scripts/teardown/select";
import type { TeardownWorkspace } from "../scripts/teardown/workspace";
import { removeControlPlaneLogGroup, stackLocation, type StackLocation } from "../scripts/teardown/leftovers";
import type { AwsAccount } from "../scripts/lib/aws-account";

const NOW = new Date("2026-11-23T12:00:00Z");
const TYPES = ["pulumi:pulumi:Stack", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/nodeGroup:NodeGroup", "hostwise:aws:Cluster"];

interface FakeStack {
  readonly config: Record<string, string>;
  readonly outputs: Record<string, unknown>;
}

/** A fake Pulumi workspace: stacks with config and outputs; records destroys; one may fail to destroy, others fail to read. */
function fakeWorkspace(stacks: Record<string, FakeStack>, o: { failing?: string; unreadable?: string } = {}) {
  const calls: string[] = [];
  const ws: TeardownWorkspace = {
    listStacks: async () => Object.keys(stacks),
    inspect: async (name) => {
      if (name === o.unreadable) throw new Error("code: 255\n stdout: \n stderr: error: getting stack configuration: incorrect passphrase\n\n err?: ");
      return { ...stacks[name]!, resourceTypes: TYPES };
    },
    destroy: async (name, onOutput) => {
      calls.push(`destroy ${name}`);
      onOutput(`Destroying (${name})\n`);
      if (name === o.failing) {
        throw new Error(
          "code: 255\n stdout: Destroying (x)\n - aws:ec2/vpc:Vpc deleting\n stderr: warning: a warning first\nerror: deleting ec2 VPC (vpc-123): DependencyViolation: the vpc has dependencies\n    more detail\n err?: ",
        );
      }
    },
    removeStack: async (name) => {
      calls.push(`rm ${name}`);
    },
  };
  return { ws, calls };
}

// A trial deployed at 00:00 with expiresAt 6h expired at 06:00; lifecycle is what `pulumi up` exported.
const deployedTrial = (createdAt: string, expiresAt: string) => ({ lifecycle: { trial: true, expiresAt, createdAt } });
const STACKS: Record<string, FakeStack> = {
  "old-trial": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: { ...deployedTrial("2026-11-23T00:00:00.000Z", "2026-11-23T06:00:00.000Z"), cost: { monthlyUsd: { expected: 565.51 } } } },
  "fresh-trial": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: deployedTrial("2026-11-23T12:00:00.000Z", "2026-11-23T18:00:00.000Z") },
  prod: { config: { "hostwise:trial": "false" }, outputs: { lifecycle: { trial: false }, cost: { monthlyUsd: { expected: 81000 } } } },
  "never-deployed": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: {} },
  "dated-config": { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-20T00:00:00Z" }, outputs: {} },
};

async function run(o: Partial<TeardownOptions>, ws: TeardownWorkspace, answers?: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const io: TeardownIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    ...(answers && {
      prompt: async (q: string) => {
        asked.push(q);
        return answers.shift() ?? "";
      },
    }),
  };
  const code = await runTeardown({ dryRun: false, force: false, yes: false, dir: "/work", json: false, ...o }, io, async () => ws, NOW);
  return { code, out: out.join("\n"), err: err.join("\n"), asked };
}

const decisionsOf = (stacks: Record<string, FakeStack>, o: { stack?: string; force?: boolean } = {}): Record<string, Decision> =>
  Object.fromEntries(
    selectStacks(Object.entries(stacks).map(([name, s]) => stackInfo(name, s.config, s.outputs, TYPES)), NOW, { force: false, ...o }).map((d) => [d.stack.name, d]),
  );

describe("selecting stacks: both the deployed state and the config must call it an expired trial", () => {
  it("destroys the expired trial and says why each other stack stays", () => {
    const d = decisionsOf(STACKS);
    expect(Object.values(d).filter((x) => x.destroy).map((x) => x.stack.name)).toEqual(["old-trial"]);
    expect(d["old-trial"]!.reason).toBe("trial stack expired 6 h ago (2026-11-23T06:00:00.000Z)");
    expect(d["fresh-trial"]!.reason).toMatch(/^trial stack, expires in 6 h/);
    expect(d["prod"]!.reason).toBe("not a trial stack (deployed and configured as long-lived)");
    expect(d["never-deployed"]!.reason).toMatch(/^no lifecycle output: never deployed by hostwise/);
    // The config alone (an absolute expiry in the past, nothing deployed) is not enough any more.
    expect(d["dated-config"]!.destroy).toBe(false);
  });

  it.each([
    [
      "a long-lived deployment whose config was edited to an expired trial",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-20T00:00:00Z" }, outputs: { lifecycle: { trial: false } } },
      /^deployed as a long-lived stack, but its config now says trial: true \(not deployed yet\); the two disagree, so it stays/,
    ],
    [
      "a kept trial whose config says trial: false while its stale output says expired",
      { config: { "hostwise:trial": "false" }, outputs: deployedTrial("2026-11-23T00:00:00.000Z", "2026-11-23T06:00:00.000Z") },
      /^deployed as a trial, but its config now says trial is not true; the two disagree, so it stays/,
    ],
    [
      "an expiry extended in config but not deployed yet",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-30T00:00:00Z" }, outputs: deployedTrial("2026-11-23T00:00:00.000Z", "2026-11-23T06:00:00.000Z") },
      /^its deployed expiry 2026-11-23T06:00:00\.000Z has passed, but its config now says 2026-11-30T00:00:00\.000Z \(not deployed yet\)/,
    ],
    [
      "a duration lengthened in config (48h from the deployed creation time)",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "48h" }, outputs: deployedTrial("2026-11-23T00:00:00.000Z", "2026-11-23T06:00:00.000Z") },
      /config now says 2026-11-25T00:00:00\.000Z/,
    ],
    [
      "a config expiry that passed while the deployed one has not",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-23T01:00:00Z" }, outputs: deployedTrial("2026-11-23T10:00:00.000Z", "2026-11-23T16:00:00.000Z") },
      /^its config says it expired at 2026-11-23T01:00:00\.000Z, but the deployed expiry is 2026-11-23T16:00:00\.000Z/,
    ],
    [
      "a deployed expiry without a zone (the validation parser refuses local times)",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: { lifecycle: { trial: true, expiresAt: "2026-11-23T06:00:00" } } },
      /^its lifecycle output cannot be read \(lifecycle\.expiresAt is .*not an ISO-8601 time with a zone\)/,
    ],
    [
      "a configured expiry without a zone",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-11-20T00:00:00" }, outputs: deployedTrial("2026-11-19T00:00:00.000Z", "2026-11-19T06:00:00.000Z") },
      /^its config cannot be read \(hostwise:expiresAt is .* neither an ISO-8601 time with a zone nor a duration\)/,
    ],
    [
      "an impossible configured date (2026-02-30 is not March 2)",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "2026-02-30T00:00:00Z" }, outputs: deployedTrial("2026-02-20T00:00:00.000Z", "2026-02-20T06:00:00.000Z") },
      /^its config cannot be read/,
    ],
    [
      "an expiry two minutes ago, inside the clock-skew grace",
      { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: deployedTrial("2026-11-23T05:58:00.000Z", "2026-11-23T11:58:00.000Z") },
      /^trial stack, expired at 2026-11-23T11:58:00\.000Z: within the 5-minute grace for clock skew/,
    ],
  ])("keeps %s", (_name, stack, reason) => {
    const d = decisionsOf({ s: stack })["s"]!;
    expect(d.destroy).toBe(false);
    expect(d.reason).toMatch(reason);
  });

  it("destroys a stack whose duration was shortened in config, once both sides have passed", () => {
    // Created 00:00 and deployed with 10h (10:00); the config now says 6h (06:00). Both passed by 12:00.
    const d = decisionsOf({ s: { config: { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs: deployedTrial("2026-11-23T00:00:00.000Z", "2026-11-23T10:00:00.000Z") } })["s"]!;
    expect(d.destroy).toBe(true);
    expect(d.reason).toBe("trial stack expired 2 h ago (deployed 2026-11-23T10:00:00.000Z, configured 2026-11-23T06:00:00.000Z)");
  });

  it("reads a stack without createdAt (deployed before it existed) by its deployed expiry, and counts resources without structure", () => {
    const info = stackInfo("x", { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, { lifecycle: { trial: true, expiresAt: "2026-01-01T00:00:00Z" } }, TYPES);
    expect(selectStacks([info], NOW, { force: false })[0]!.destroy).toBe(true);
    expect(info.resourcesByType).toEqual({ "aws:eks/cluster:Cluster": 1, "aws:eks/nodeGroup:NodeGroup": 2 });
  });

  it("forces only a named stack, and marks a forced stack that is not an expired trial", () => {
    const prod = Object.values(decisionsOf(STACKS, { stack: "prod", force: true }));
    expect(prod).toHaveLength(1);
    expect(prod[0]).toMatchObject({ destroy: true, forced: true });
    expect(prod[0]!.reason).toMatch(/not a trial stack.*--force/);
    expect(decisionsOf(STACKS, { stack: "old-trial", force: true })["old-trial"]).toMatchObject({ destroy: true, forced: false });
    expect(() => selectStacks([], NOW, { force: true })).toThrow(/--force needs --stack/);
  });
});

describe("after a destroy", () => {
  it("removes the control-plane log group EKS re-created, from the stack's region, profile and cluster", async () => {
    const stacks = { "old-trial": { config: { ...STACKS["old-trial"]!.config, "aws:region": "eu-west-1", "aws:profile": "sandbox" }, outputs: { ...STACKS["old-trial"]!.outputs, eksClusterName: "hostwise-old-trial" } } };
    const { ws, calls } = fakeWorkspace(stacks);
    const cleaned: StackLocation[] = [];
    const out: string[] = [];
    const code = await runTeardown({ dryRun: false, force: false, yes: true, dir: "/w", json: false }, { out: (s) => out.push(s), err: () => undefined }, async () => ws, NOW, async (where) => {
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
  it("with --yes destroys and removes the expired trial, prints what goes and the cost saved", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    const r = await run({ yes: true }, ws);
    expect(r.code).toBe(0);
    expect(calls).toEqual(["destroy old-trial", "rm old-trial"]);
    expect(r.out).toMatch(/1 of 5 stacks to destroy/);
    expect(r.out).toMatch(/old-trial: destroy — trial stack expired 6 h ago .*; 3 resources, saves \$565\.51\/month/);
    expect(r.out).toMatch(/eks Cluster ×1, eks NodeGroup ×2/);
    expect(r.out).toMatch(/prod: stays — not a trial stack/);
    expect(r.out).toMatch(/1 destroyed, 0 failed; \$565\.51\/month saved/);
    expect(r.err).toMatch(/Destroying \(old-trial\)/);
  });

  it("without --yes and without a terminal, refuses with exit 2 and says how to confirm", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    const r = await run({}, ws);
    expect(r.code).toBe(2);
    expect(calls).toEqual([]);
    expect(r.err).toBe("hostwise: teardown would destroy old-trial and needs a confirmation, but stdin is not a terminal\n  fix: pass --yes to confirm (CI, a cron job), or --dry-run to only list what would go");
  });

  it("asks on a terminal: yes destroys, anything else destroys nothing (exit 1)", async () => {
    const yes = fakeWorkspace(STACKS);
    const r = await run({}, yes.ws, ["y"]);
    expect(r.asked).toEqual(["Destroy 1 expired trial stack (old-trial)? [y/N] "]);
    expect(yes.calls).toEqual(["destroy old-trial", "rm old-trial"]);
    const no = fakeWorkspace(STACKS);
    const declined = await run({}, no.ws, [""]);
    expect(declined.code).toBe(1);
    expect(declined.out).toMatch(/not confirmed: nothing destroyed$/);
    expect(no.calls).toEqual([]);
  });

  it("--force on a stack that is not an expired trial needs its name typed", async () => {
    const wrong = fakeWorkspace(STACKS);
    const r = await run({ stack: "prod", force: true }, wrong.ws, ["yes"]);
    expect(r.asked).toEqual(["Stack prod is not an expired trial on both sides. Type its name to destroy it: "]);
    expect(r.code).toBe(1);
    expect(wrong.calls).toEqual([]);
    const right = fakeWorkspace(STACKS);
    expect((await run({ stack: "prod", force: true }, right.ws, ["prod"])).code).toBe(0);
    expect(right.calls).toEqual(["destroy prod", "rm prod"]);
    const scripted = fakeWorkspace(STACKS);
    expect((await run({ stack: "prod", force: true, yes: true }, scripted.ws)).code).toBe(0);
    expect(scripted.calls).toEqual(["destroy prod", "rm prod"]);
  });

  it("--dry-run destroys nothing and asks nothing", async () => {
    const { ws, calls } = fakeWorkspace(STACKS);
    const r = await run({ dryRun: true }, ws);
    expect(r.code).toBe(0);
    expect(calls).toEqual([]);
    expect(r.out).toMatch(/\(dry run\): 1 of 5 stacks to destroy/);
  });

  it("reports a stack it cannot read and skips it; the others go on (exit 1)", async () => {
    const { ws, calls } = fakeWorkspace(STACKS, { unreadable: "fresh-trial" });
    const r = await run({ yes: true }, ws);
    expect(r.code).toBe(1);
    expect(calls).toEqual(["destroy old-trial", "rm old-trial"]);
    expect(r.out).toMatch(/fresh-trial: stays — cannot be read, skipped: error: getting stack configuration: incorrect passphrase$/m);
  });

  it("prints a failed destroy as one clean line, after trying the others (exit 1)", async () => {
    const stacks = { ...STACKS, "old-trial-2": STACKS["old-trial"]! };
    const { ws, calls } = fakeWorkspace(stacks, { failing: "old-trial" });
    const r = await run({ yes: true }, ws);
    expect(r.code).toBe(1);
    expect(calls).toEqual(["destroy old-trial", "destroy old-trial-2", "rm old-trial-2"]); // a failed stack is not removed
    expect(r.out).toContain("old-trial: FAILED — error: deleting ec2 VPC (vpc-123): DependencyViolation: the vpc has dependencies\n");
    expect(r.out).not.toMatch(/stdout:|stderr:|code: 255/);
    expect(r.out).toMatch(/1 destroyed, 1 failed/);
  });

  it("prints decisions and results as JSON", async () => {
    const { ws } = fakeWorkspace(STACKS);
    const r = await run({ json: true, yes: true }, ws);
    const json = JSON.parse(r.out);
    expect(json.results).toEqual([{ stack: "old-trial", destroyed: true }]);
    expect(json.decisions.find((d: { stack: string }) => d.stack === "prod")).toMatchObject({ destroy: false, forced: false });
  });

  it("says what is missing when the stacks cannot be listed (no Pulumi CLI, no backend)", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTeardown({ dryRun: true, force: false, yes: false, dir: "/work", json: false }, { out: (s) => out.push(s), err: (s) => err.push(s) }, async () => {
      throw new Error("code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n");
    }, NOW);
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/^hostwise: teardown cannot list the stacks: the Pulumi CLI is not installed or not on PATH\n  fix: install the Pulumi CLI/);
    expect(cliProblem(new Error("code: 255\n stdout: \n stderr: error: PULUMI_ACCESS_TOKEN must be set for login\n"))).toBe("error: PULUMI_ACCESS_TOKEN must be set for login");
  });

  it("rejects an unknown stack, a stack name with path segments and --force without --stack, and has complete help", async () => {
    const { ws } = fakeWorkspace(STACKS);
    const r = await run({ stack: "nope" }, ws);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--stack: no stack "nope"[\s\S]*stacks here: old-trial, fresh-trial, prod/);
    expect(() => parseTeardownArgs(["--force"])).toThrow(UsageError);
    expect(() => parseTeardownArgs(["--stack", "../../etc"])).toThrow(/--stack: "\.\.\/\.\.\/etc" is not a stack name/);
    expect(parseTeardownArgs(["--stack", "acme/hostwise/dev", "--force", "--dry-run", "--yes"], "/p")).toEqual({ dryRun: true, force: true, yes: true, dir: "/p", json: false, stack: "acme/hostwise/dev" });
    for (const flag of ["--dry-run", "--stack", "--force", "--yes", "--dir", "--json", "--help", "Exit codes"]) expect(TEARDOWN_HELP).toContain(flag);
  });
});
