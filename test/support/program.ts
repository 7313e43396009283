import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import type { RawConfig } from "../../infra/config/read";
import { applyOverrides, readStackFile } from "../../scripts/lib/stack-file";

/** One resource the program registered: its type, logical name, resolved inputs, parent and dependencies. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly parent?: string;
  readonly dependsOn: string[];
}

export const ROOT = join(__dirname, "..", "..");

/** Availability zones the mocked getAvailabilityZones invoke answers with. */
export const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];

/** Resources EKS or AWS give no tags to: every other AWS resource must carry the kit's tags. */
export const UNTAGGABLE = new Set([
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:autoscaling/tag:Tag",
]);

/** Outputs AWS computes that the program reads; placeholders shaped like the real ones. */
function computedOutputs(type: string, name: string): Record<string, unknown> {
  const service = type.split(":")[1]?.split("/")[0] ?? "x";
  const common = { arn: `arn:aws:${service}:us-east-1:123456789012:${name}` };
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return { ...common, endpoint: `https://${name}.gr7.us-east-1.eks.amazonaws.com`, certificateAuthority: { data: "LS0tLS1CRUdJTi0tLS0t" } };
    case "aws:eks/nodeGroup:NodeGroup":
      return { ...common, nodeGroupName: name, resources: [{ autoscalingGroups: [{ name: `eks-${name}-asg` }] }] };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { ...common, latestVersion: 1 };
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-${name}-0123456789abcdef` };
    case "aws:iam/role:Role":
      return { ...common, arn: `arn:aws:iam::123456789012:role/${name}`, name };
    default:
      return common;
  }
}

/**
 * Evaluates the real Pulumi program (infra/index.ts) for a stack file under Pulumi's mock runtime, as
 * `pulumi up` would, and returns every resource it registered. Each vitest file gets its own process,
 * so call this once per file. Any invoke but getAvailabilityZones throws, so none goes unnoticed.
 */
export async function evaluateProgram(stack: string, overrides: string[] = []): Promise<{ resources: Registered[]; outputs: Record<string, unknown> }> {
  const raw: RawConfig = applyOverrides(readStackFile(ROOT, stack), overrides);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    config[key.includes(":") ? key : `hostwise:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  process.env.PULUMI_CONFIG = JSON.stringify(config);

  const byKey = new Map<string, Registered>(); // type::name: logical names repeat across types
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const entry = byKey.get(`${args.type}::${args.name}`);
        if (entry) Object.assign(entry.inputs, args.inputs);
        return { id: `${args.name}-id`, state: { ...computedOutputs(args.type, args.name), ...args.inputs } };
      },
      call: (args) => {
        if (args.token === "aws:index/getAvailabilityZones:getAvailabilityZones") {
          return { names: ZONES, zoneIds: ZONES.map((_, i) => `use1-az${i + 1}`), id: "us-east-1" };
        }
        throw new Error(`unmocked invoke ${args.token}`);
      },
    },
    "hostwise",
    stack,
    // Not preview: under mocks, outputs a preview leaves unknown never resolve, so the mock answers them.
    false,
  );

  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    // Records options (parent, dependsOn) as resources are constructed; inputs arrive resolved in newResource.
    pulumi.runtime.registerStackTransformation((a) => {
      const dependsOn = ([] as pulumi.Resource[]).concat((a.opts.dependsOn as pulumi.Resource[] | undefined) ?? []);
      byKey.set(`${a.type}::${a.name}`, {
        type: a.type,
        name: a.name,
        inputs: {},
        parent: (a.opts.parent as { __name?: string } | undefined)?.__name,
        dependsOn: dependsOn.map((d) => (d as unknown as { __name?: string }).__name ?? "?"),
      });
      return undefined;
    });
    return import("../../infra/index");
  });
  await pulumi.runtime.disconnect();
  return { resources: [...byKey.values()], outputs: (outputs ?? {}) as Record<string, unknown> };
}

export function ofType(resources: readonly Registered[], type: string): Registered[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: readonly Registered[], type: string, name?: string): Registered {
  const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0]!;
}
