import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePreview, parseUrn, PreviewError, UNKNOWN, type ChangeOp, type ParsedPreview } from "../scripts/preview/parse";

const FIXTURES = join(__dirname, "fixtures", "pulumi-preview");
const text = (file: string) => readFileSync(join(FIXTURES, file), "utf8");
const load = (file: string): ParsedPreview => parsePreview(text(file), file);

function opCounts(p: ParsedPreview): Partial<Record<ChangeOp, number>> {
  const counts: Partial<Record<ChangeOp, number>> = {};
  for (const c of p.changes) counts[c.op] = (counts[c.op] ?? 0) + 1;
  return counts;
}

function previewError(json: string, source = "x.json"): PreviewError {
  try {
    parsePreview(json, source);
  } catch (e) {
    if (e instanceof PreviewError) return e;
    throw e;
  }
  throw new Error(`expected a PreviewError for ${json.slice(0, 80)}`);
}

describe("real pulumi preview --json output", () => {
  it.each([
    ["sample-preview-creates.json", { create: 16 }, { create: 15 }],
    ["sample-preview-update.json", { same: 15, update: 1 }, { same: 14, update: 1 }],
    ["sample-preview-deletes.json", { same: 2, delete: 14 }, { same: 1, delete: 14 }],
  ])("%s: steps by op match the engine's changeSummary; the stack is left out of the changes", (file, steps, changes) => {
    const p = load(file);
    expect(p.stepCounts).toEqual(steps);
    expect(p.changeSummary).toEqual(steps);
    expect(opCounts(p)).toEqual(changes);
    expect(p.stack).toBe("dev");
    expect(p.project).toBe("sample");
    expect(p.changes.some((c) => c.type.startsWith("pulumi:"))).toBe(false);
  });

  it("lists every resource with its type and its name (the last URN segment)", () => {
    const p = load("sample-preview-creates.json");
    const byType = (t: string) => p.changes.filter((c) => c.type === t).map((c) => c.name);
    expect(byType("aws:s3/bucket:Bucket")).toEqual(["docs"]);
    expect(byType("aws:lambda/function:Function")).toEqual(["docsHandler"]);
    expect(byType("aws:iam/role:Role")).toEqual(["docsHandler"]);
    expect(byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toHaveLength(9);
    expect(p.changes.find((c) => c.type === "aws:s3:BucketEventSubscription")?.component).toBe(true);
    expect(p.changes.find((c) => c.type === "aws:s3/bucket:Bucket")?.component).toBe(false);
  });

  it("drops __defaults at every depth and turns the unknown sentinel into undefined, remembering where", () => {
    const p = load("sample-preview-creates.json");
    const notification = p.changes.find((c) => c.type === "aws:s3/bucketNotification:BucketNotification")!;
    expect(notification.before).toBeUndefined();
    const after = notification.after!;
    expect(JSON.stringify(after.props)).not.toContain("__defaults");
    expect(JSON.stringify(after.props)).not.toContain(UNKNOWN);
    expect(after.props.eventbridge).toBe(false);
    expect("bucket" in after.props && after.props.bucket === undefined).toBe(true);
    expect(after.unknownInputs).toEqual(["bucket", "lambdaFunctions[0].lambdaFunctionArn"]);
    expect(after.props.lambdaFunctions[0].events).toEqual(["s3:ObjectCreated:*"]);
  });

  it("an update keeps both states; a delete only the old one", () => {
    const update = load("sample-preview-update.json").changes.find((c) => c.op === "update")!;
    expect(update.type).toBe("aws:lambda/function:Function");
    expect(update.before?.props.runtime).toBe("nodejs20.x");
    expect(update.after?.props.code.hash).not.toBe(update.before?.props.code.hash);
    const deleted = load("sample-preview-deletes.json").changes.find((c) => c.type === "aws:lambda/function:Function")!;
    expect(deleted.op).toBe("delete");
    expect(deleted.before?.props.memorySize).toBe(128);
    expect(deleted.after).toBeUndefined();
  });
});

describe("a replacement", () => {
  const full = load("eks-change.json");
  const nodeGroupUrn = "urn:pulumi:dev::hostwise::hostwise:aws:NodeGroups$aws:eks/nodeGroup:NodeGroup::dev-gpu";

  it("is one change however many steps the preview prints for it", () => {
    expect(full.stepCounts).toMatchObject({ "create-replacement": 1, replace: 1, "delete-replaced": 1 });
    const groups = full.changes.filter((c) => c.urn === nodeGroupUrn);
    expect(groups).toHaveLength(1);
    const ng = groups[0]!;
    expect(ng.op).toBe("replace");
    expect(ng.steps).toEqual(["create-replacement", "replace", "delete-replaced"]);
    expect(ng.before?.props.instanceTypes).toEqual(["g5.xlarge"]);
    expect(ng.after?.props.instanceTypes).toEqual(["g6e.xlarge"]);
  });

  it("logical steps match changeSummary (replacement steps are not counted there)", () => {
    const logical = Object.fromEntries(Object.entries(full.stepCounts).filter(([op]) => op !== "create-replacement" && op !== "delete-replaced"));
    expect(logical).toEqual(full.changeSummary);
    expect(opCounts(full)).toEqual({ same: 4, create: 3, replace: 1, delete: 1 });
  });

  it("reads the same from the default output, which prints only the replace step", () => {
    const json = JSON.parse(text("eks-change.json"));
    json.steps = json.steps.filter((s: { op: string }) => s.op !== "create-replacement" && s.op !== "delete-replaced");
    const p = parsePreview(JSON.stringify(json), "default.json");
    const ng = p.changes.find((c) => c.urn === nodeGroupUrn)!;
    expect(ng.steps).toEqual(["replace"]);
    expect({ op: ng.op, before: ng.before, after: ng.after }).toEqual({ op: "replace", before: full.changes.find((c) => c.urn === nodeGroupUrn)!.before, after: full.changes.find((c) => c.urn === nodeGroupUrn)!.after });
  });

  it("leaves out the stack and the provider, keeps components and the config as text", () => {
    expect(full.changes.map((c) => c.type)).not.toContain("pulumi:providers:aws");
    expect(full.changes.filter((c) => c.component).map((c) => c.type)).toEqual(["hostwise:aws:Network", "hostwise:aws:Cluster", "hostwise:aws:NodeGroups"]);
    expect(full.config["hostwise:natDataGbPerMonth"]).toBe("200");
    const cluster = full.changes.find((c) => c.type === "aws:eks/cluster:Cluster")!;
    expect(cluster.after?.unknownInputs).toEqual(["roleArn"]);
  });
});

describe("parseUrn", () => {
  it("splits stack, project, the resource's own type and a name that contains ::", () => {
    expect(parseUrn("urn:pulumi:prod::hostwise::hostwise:aws:Network$aws:ec2/natGateway:NatGateway::prod-nat-0")).toEqual({
      stack: "prod", project: "hostwise", type: "aws:ec2/natGateway:NatGateway", name: "prod-nat-0",
    });
    expect(parseUrn("urn:pulumi:dev::p::aws:s3/bucket:Bucket::a::b")?.name).toBe("a::b");
    expect(parseUrn("arn:aws:s3:::bucket")).toBeUndefined();
  });
});

describe("files that are not preview JSON", () => {
  it("names the file and says what is wrong", () => {
    expect(previewError("{ not json", "--preview preview.json").message).toMatch(/^--preview preview\.json: not JSON/);
    expect(previewError(JSON.stringify({ name: "hostwise", version: "0.1.0" })).message).toBe(
      'x.json: not `pulumi preview --json` output: no "steps" array (top-level keys: name, version)',
    );
    expect(previewError(JSON.stringify({ version: 3, deployment: { resources: [] } })).message).toMatch(/stack export/);
    expect(previewError("[1, 2]").message).toMatch(/top level is an array, expected an object with a "steps" array/);
    expect(previewError(JSON.stringify({ steps: [{ op: "create" }] })).message).toMatch(/steps\[0\] has no Pulumi URN/);
    expect(previewError(JSON.stringify({ steps: [{ op: "explode", urn: "urn:pulumi:d::p::t::n" }] })).message).toMatch(/steps\[0\] has op "explode"/);
    expect(previewError(JSON.stringify({ steps: [], config: "x" })).message).toMatch(/"config" is a string, expected an object of stack config values/);
    expect(previewError("{}").hint).toMatch(/pulumi preview --json > preview\.json/);
  });

  it("refuses a preview that failed: its steps are only part of the change", () => {
    const failed = { steps: [], diagnostics: [{ message: "error: aws:region is required\n", severity: "error" }] };
    const e = previewError(JSON.stringify(failed));
    expect(e.message).toBe("x.json: the preview failed: error: aws:region is required");
  });
});
