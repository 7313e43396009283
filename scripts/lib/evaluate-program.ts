import * as pulumi from "@pulumi/pulumi";
import { resolveDeployerAddressOffline } from "../../infra/aws/deployer-address";
import { formatCidr, parseCidr, subnet } from "../../infra/config/cidr";
import type { RawConfig } from "../../infra/config/read";
import { dependenciesOf as graphDependencies } from "../../infra/policy/graph";
import type { ResourceOptionsView, StackResourceView } from "../../infra/resource-view";

/**
 * One resource the program registered: its type, logical name, resolved inputs, and — as `type::name` keys,
 * since logical names repeat across types — its parent, provider and dependencies (explicit `dependsOn`
 * and the resources whose outputs feed its inputs: both order `pulumi destroy`).
 */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly key: string;
  readonly inputs: Record<string, any>;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependsOn: string[];
  /** The resource options rules read (timeouts, ignored fields, retain on delete …). */
  readonly opts: ResourceOptionsView;
}

type ResourceInternals = { __pulumiType?: string; __name?: string };

/** Resources whose outputs flow into these inputs (Output's internal resources(), read synchronously). */
function inputResources(value: unknown, found = new Set<unknown>(), depth = 0): Set<unknown> {
  if (depth > 20 || value === null || typeof value !== "object") return found;
  if (pulumi.Output.isInstance(value)) {
    for (const r of (value as unknown as { resources(): Set<unknown> }).resources()) found.add(r);
    return found;
  }
  if (pulumi.Resource.isInstance(value)) return found;
  for (const v of Array.isArray(value) ? value : Object.values(value)) inputResources(v, found, depth + 1);
  return found;
}

/** Unwraps Pulumi's serialized secrets ({<sig>: <secret sig>, value}) so tests see plain inputs. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

const keyOf = (r: unknown): string | undefined => {
  const x = r as ResourceInternals | undefined;
  return x?.__name === undefined ? undefined : `${x.__pulumiType}::${x.__name}`;
};

/** Availability zones the mocked getAvailabilityZones invoke answers with. */
export const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];

/**
 * What the mocked invokes say about the AWS account. The offline plan assumes a fresh account where every
 * instance type is offered in every zone and a brought VPC is what its keys say; tests change it to see the
 * program react (a GPU type missing from a zone, a deployed GPU group that cluster-autoscaler has scaled).
 */
export interface MockAccount {
  /** Zones where an instance type is offered; types not listed are offered in every zone. */
  readonly offeredIn?: Readonly<Record<string, readonly string[]>>;
  /** Desired capacity of the stack's GPU Auto Scaling group, when the stack is deployed; absent = first deploy. */
  readonly gpuDesiredCapacity?: number;
  /** Desired capacity of the system group's Auto Scaling group when deployed (default 2, the system node count). */
  readonly systemDesiredCapacity?: number;
}

/**
 * A deployed stack's Auto Scaling groups. EKS tags every managed node group's group for cluster-autoscaler
 * discovery (k8s.io/cluster-autoscaler/enabled and /<cluster>); only the GPU group's also carries the
 * node-template tags the program adds.
 */
const LIVE_ASGS = { gpu: "eks-gpu-live-asg", system: "eks-system-live-asg" } as const;

/** Answers the invokes the program makes; any other invoke throws, so none goes unnoticed. */
function answerInvoke(token: string, args: Record<string, any>, raw: RawConfig, account: MockAccount): Record<string, unknown> {
  const filter = (name: string): string[] => (args.filters ?? []).find((f: { name: string }) => f.name === name)?.values ?? [];
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ZONES, zoneIds: ZONES.map((_, i) => `use1-az${i + 1}`), id: "us-east-1" };
    case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
      const rows = filter("instance-type").flatMap((type) => (account.offeredIn?.[type] ?? ZONES).map((zone) => ({ type, zone })));
      return { id: "us-east-1", instanceTypes: rows.map((r) => r.type), locations: rows.map((r) => r.zone), locationTypes: rows.map(() => "availability-zone") };
    }
    case "aws:autoscaling/getAmiIds:getAmiIds": { // the Auto Scaling groups data source (misnamed in @pulumi/aws)
      if (account.gpuDesiredCapacity === undefined) return { id: "asgs", names: [], arns: [] };
      const onlyGpu = (args.filters ?? []).some((f: { name: string }) => f.name.includes("/node-template/"));
      return { id: "asgs", names: onlyGpu ? [LIVE_ASGS.gpu] : [LIVE_ASGS.gpu, LIVE_ASGS.system], arns: [] };
    }
    case "aws:autoscaling/getGroup:getGroup": {
      const desiredCapacity = args.name === LIVE_ASGS.system ? account.systemDesiredCapacity ?? 2 : account.gpuDesiredCapacity;
      return { id: args.name, name: args.name, desiredCapacity };
    }
    case "aws:ec2/getVpc:getVpc":
      return { id: args.id, cidrBlock: raw.vpcCidr };
    case "aws:ec2/getSubnet:getSubnet": {
      const ids = typeof raw.privateSubnetIds === "string" ? JSON.parse(raw.privateSubnetIds) : raw.privateSubnetIds;
      const index = Math.max(0, ((ids as string[] | undefined) ?? []).indexOf(args.id));
      // A brought VPC's subnets are laid out as its team chose: /20s from the middle of the range, not hostwise's plan.
      const vpc = parseCidr(String(raw.vpcCidr));
      const cidrBlock = vpc ? formatCidr(subnet(vpc, vpc.prefix + 4, 8 + index)) : undefined;
      return { id: args.id, vpcId: raw.vpcId, availabilityZone: ZONES[index % ZONES.length], cidrBlock };
    }
    default:
      throw new Error(`unmocked invoke ${token}`);
  }
}

