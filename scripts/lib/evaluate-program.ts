import * as pulumi from "@pulumi/pulumi";
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

/** Outputs AWS computes that the program reads; placeholders shaped like the real ones. */
function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
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
 * program module runs once per process. Any invoke but getAvailabilityZones throws, so none goes unnoticed.
 */
let evaluated = false;

export async function evaluateProgram(stack: string, raw: RawConfig): Promise<{ resources: Registered[]; outputs: Record<string, unknown> }> {
  // Node caches the program module: a second run in one module registry would register nothing.
  if (evaluated) throw new Error("evaluateProgram runs the Pulumi program once per process (tests: vi.resetModules() first)");
  evaluated = true;
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
        return { id: `${args.name}-id`, state: { ...computedOutputs(args.type, args.name, args.inputs), ...args.inputs } };
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
          ...(a.opts.retainOnDelete !== undefined ? { retainOnDelete: a.opts.retainOnDelete } : {}),
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
