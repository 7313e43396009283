import { describe, expect, it } from "vitest";
import {
  acceleratorLabelled, addonVersionsPinned, awsNameLimits, controlPlaneLogGroupRetained, deployerRoute, desiredSizeSent, egressOutlivesNodes, gpuMinimalUpdates, imdsOneHop, spotDiversified,
  supportTypeExplicit, waitForNetworkingAddons,
} from "../infra/policy/deployable-rules";
import { RULES, STACK_RULES, type ResourceView, type StackResourceView } from "../infra/policy/rules";

// Each #9 rule: what complies, and the violation it must catch (the shapes today's main registered).

const view = (type: string, props: Record<string, any>, opts: ResourceView["opts"] = {}): ResourceView => ({ type, name: "r", props, opts });
const res = (key: string, props: Record<string, any> = {}, dependencies: string[] = [], opts: StackResourceView["opts"] = {}): StackResourceView => ({
  type: key.split("::")[0]!, name: key.split("::")[1]!, key, props, dependencies, opts,
});
const CLUSTER = "aws:eks/cluster:Cluster::dev-eks";
const GPU_GROUP = { amiType: "AL2023_x86_64_NVIDIA", instanceTypes: ["g6.xlarge"] };

describe("deployability rules", () => {
  it("are all wrapped by the policy pack", () => {
    for (const r of [controlPlaneLogGroupRetained, gpuMinimalUpdates, supportTypeExplicit, imdsOneHop, spotDiversified, awsNameLimits]) expect(RULES).toContain(r);
    for (const r of [deployerRoute, desiredSizeSent, addonVersionsPinned, waitForNetworkingAddons, egressOutlivesNodes, acceleratorLabelled]) expect(STACK_RULES).toContain(r);
  });

  it("eks-deployer-route: a public allowlist, or 443 into the cluster security group of a VPC the stack does not create", () => {
    const privateCluster = res(CLUSTER, { vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false } }, ["aws:ec2/subnet:Subnet::dev-private-0"]);
    expect(deployerRoute.check([privateCluster, res("aws:ec2/subnet:Subnet::dev-private-0")])).toEqual([
      `${CLUSTER}: no route for the first pulumi up: the API endpoint is private and the VPC is created by this stack, so no connected network can exist yet`,
    ]);
    const allowlisted = res(CLUSTER, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } });
    expect(deployerRoute.check([allowlisted])).toEqual([]);
    const brought = res(CLUSTER, { vpcConfig: { endpointPublicAccess: false } });
    const rule = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::dev-api-0", { fromPort: 443, toPort: 443 }, [CLUSTER]);
    expect(deployerRoute.check([brought, rule])).toEqual([]);
    expect(deployerRoute.check([brought])).toEqual([`${CLUSTER}: no route for the first pulumi up: the API endpoint is private and no rule admits port 443 to the cluster security group`]);
  });

  it("egress-outlives-nodes: node groups wait for every route, route table association and VPC endpoint", () => {
    const route = res("aws:ec2/route:Route::dev-private-0-egress", { destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat" });
    const association = res("aws:ec2/routeTableAssociation:RouteTableAssociation::dev-private-0");
    const endpoint = res("aws:ec2/vpcEndpoint:VpcEndpoint::dev-sts");
    const waiting = res("aws:eks/nodeGroup:NodeGroup::dev-gpu", {}, [route.key, association.key, endpoint.key]);
    expect(egressOutlivesNodes.check([route, association, endpoint, waiting])).toEqual([]);
    // destroy would delete the NAT route while the load balancer controller still deletes the NLB through it
    expect(egressOutlivesNodes.check([route, association, endpoint, res("aws:eks/nodeGroup:NodeGroup::dev-gpu", {}, [association.key])])).toEqual([
      expect.stringMatching(/^aws:eks\/nodeGroup:NodeGroup::dev-gpu does not wait for aws:ec2\/route:Route::dev-private-0-egress: pulumi destroy removes it first/),
      expect.stringMatching(/does not wait for aws:ec2\/vpcEndpoint:VpcEndpoint::dev-sts/),
    ]);
    expect(egressOutlivesNodes.check([res("aws:eks/nodeGroup:NodeGroup::dev-gpu")])).toEqual([]); // a brought VPC: nothing to wait for
  });

  it("eks-log-group-retained: only where the options are known", () => {
    const group = (retainOnDelete?: boolean) => view("aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/hostwise-dev/cluster" }, retainOnDelete === undefined ? {} : { retainOnDelete });
    expect(controlPlaneLogGroupRetained.check(group(true))).toEqual([]);
    expect(controlPlaneLogGroupRetained.check(group(false))).toHaveLength(1);
    expect(controlPlaneLogGroupRetained.check(group())).toEqual([]); // the policy pack cannot see the option
    expect(controlPlaneLogGroupRetained.check(view("aws:cloudwatch/logGroup:LogGroup", { name: "/app/logs" }, { retainOnDelete: false }))).toEqual([]);
  });

  it("gpu-minimal-updates, eks-support-type and imds-one-hop", () => {
    expect(gpuMinimalUpdates.check(view("aws:eks/nodeGroup:NodeGroup", { ...GPU_GROUP, updateConfig: { maxUnavailable: 1, updateStrategy: "MINIMAL" } }))).toEqual([]);
    expect(gpuMinimalUpdates.check(view("aws:eks/nodeGroup:NodeGroup", { ...GPU_GROUP, updateConfig: { maxUnavailable: 1 } }))).toHaveLength(1);
    expect(gpuMinimalUpdates.check(view("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_STANDARD", instanceTypes: ["m6i.large"] }))).toEqual([]);
    expect(supportTypeExplicit.check(view("aws:eks/cluster:Cluster", { upgradePolicy: { supportType: "STANDARD" } }))).toEqual([]);
    expect(supportTypeExplicit.check(view("aws:eks/cluster:Cluster", {}))).toEqual(["upgradePolicy.supportType is not set"]);
    const template = (hops: number) => view("aws:ec2/launchTemplate:LaunchTemplate", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: hops } });
    expect(imdsOneHop.check(template(1))).toEqual([]);
    expect(imdsOneHop.check(template(2))).toEqual(["metadataOptions.httpPutResponseHopLimit is 2: pods can reach the node's IMDS credentials"]);
  });

  it("node-group-desired-size: never ignored, always within the bounds", () => {
    const key = "aws:eks/nodeGroup:NodeGroup::dev-gpu";
    expect(desiredSizeSent.check([res(key, { scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 } })])).toEqual([]);
    expect(desiredSizeSent.check([res(key, { scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 } }, [], { ignoreChanges: ["scalingConfig.desiredSize"] })])).toHaveLength(1);
    expect(desiredSizeSent.check([res(key, { scalingConfig: { minSize: 1, desiredSize: 0, maxSize: 2 } })])).toEqual([`${key}: desired size 0 is outside [1, 2]`]);
  });

  it("eks-addon-versions: kube-proxy and CoreDNS at the catalog's pins for the cluster's version", () => {
    const cluster = res(CLUSTER, { version: "1.35" });
    const addon = (addonName: string, addonVersion?: string) => res(`aws:eks/addon:Addon::dev-${addonName}`, { addonName, ...(addonVersion ? { addonVersion } : {}) });
    expect(addonVersionsPinned.check([cluster, addon("kube-proxy", "v1.35.3-eksbuild.13"), addon("coredns", "v1.14.3-eksbuild.3"), addon("vpc-cni")])).toEqual([]);
    expect(addonVersionsPinned.check([cluster, addon("kube-proxy"), addon("coredns", "v1.13.2-eksbuild.11")])).toEqual([
      "aws:eks/addon:Addon::dev-kube-proxy: kube-proxy runs EKS's default, not v1.35.3-eksbuild.13 for Kubernetes 1.35",
      "aws:eks/addon:Addon::dev-coredns: coredns runs v1.13.2-eksbuild.11, not v1.14.3-eksbuild.3 for Kubernetes 1.35",
    ]);
  });

  it("wait-for-networking-addons: node groups and the Kubernetes provider", () => {
    const cni = res("aws:eks/addon:Addon::dev-vpc-cni", { addonName: "vpc-cni" });
    const agent = res("aws:eks/addon:Addon::dev-eks-pod-identity-agent", { addonName: "eks-pod-identity-agent" });
    const waiting = res("aws:eks/nodeGroup:NodeGroup::dev-gpu", {}, [cni.key, agent.key]);
    const provider = res("pulumi:providers:kubernetes::dev-k8s", {}, [waiting.key]);
    expect(waitForNetworkingAddons.check([cni, agent, waiting, provider])).toEqual([]);
    expect(waitForNetworkingAddons.check([cni, agent, res("aws:eks/nodeGroup:NodeGroup::dev-gpu"), res("pulumi:providers:kubernetes::dev-k8s")])).toHaveLength(4);
  });

  it("gpu-accelerator-label: the label and its node-template tag", () => {
    const group = res("aws:eks/nodeGroup:NodeGroup::dev-gpu", { ...GPU_GROUP, labels: { "k8s.amazonaws.com/accelerator": "nvidia-l4" } });
    const tag = res("aws:autoscaling/tag:Tag::dev-gpu-asg-7", { tag: { key: "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator", value: "nvidia-l4" } }, [group.key]);
    expect(acceleratorLabelled.check([group, tag])).toEqual([]);
    expect(acceleratorLabelled.check([group])).toHaveLength(1);
    expect(acceleratorLabelled.check([res("aws:eks/nodeGroup:NodeGroup::dev-gpu", GPU_GROUP)])).toEqual(["aws:eks/nodeGroup:NodeGroup::dev-gpu: no k8s.amazonaws.com/accelerator label"]);
  });

  it("spot-gpu-diversified: the plan's type first, then only types of its GPU shape", () => {
    const spot = (instanceTypes: string[]) => view("aws:eks/nodeGroup:NodeGroup", { amiType: "AL2023_x86_64_NVIDIA", capacityType: "SPOT", instanceTypes });
    expect(spotDiversified.check(spot(["g6.xlarge", "g6.2xlarge"]))).toEqual([]);
    expect(spotDiversified.check(spot(["p5.48xlarge"]))).toEqual([]); // a region offering no other 8 × H100 type
    // a bigger first type would make cluster-autoscaler plan room the g6.xlarge nodes do not have
    expect(spotDiversified.check(spot(["g6.2xlarge", "g6.xlarge"]))).toEqual(["spot instance type g6.xlarge is not of g6.2xlarge's GPU shape (1 × l4, at least its GPU memory, vCPUs and memory)"]);
    expect(spotDiversified.check(spot(["g6.xlarge", "g5.xlarge"]))).toHaveLength(1); // another GPU
  });

  it("aws-name-limits: explicit names, prefixes and autonames", () => {
    const role = (props: Record<string, any>, name = "dev-cluster") => awsNameLimits.check({ type: "aws:iam/role:Role", name, props });
    expect(role({})).toEqual([]);
    expect(role({}, `${"s".repeat(60)}-cluster`)).toHaveLength(1); // 68 + 8 > 64
    expect(role({ name: "x".repeat(65) })).toEqual([`name "${"x".repeat(65)}" is 65 characters; AWS allows 64`]);
    expect(role({ namePrefix: "x".repeat(39) })).toHaveLength(1); // + 26 > 64
    expect(awsNameLimits.check({ type: "aws:eks/nodeGroup:NodeGroup", name: "team.trial-gpu", props: {} })).toHaveLength(1); // no dots in node group names
    // IAM rejects a role description outside printable ASCII and Latin-1 (an ellipsis, curly quotes) or over 1000 characters
    expect(role({ description: "vLLM (inference/vllm) reads the checkpoint in the stack's weights bucket" })).toEqual([]);
    expect(role({ description: "reads its weights from s3://…/prefix" })).toEqual([expect.stringMatching(/has characters IAM rejects/)]);
    expect(role({ description: "x".repeat(1001) })).toEqual(["description is 1001 characters; IAM allows 1000"]);
  });
});