/** Outputs AWS computes that the program reads; placeholders shaped like the real ones. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const service = type.split(":")[1]?.split("/")[0] ?? "x";
  const common = { arn: `arn:aws:${service}:us-east-1:123456789012:${name}` };
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return { ...common, endpoint: `https://${name}.gr7.us-east-1.eks.amazonaws.com`, certificateAuthority: { data: "LS0tLS1CRUdJTi0tLS0t" }, clusterSecurityGroupId: `sg-${name}` };
    case "aws:eks/nodeGroup:NodeGroup":
      return { ...common, nodeGroupName: name, resources: [{ autoscalingGroups: [{ name: `eks-${name}-asg` }] }] };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { ...common, latestVersion: 1 };
    case "random:index/randomPassword:RandomPassword":
      return { result: `mock-${name}-0123456789abcdef` };
    case "aws:iam/role:Role":
      return { ...common, arn: `arn:aws:iam::123456789012:role/${name}`, name };
    case "aws:s3/bucket:Bucket":
      return { ...common, arn: `arn:aws:s3:::${name}-bucket`, bucket: `${name}-bucket` };
    case "aws:ecr/repository:Repository":
      return { ...common, arn: `arn:aws:ecr:us-east-1:123456789012:repository/${inputs.name}`, repositoryUrl: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${inputs.name}` };
    default:
      return common;
  }
}

/**
 * Evaluates the real Pulumi program (infra/index.ts) under Pulumi's mock runtime, as `pulumi up` would,
 * with no CLI and no cloud account, and returns every resource it registered and the stack outputs. The
 * program module runs once per process. Invokes are answered by answerInvoke (the account described by `account`).
 */
let evaluated = false;

export async function evaluateProgram(stack: string, raw: RawConfig, account: MockAccount = {}): Promise<{ resources: Registered[]; outputs: Record<string, unknown> }> {
  // Node caches the program module: a second run in one module registry would register nothing.
  if (evaluated) throw new Error("evaluateProgram runs the Pulumi program once per process (tests: vi.resetModules() first)");
  evaluated = true;
  resolveDeployerAddressOffline();
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    config[key.includes(":") ? key : `hostwise:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }

  const byKey = new Map<string, Registered>(); // type::name: logical names repeat across types
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const entry = byKey.get(`${args.type}::${args.name}`);
        if (entry) Object.assign(entry.inputs, unwrapSecrets(args.inputs));
        const { clusterSecurityGroupId, ...computed } = computedOutputs(args.type, args.name, args.inputs);
        const state: Record<string, any> = { ...computed, ...args.inputs };
        // EKS adds the cluster security group to the vpcConfig the program gave.
        if (clusterSecurityGroupId) state.vpcConfig = { ...state.vpcConfig, clusterSecurityGroupId };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => answerInvoke(args.token, args.inputs, raw, account),
    },
    "hostwise",
    stack,
    // Not preview: under mocks, outputs a preview leaves unknown never resolve, so the mock answers them.
    false,
  );
  // Set directly, not through PULUMI_CONFIG: the SDK reads that variable once, and any earlier
  // `new pulumi.Config()` (provider modules make one on import) would already have read it empty.
  pulumi.runtime.setAllConfig(config);

  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    // Records options (parent, dependsOn) as resources are constructed; inputs arrive resolved in newResource.
    pulumi.runtime.registerStackTransformation((a) => {
      const explicit = ([] as pulumi.Resource[]).concat((a.opts.dependsOn as pulumi.Resource[] | undefined) ?? []);
      const dependsOn = [...new Set([...explicit, ...inputResources(a.props)])];
      byKey.set(`${a.type}::${a.name}`, {
        type: a.type,
        name: a.name,
        key: `${a.type}::${a.name}`,
        inputs: {},
        parent: keyOf(a.opts.parent),
        provider: keyOf(a.opts.provider),
        dependsOn: dependsOn.map((d) => keyOf(d) ?? "?"),
        opts: {
          ...(a.opts.customTimeouts ? { customTimeouts: a.opts.customTimeouts } : {}),
          ...(a.opts.ignoreChanges ? { ignoreChanges: a.opts.ignoreChanges } : {}),
          retainOnDelete: a.opts.retainOnDelete === true, // always known here (the policy pack cannot see it)
          ...("deleteBeforeReplace" in a.opts && a.opts.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: Boolean(a.opts.deleteBeforeReplace) } : {}),
          ...(a.opts.protect !== undefined ? { protect: a.opts.protect } : {}),
        },
      });
      return undefined;
    });
    return import("../../infra/index");
  });
  await pulumi.runtime.disconnect();
  return { resources: [...byKey.values()], outputs: (outputs ?? {}) as Record<string, unknown> };
}

/** The registered resources as stack-level policy rules see them (infra/policy STACK_RULES). */
export function stackView(resources: readonly Registered[]): StackResourceView[] {
  return resources.map((r) => ({
    type: r.type,
    name: r.name,
    key: r.key,
    props: r.inputs,
    opts: r.opts,
    dependencies: [...r.dependsOn, ...(r.provider ? [r.provider] : [])],
    ...(r.parent ? { parent: r.parent } : {}),
  }));
}

/** Everything a resource waits for, as type::name keys (see infra/policy/graph.ts). */
export function dependenciesOf(resources: readonly Registered[], key: string): Set<string> {
  return graphDependencies(stackView(resources), key);
}
