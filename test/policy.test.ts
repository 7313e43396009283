import { describe, expect, it } from "vitest";
import type { PolicyResource, ResourceValidationPolicy, StackValidationArgs } from "@pulumi/policy";
import { dependenciesOf } from "../infra/policy/graph";
import { policies, stackPolicy } from "../infra/policy/policies";
import {
  encryptionAtRest, gpuNodesTainted, imdsV2Required, noOpenIngress, noWildcardIam, privateClusterEndpoint, prometheusBoundedStorage, requiredTags, RULES, STACK_RULES, type ResourceView, type StackRule,
} from "../infra/policy/rules";

const TAGS = { stack: "s", environment: "e", owner: "o", "cost-center": "c" };
const view = (type: string, props: Record<string, any>): ResourceView => ({ type, name: "r", props });

// Each rule: one compliant resource, and the violations it must catch.
describe("policy rules catch violations", () => {
  it("eks-private-endpoint", () => {
    const cluster = (vpcConfig: object) => view("aws:eks/cluster:Cluster", { vpcConfig });
    expect(privateClusterEndpoint.check(cluster({ endpointPrivateAccess: true, endpointPublicAccess: false }))).toEqual([]);
    expect(privateClusterEndpoint.check(cluster({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }))).toEqual([]);
    expect(privateClusterEndpoint.check(cluster({ endpointPrivateAccess: true, endpointPublicAccess: true }))).toEqual(["the public API endpoint is on without a CIDR allowlist"]);
    expect(privateClusterEndpoint.check(cluster({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }))).toEqual(["the public API endpoint is open to 0.0.0.0/0"]);
    // the EKS default (public on, private off) fails twice
    expect(privateClusterEndpoint.check(cluster({}))).toHaveLength(2);
  });

  it("imdsv2-required", () => {
    expect(imdsV2Required.check(view("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required" } }))).toEqual([]);
    expect(imdsV2Required.check(view("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "optional" } }))).toHaveLength(1);
    expect(imdsV2Required.check(view("aws:ec2/launchTemplate:LaunchTemplate", {}))).toHaveLength(1);
  });

  it("encryption-at-rest", () => {
    const lt = (encrypted: string) => view("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted } }] });
    expect(encryptionAtRest.check(lt("true"))).toEqual([]);
    expect(encryptionAtRest.check(lt("false"))).toEqual(["volume /dev/xvda is not encrypted"]);
    expect(encryptionAtRest.check(view("aws:ebs/volume:Volume", { encrypted: false }))).toHaveLength(1);
    expect(encryptionAtRest.check(view("aws:eks/cluster:Cluster", { encryptionConfig: { provider: { keyArn: "arn:k" }, resources: ["secrets"] } }))).toEqual([]);
    expect(encryptionAtRest.check(view("aws:eks/cluster:Cluster", {}))).toEqual(["Kubernetes secrets are not envelope-encrypted with a KMS key"]);
  });

  it("no-open-ingress", () => {
    const sg = (cidrBlocks: string[]) => view("aws:ec2/securityGroup:SecurityGroup", { ingress: [{ fromPort: 443, toPort: 443, cidrBlocks }] });
    expect(noOpenIngress.check(sg(["10.0.0.0/16"]))).toEqual([]);
    expect(noOpenIngress.check(sg(["0.0.0.0/0"]))).toEqual(["ingress on ports 443-443 is open to the internet"]);
    expect(noOpenIngress.check(view("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv6: "::/0" }))).toHaveLength(1);
    expect(noOpenIngress.check(view("aws:ec2/securityGroupRule:SecurityGroupRule", { type: "egress", cidrBlocks: ["0.0.0.0/0"] }))).toEqual([]);
  });

  it("gpu-nodes-tainted", () => {
    const taint = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" };
    expect(gpuNodesTainted.check(view("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_NVIDIA", taints: [taint] }))).toEqual([]);
    expect(gpuNodesTainted.check(view("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_NVIDIA" }))).toHaveLength(1);
    // a GPU instance type gives it away even with another AMI type
    expect(gpuNodesTainted.check(view("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g5.xlarge"], taints: [] }))).toHaveLength(1);
    expect(gpuNodesTainted.check(view("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m6i.large"] }))).toEqual([]);
  });

  it("required-tags", () => {
    expect(requiredTags.check(view("aws:ec2/vpc:Vpc", { tags: TAGS }))).toEqual([]);
    expect(requiredTags.check(view("aws:ec2/vpc:Vpc", { tags: { stack: "s" } }))).toEqual(["missing tags: environment, owner, cost-center"]);
    expect(requiredTags.check(view("aws:ec2/route:Route", {}))).toEqual([]); // routes take no tags
    expect(requiredTags.check(view("kubernetes:core/v1:Namespace", {}))).toEqual([]);
  });

  it("no-wildcard-iam", () => {
    const policy = (statement: object) => view("aws:iam/policy:Policy", { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });
    expect(noWildcardIam.check(policy({ Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" }))).toEqual([]);
    expect(noWildcardIam.check(policy({ Effect: "Allow", Action: "*", Resource: "*" }))).toHaveLength(1);
    expect(noWildcardIam.check(policy({ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: ["*"] }))).toHaveLength(1);
    expect(noWildcardIam.check(policy({ Effect: "Deny", Action: "*", Resource: "*" }))).toEqual([]);
    expect(noWildcardIam.check(view("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }))).toHaveLength(1);
  });

  it("prometheus-bounded-storage", () => {
    const release = (server: object) => view("kubernetes:helm.sh/v3:Release", { chart: "prometheus", values: { server } });
    const volume = { enabled: true, size: "2Gi" };
    expect(prometheusBoundedStorage.check(release({ retention: "30d", retentionSize: "1638MB", persistentVolume: volume }))).toEqual([]);
    expect(prometheusBoundedStorage.check(release({ retention: "30d", persistentVolume: volume }))).toEqual([
      "server.retentionSize is unset: when the 2Gi volume fills, Prometheus can no longer write",
    ]);
    // 1.9 GiB of a 2 GiB volume: 95%, above the docs' 80–85%
    expect(prometheusBoundedStorage.check(release({ retention: "30d", retentionSize: "1946MB", persistentVolume: volume }))).toHaveLength(1);
    // the chart's defaults: 15 days on an 8 GiB volume without a size cap
    expect(prometheusBoundedStorage.check(release({}))).toHaveLength(2);
    expect(prometheusBoundedStorage.check(release({ retention: "30d", persistentVolume: { enabled: false } }))).toEqual([]);
    expect(prometheusBoundedStorage.check(view("kubernetes:helm.sh/v3:Release", { chart: "keda", values: {} }))).toEqual([]);
  });
});

describe("the policy pack", () => {
  it("wraps every rule as a mandatory policy that reports through validateResource", () => {
    expect(policies.map((p) => p.name)).toEqual([...RULES, ...STACK_RULES].map((r) => r.name));
    const imds = policies.find((p) => p.name === "imdsv2-required") as ResourceValidationPolicy;
    expect(imds.enforcementLevel).toBe("mandatory");
    const reported: string[] = [];
    const args = {
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: "lt",
      urn: "urn:pulumi:dev::hostwise::aws:ec2/launchTemplate:LaunchTemplate::lt",
      props: { metadataOptions: { httpTokens: "optional" } },
      opts: {},
      isType: () => false,
      asType: () => undefined,
      getConfig: () => ({}),
      notApplicable: () => undefined,
    };
    const validate = imds.validateResource as (a: unknown, report: (m: string) => void) => void;
    validate(args, (m) => reported.push(m));
    expect(reported).toEqual(['metadataOptions.httpTokens is not "required" (IMDSv1 stays reachable)']);
  });
});

describe("stack rules", () => {
  it("see the engine's resources with keys, dependencies (provider included), parents and timeouts", () => {
    const seen: string[] = [];
    const rule: StackRule = {
      name: "probe",
      description: "reports what it sees",
      check: (resources) => resources.map((r) => `${r.key} <- [${r.dependencies.join(", ")}] parent=${r.parent ?? "-"} create=${r.opts?.customTimeouts?.create ?? "-"}`),
    };
    const resource = (type: string, name: string, extra: Partial<PolicyResource> = {}): PolicyResource =>
      ({ type, name, urn: `urn:${name}`, props: {}, opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } }, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined, ...extra }) as unknown as PolicyResource;
    const component = resource("hostwise:k8s:Inference", "dev");
    const release = resource("kubernetes:helm.sh/v3:Release", "dev-keda");
    const deployment = resource("kubernetes:apps/v1:Deployment", "dev-vllm", {
      parent: component,
      dependencies: [release],
      provider: { type: "pulumi:providers:kubernetes", name: "dev-k8s" } as PolicyResource["provider"],
      opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 2400, updateSeconds: 2400, deleteSeconds: 0 } },
    });
    const validate = stackPolicy(rule).validateStack as (a: StackValidationArgs, report: (m: string) => void) => void;
    validate({ resources: [component, release, deployment] } as unknown as StackValidationArgs, (m) => seen.push(m));
    expect(seen).toEqual([
      "hostwise:k8s:Inference::dev <- [] parent=- create=-",
      "kubernetes:helm.sh/v3:Release::dev-keda <- [] parent=- create=-",
      "kubernetes:apps/v1:Deployment::dev-vllm <- [kubernetes:helm.sh/v3:Release::dev-keda, pulumi:providers:kubernetes::dev-k8s] parent=hostwise:k8s:Inference::dev create=2400s",
    ]);
  });

  it("follow dependencies through parents and into components' children", () => {
    const r = (key: string, dependencies: string[] = [], parent?: string) => ({ type: key.split("::")[0]!, name: key.split("::")[1]!, key, props: {}, dependencies, ...(parent ? { parent } : {}) });
    const graph = [
      r("c::addons"),
      r("release::keda", [], "c::addons"),
      r("c::inference", ["c::addons"]),
      r("deployment::vllm", [], "c::inference"),
      r("unrelated::x"),
    ];
    expect([...dependenciesOf(graph, "deployment::vllm")].sort()).toEqual(["c::addons", "release::keda"]);
    expect(dependenciesOf(graph, "unrelated::x").size).toBe(0);
  });
});
