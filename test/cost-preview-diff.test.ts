import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findConfigKey } from "../infra/config/schema";
import { crossedThresholds, diffPreview, type CostDiff, type ResourceDiff } from "../scripts/preview/diff";
import { parsePreview, PreviewError, UNKNOWN, type ParsedPreview } from "../scripts/preview/parse";
import { NOW } from "./helpers";

const FIXTURES = join(__dirname, "fixtures", "pulumi-preview");
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
const parse = (json: unknown, source = "preview.json"): ParsedPreview => parsePreview(JSON.stringify(json), source);
const diffOf = (json: unknown, options: { region?: string; baseline?: ParsedPreview } = {}): CostDiff => diffPreview(parse(json), { now: NOW, ...options });

// Worked out by hand from the list prices (us-east-1, 730 hours a month).
const HOURS = 730;
const EKS_STANDARD = 0.1; // $/cluster-hour
const G5_XLARGE = 1.006; // $/instance-hour
const G6E_XLARGE = 1.861;
const GP3 = 0.08; // $/GB-month
const NAT_HOUR = 0.045;
const NAT_GB = 0.045;
const DISK_GIB = 100; // the dev-gpu launch template's root volume
const NAT_DATA_GB = 200; // hostwise:natDataGbPerMonth in the fixture's config

const CLUSTER = EKS_STANDARD * HOURS; // 73.00
const NODE = { g5: G5_XLARGE * HOURS + DISK_GIB * GP3, g6e: G6E_XLARGE * HOURS + DISK_GIB * GP3 }; // per node: 742.38, 1,366.53
const NAT = NAT_HOUR * HOURS + NAT_DATA_GB * NAT_GB; // 41.85

const byName = (d: CostDiff, type: string, name: string): ResourceDiff => {
  const found = d.resources.filter((r) => r.type === type && r.name === name);
  expect(found).toHaveLength(1); // counted once
  return found[0]!;
};
const expected = (r: ResourceDiff, side: "before" | "after") => {
  const p = r[side];
  return p.kind === "priced" ? p.monthlyUsd : undefined;
};

describe("the hand-built EKS preview", () => {
  const d = diffOf(fixture("eks-change.json"));

  it("the cluster create: +$73.00/month at $0.10/h × 730 h", () => {
    const c = byName(d, "aws:eks/cluster:Cluster", "dev-eks");
    expect(c.op).toBe("create");
    expect(c.before.kind).toBe("absent");
    expect(CLUSTER).toBeCloseTo(73, 10);
    expect(c.change).toEqual({ min: expect.closeTo(CLUSTER, 6), expected: expect.closeTo(CLUSTER, 6), max: expect.closeTo(CLUSTER, 6) });
  });

  it("the node group replace: g5.xlarge → g6e.xlarge at desiredSize 1 (min 1, max 2) with the template's 100 GiB gp3 volume, once", () => {
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(ng.op).toBe("replace");
    expect(NODE.g5).toBeCloseTo(742.38, 6);
    expect(NODE.g6e).toBeCloseTo(1366.53, 6);
    expect(expected(ng, "before")).toEqual({ min: expect.closeTo(NODE.g5, 6), expected: expect.closeTo(NODE.g5, 6), max: expect.closeTo(2 * NODE.g5, 6) });
    expect(expected(ng, "after")).toEqual({ min: expect.closeTo(NODE.g6e, 6), expected: expect.closeTo(NODE.g6e, 6), max: expect.closeTo(2 * NODE.g6e, 6) });
    expect(ng.change?.expected).toBeCloseTo(NODE.g6e - NODE.g5, 6); // +624.15
  });

  it("the NAT delete: −$32.85 − 200 GB × $0.045 (natDataGbPerMonth from the preview's config)", () => {
    const nat = byName(d, "aws:ec2/natGateway:NatGateway", "dev-nat-1");
    expect(nat.op).toBe("delete");
    expect(nat.after.kind).toBe("absent");
    expect(nat.change?.expected).toBeCloseTo(-(32.85 + 9), 6);
    expect(nat.change?.expected).toBeCloseTo(-NAT, 6);
    expect(d.assumptions).toContain("natDataGbPerMonth = 200 GB through this gateway");
  });

  it("totals and the percent change", () => {
    const before = NODE.g5 + NAT; // 784.23
    const after = CLUSTER + NODE.g6e; // 1,439.53
    expect(d.totals.before.expected).toBeCloseTo(before, 6);
    expect(d.totals.after.expected).toBeCloseTo(after, 6);
    expect(d.totals.change.expected).toBeCloseTo(655.3, 6);
    expect(d.totals.before.min).toBeCloseTo(before, 6); // minSize 1
    expect(d.totals.before.max).toBeCloseTo(2 * NODE.g5 + NAT, 6); // maxSize 2
    expect(d.totals.after.max).toBeCloseTo(CLUSTER + 2 * NODE.g6e, 6);
    expect(d.changePercent).toBeCloseTo(((after - before) / before) * 100, 6);
    expect(d.region).toBe("us-east-1");
  });

  it("lists the unknown type as not priced, never drops it; free types and components are free", () => {
    expect(d.notPriced).toEqual([
      { urn: "urn:pulumi:dev::hostwise::aws:s3/bucket:Bucket::dev-model-weights", type: "aws:s3/bucket:Bucket", name: "dev-model-weights", op: "create", reason: "no price-book entry for this resource type" },
    ]);
    expect(byName(d, "aws:iam/role:Role", "dev-cluster").after).toEqual({ kind: "free", note: "no cost of its own" });
    expect(byName(d, "hostwise:aws:Network", "dev").after.kind).toBe("free");
    expect(byName(d, "aws:ec2/launchTemplate:LaunchTemplate", "dev-gpu").op).toBe("same");
    expect(d.resources).toHaveLength(9); // 4 same + 3 create + 1 replace + 1 delete
  });

  it("prices an input that is unknown but not needed (the cluster's roleArn)", () => {
    expect(byName(d, "aws:eks/cluster:Cluster", "dev-eks").after.kind).toBe("priced");
  });

  it("gives the token economics of the hostwise stack the config describes", () => {
    if (d.tokens.kind !== "hostwise") throw new Error(`expected token economics, got: ${d.tokens.reason}`);
    expect(d.tokens.instanceType).toBe("g6e.xlarge");
    const e = d.tokens.estimate;
    expect(e.tokens.usdPerMillionOutputTokens).toBeGreaterThan(0);
    expect(Number.isFinite(e.tokens.usdPerMillionOutputTokens)).toBe(true);
    expect(e.tokens.usdPerMillionOutputTokens).toBeCloseTo((e.monthlyUsd.expected / e.tokens.monthlyOutputTokens) * 1e6, 6);
    expect(e.hostedApi.id).toMatch(/\//);
    expect(e.notPriced.map((n) => n.name)).toEqual(["dev-model-weights"]);
  });
});

describe("usage assumptions and prices from the preview's config", () => {
  it("uses the stack default of natDataGbPerMonth (from CONFIG_KEYS) when the config has none", () => {
    const json = fixture("eks-change.json");
    delete json.config["hostwise:natDataGbPerMonth"];
    const nat = byName(diffOf(json), "aws:ec2/natGateway:NatGateway", "dev-nat-1");
    expect(findConfigKey("natDataGbPerMonth")?.default).toBe("100");
    expect(nat.change?.expected).toBeCloseTo(-(NAT_HOUR * HOURS + 100 * NAT_GB), 6);
  });

  it("takes hostwise:instancePrices (a JSON array) and --region over aws:region, every line at that region's rates", () => {
    const json = fixture("eks-change.json");
    json.config["hostwise:instancePrices"] = JSON.stringify(["g5.xlarge=1.2", "g6e.xlarge=2.3", "m6i.large=0.11"]);
    const d = diffOf(json, { region: "eu-west-1" });
    expect(d.region).toBe("eu-west-1");
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    const gp3EuWest1 = 0.088; // $/GB-month in eu-west-1
    expect(expected(ng, "before")?.expected).toBeCloseTo(1.2 * HOURS + DISK_GIB * gp3EuWest1, 6);
    expect(expected(ng, "after")?.expected).toBeCloseTo(2.3 * HOURS + DISK_GIB * gp3EuWest1, 6);
    expect(d.assumptions[0]).toMatch(/^prices for eu-west-1 \(--region\)/);
  });

  it("an instance type the region does not offer is listed as not priced and left out of the totals", () => {
    const d = diffOf(fixture("eks-change.json"), { region: "eu-west-1" });
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(ng.change).toBeUndefined();
    expect(d.notPriced.find((n) => n.name === "dev-gpu")?.reason).toBe(
      "g6e.xlarge is not offered in eu-west-1; regions that have it: us-east-1, us-east-2, us-west-2, eu-central-1, eu-north-1, ap-northeast-1",
    );
    // the NAT gateway at eu-west-1 rates: $0.048/h × 730 + 200 GB × $0.048
    expect(d.totals.before.expected).toBeCloseTo(0.048 * HOURS + NAT_DATA_GB * 0.048, 6);
  });

  it("prices a SPOT node group at the region's spot rate and a stated discount where the config gives one", () => {
    const json = fixture("eks-change.json");
    json.config["hostwise:gpuPurchaseOption"] = "spot";
    for (const step of json.steps) if (step.newState?.type === "aws:eks/nodeGroup:NodeGroup" && step.newState.inputs.instanceTypes[0] === "g6e.xlarge") step.newState.inputs.capacityType = "SPOT";
    const d = diffOf(json);
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    // after: g6e.xlarge spot in us-east-1, $1.00455/h (the catalog's snapshot); before: the deployed ON_DEMAND g5.xlarge
    expect(expected(ng, "after")?.expected).toBeCloseTo(1.00455 * HOURS + DISK_GIB * GP3, 6);
    expect(expected(ng, "before")?.expected).toBeCloseTo(NODE.g5, 6);
    expect(d.pricing).toEqual({ region: "us-east-1", catalog: "the built-in catalog", gpuPurchase: "spot", systemPurchase: "on-demand" });
    expect(d.assumptions[0]).toMatch(/^prices for us-east-1 \(aws:region in the preview's config\) from the built-in catalog, every line at us-east-1 rates; GPU nodes spot/);
    json.config["hostwise:gpuDiscountPercent"] = "60";
    // $1.861 × (1 − 60%) = $0.7444/h, labelled as the stack's
    const stated = byName(diffOf(json), "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(expected(stated, "after")?.expected).toBeCloseTo(0.7444 * HOURS + DISK_GIB * GP3, 6);
  });

  it("names the preview file and --region when neither gives a region", () => {
    const json = fixture("eks-change.json");
    delete json.config["aws:region"];
    expect(() => diffOf(json)).toThrow(PreviewError);
    expect(() => diffOf(json)).toThrow("no AWS region: preview.json has no aws:region in its config and --region is not given");
    expect(diffOf(json, { region: "us-east-1" }).totals.change.expected).toBeCloseTo(655.3, 6);
  });

  it("rejects an invalid usage value, naming the file and the key", () => {
    const json = fixture("eks-change.json");
    json.config["hostwise:natDataGbPerMonth"] = "lots";
    expect(() => diffOf(json)).toThrow(/preview\.json: the preview's config has 1 configuration error:\n {2}- hostwise:natDataGbPerMonth: must be a number/);
  });
});

describe("inputs unknown until apply", () => {
  const replaceStates = (json: any, edit: (inputs: any) => void) => {
    for (const s of json.steps) if (s.newState?.type === "aws:eks/nodeGroup:NodeGroup") edit(s.newState.inputs);
  };

  it("a needed input unknown at preview: not priced, value unknown until apply, out of the totals", () => {
    const json = fixture("eks-change.json");
    replaceStates(json, (inputs) => (inputs.instanceTypes = [UNKNOWN]));
    const d = diffOf(json);
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(ng.after).toEqual({ kind: "not priced", reason: "value unknown until apply: instanceTypes[0]" });
    expect(ng.before.kind).toBe("priced");
    expect(ng.change).toBeUndefined();
    expect(d.notPriced.map((n) => n.name)).toEqual(["dev-gpu", "dev-model-weights"]);
    expect(d.totals.change.expected).toBeCloseTo(CLUSTER - NAT, 6);
  });

  it("an unknown desiredSize is priced at maxSize, its upper bound, with the lower bound kept (never dropped as $0)", () => {
    const json = fixture("eks-change.json");
    replaceStates(json, (inputs) => (inputs.scalingConfig.desiredSize = UNKNOWN));
    const d = diffOf(json);
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    if (ng.after.kind !== "priced") throw new Error(`expected a bounded price, got ${JSON.stringify(ng.after)}`);
    // scaling 1 / ? / 2: expected at maxSize 2 × $1,366.53 = $2,733.06; at minSize 1: $1,366.53
    expect(ng.after.monthlyUsd.expected).toBeCloseTo(2 * NODE.g6e, 6);
    expect(ng.after.bound).toEqual({
      note: "scalingConfig.desiredSize is unknown until apply: priced at maxSize 2, the upper bound (at minSize 1: $1,366.53 a month)",
      expectedLow: expect.closeTo(NODE.g6e, 6),
    });
    expect(d.totals.after.expected).toBeCloseTo(CLUSTER + 2 * NODE.g6e, 6);
    expect(d.totals.low.after).toBeCloseTo(CLUSTER + NODE.g6e, 6);
    expect(d.assumptions).toContain(`aws:eks/nodeGroup:NodeGroup dev-gpu: ${ng.after.bound!.note}`);
  });

  it("an unknown launch-template volume size blocks the node group that reads it", () => {
    const json = fixture("eks-change.json");
    const lt = json.steps.find((s: any) => s.newState?.type === "aws:ec2/launchTemplate:LaunchTemplate");
    lt.op = "update";
    lt.newState = structuredClone(lt.newState);
    lt.newState.inputs.blockDeviceMappings[0].ebs.volumeSize = UNKNOWN;
    const ng = byName(diffOf(json), "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(ng.before.kind).toBe("priced");
    expect(ng.after).toEqual({ kind: "not priced", reason: "value unknown until apply: root volume size of launch template dev-gpu" });
  });
});

describe("--baseline: before is the baseline preview's after-state", () => {
  const baselineJson = () => {
    const json = fixture("eks-change.json");
    // The base branch also has an Elastic IP that this branch drops.
    json.steps.push({
      op: "create",
      urn: "urn:pulumi:dev::hostwise::hostwise:aws:Network$aws:ec2/eip:Eip::dev-extra",
      newState: { type: "aws:ec2/eip:Eip", custom: true, inputs: { __defaults: [], domain: "vpc" } },
    });
    return json;
  };
  const current = () => {
    const json = fixture("eks-change.json");
    for (const s of json.steps) if (s.newState?.type === "aws:eks/nodeGroup:NodeGroup") s.newState.inputs.scalingConfig.desiredSize = 2;
    return json;
  };

  it("compares the two planned states, resource by resource", () => {
    const d = diffOf(current(), { baseline: parse(baselineJson(), "--baseline base.json") });
    expect(d.before).toEqual({ kind: "baseline", source: "--baseline base.json" });
    const ng = byName(d, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(ng.op).toBe("update");
    expect(expected(ng, "before")?.expected).toBeCloseTo(NODE.g6e, 6);
    expect(expected(ng, "after")?.expected).toBeCloseTo(2 * NODE.g6e, 6);
    const cluster = byName(d, "aws:eks/cluster:Cluster", "dev-eks");
    expect(cluster.op).toBe("same");
    expect(cluster.change?.expected).toBeCloseTo(0, 10);
    const eip = byName(d, "aws:ec2/eip:Eip", "dev-extra");
    expect(eip.op).toBe("delete");
    expect(eip.change?.expected).toBeCloseTo(-0.005 * HOURS, 6);
    // The NAT gateway is deleted by both: in neither planned state.
    expect(d.resources.some((r) => r.name === "dev-nat-1")).toBe(false);
    expect(d.totals.before.expected).toBeCloseTo(CLUSTER + NODE.g6e + 0.005 * HOURS, 6);
    expect(d.totals.change.expected).toBeCloseTo(NODE.g6e - 0.005 * HOURS, 6);
    expect(d.assumptions).toContain("before = the after-state of the baseline preview (--baseline base.json), priced with its own stack config");
  });

  it("refuses a baseline of another stack", () => {
    const other = JSON.parse(JSON.stringify(fixture("eks-change.json")).replace(/urn:pulumi:dev::/g, "urn:pulumi:prod::"));
    expect(() => diffOf(current(), { baseline: parse(other, "--baseline prod.json") })).toThrow('--baseline: --baseline prod.json previews stack "prod", preview.json stack "dev"');
  });
});

describe("the real previews (S3 bucket, Lambda, IAM)", () => {
  it.each(["sample-preview-creates.json", "sample-preview-update.json", "sample-preview-deletes.json"])("%s: every resource is listed as not priced or free, none dropped", (file) => {
    const json = fixture(file);
    const d = diffOf(json);
    expect(d.resources).toHaveLength(parse(json).changes.length);
    expect(d.region).toBeUndefined(); // nothing priced needs one, and the config has no aws:region
    const status = (type: string) => [...new Set(d.resources.filter((r) => r.type === type).map((r) => (r.after.kind === "absent" ? r.before.kind : r.after.kind)))];
    expect(status("aws:s3/bucket:Bucket")).toEqual(["not priced"]);
    expect(status("aws:lambda/function:Function")).toEqual(["not priced"]);
    expect(status("aws:lambda/permission:Permission")).toEqual(["not priced"]);
    expect(status("aws:s3/bucketNotification:BucketNotification")).toEqual(["not priced"]);
    expect(status("aws:iam/role:Role")).toEqual(["free"]);
    expect(status("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual(["free"]);
    expect(status("aws:s3:BucketEventSubscription")).toEqual(["free"]); // a component
    expect(d.notPriced.map((n) => n.type).sort()).toEqual(["aws:lambda/function:Function", "aws:lambda/permission:Permission", "aws:s3/bucket:Bucket", "aws:s3/bucketNotification:BucketNotification"]);
    expect(d.totals.change).toEqual({ min: 0, expected: 0, max: 0 });
    expect(d.tokens).toEqual({ kind: "not hostwise", reason: "its config has no hostwise:* keys" });
  });

  it("says why a stack with hostwise keys is not a valid hostwise stack", () => {
    const json = fixture("eks-change.json");
    delete json.config["hostwise:owner"];
    const d = diffOf(json);
    expect(d.tokens.kind).toBe("not hostwise");
    expect(d.tokens.kind === "not hostwise" && d.tokens.reason).toMatch(/hostwise:owner: is required and not set/);
    expect(d.totals.change.expected).toBeCloseTo(655.3, 6); // the resource prices do not depend on it
  });
});

describe("thresholds", () => {
  const d = diffOf(fixture("eks-change.json")); // $784.23 → $1,439.53, +83.6%

  it("--fail-above compares the expected monthly cost after the change", () => {
    expect(crossedThresholds(d, { failAboveMonthlyUsd: 1000 })).toEqual([
      "--fail-above 1000: the expected monthly cost after this change is $1,439.53, above $1,000.00",
    ]);
    expect(crossedThresholds(d, { failAboveMonthlyUsd: 1500 })).toEqual([]);
  });

  it("--fail-increase compares the percent rise", () => {
    expect(crossedThresholds(d, { failIncreasePercent: 50 })).toEqual([
      "--fail-increase 50: the expected monthly cost rises 83.6% ($784.23 → $1,439.53, +$655.30), more than 50%",
    ]);
    expect(crossedThresholds(d, { failIncreasePercent: 90 })).toEqual([]);
  });

  it("any rise from $0 crosses --fail-increase; no rise crosses nothing", () => {
    const json = fixture("eks-change.json");
    json.steps = json.steps.filter((s: any) => s.op === "create");
    const fromZero = diffOf(json);
    expect(fromZero.totals.before.expected).toBe(0);
    expect(crossedThresholds(fromZero, { failIncreasePercent: 1000 })).toEqual([
      "--fail-increase 1000: the expected monthly cost rises from nothing ($0.00 → $73.00, +$73.00); any rise from $0 counts",
    ]);
    expect(crossedThresholds(diffOf(fixture("sample-preview-update.json")), { failIncreasePercent: 0, failAboveMonthlyUsd: 0 })).toEqual([]);
  });
});
