import { beforeAll, describe, expect, it } from "vitest";
import { lookupDeployerAddress } from "../infra/aws/deployer-address";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { countByType, expectGpuNodesMatchPlan, expectPoliciesPass, expectTagged } from "./support/aws-assertions";
import { dependenciesOf, evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// The dev stack (13B-class trial on one 24 GB GPU) as `pulumi up` would register it, under mocks.

let resources: Registered[];
const { plan } = resolveStack(readStackFile(ROOT, "dev"), { stack: "dev", now: new Date() });

beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev"));
});

describe("dev stack on AWS", () => {
  it("sizes the GPU node group exactly as the plan: instance type, scaling from zero, disk", () => {
    expect(plan.instanceType).toBe("g6.xlarge");
    expect(plan.nodes.min).toBe(0);
    expectGpuNodesMatchPlan(resources, "dev", plan);
  });

  it("spans two zones with one NAT gateway (a trial stack)", () => {
    expect(ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private")).toHaveLength(2);
    expect(ofType(resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    // both private route tables send egress through that one gateway
    const egress = ofType(resources, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
    expect(egress.map((r) => r.inputs.natGatewayId)).toEqual(["dev-nat-0-id", "dev-nat-0-id"]);
  });

  it("opens the API endpoint to the deployer's own address only, encrypts secrets and logs the control plane", () => {
    const cluster = one(resources, "aws:eks/cluster:Cluster");
    // The deployer's address is resolved at the first pulumi up and kept in state; offline: 192.0.2.1 (RFC 5737).
    expect(cluster.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["192.0.2.1/32"] });
    const kept = one(resources, "random:index/randomId:RandomId", "deployer-address");
    expect(kept.opts.ignoreChanges).toEqual(["keepers"]);
    expect(cluster.dependsOn).toContain(kept.key);
    expect(cluster.inputs.version).toBe("1.35");
    expect(cluster.inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(cluster.inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    expect(cluster.inputs.encryptionConfig.resources).toEqual(["secrets"]);
    expect(cluster.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(one(resources, "aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
    const logGroup = one(resources, "aws:cloudwatch/logGroup:LogGroup");
    expect(logGroup.inputs).toMatchObject({ name: "/aws/eks/hostwise-dev/cluster", retentionInDays: 30 });
    expect(logGroup.opts.retainOnDelete).toBe(true); // EKS re-creates it during delete; teardown removes it after
  });

  it("installs the managed add-ons, network policy on, AWS access through pod identity", () => {
    const addons = Object.fromEntries(ofType(resources, "aws:eks/addon:Addon").map((a) => [a.inputs.addonName, a]));
    expect(Object.keys(addons).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
    // kube-proxy and CoreDNS are built per Kubernetes version: pinned from infra/catalog/eks-addons.ts
    expect(addons["kube-proxy"]!.inputs.addonVersion).toBe("v1.35.3-eksbuild.13");
    expect(addons["coredns"]!.inputs.addonVersion).toBe("v1.14.3-eksbuild.3");
    // nodes join with pod networking and pod credentials in place, and the Kubernetes layer waits for both
    for (const waiter of ["aws:eks/nodeGroup:NodeGroup::dev-system", "aws:eks/nodeGroup:NodeGroup::dev-gpu", "pulumi:providers:kubernetes::dev-k8s"]) {
      const deps = dependenciesOf(resources, waiter);
      expect(deps.has(addons["vpc-cni"]!.key) && deps.has(addons["eks-pod-identity-agent"]!.key), waiter).toBe(true);
    }
    expect(JSON.parse(addons["vpc-cni"]!.inputs.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    expect(addons["vpc-cni"]!.inputs.podIdentityAssociations[0].serviceAccount).toBe("aws-node");
    expect(addons["aws-ebs-csi-driver"]!.inputs.podIdentityAssociations[0].serviceAccount).toBe("ebs-csi-controller-sa");
    // volumes of PersistentVolumeClaims carry the stack's tags (cost allocation, the smoke's leftover scan)
    expect(JSON.parse(addons["aws-ebs-csi-driver"]!.inputs.configurationValues).controller.extraVolumeTags).toMatchObject({ stack: "dev", "managed-by": "hostwise" });
    // the subnets' way out (NAT routes, route table associations) outlives the nodes: destroy keeps it until the
    // load balancer controller and the EBS CSI driver have deleted what they created through it
    const egress = [...ofType(resources, "aws:ec2/route:Route"), ...ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation")];
    expect(egress.length).toBe(7); // 2 private routes through NAT, the public route to the internet gateway, 2 private and 2 public associations
    for (const group of ["aws:eks/nodeGroup:NodeGroup::dev-system", "aws:eks/nodeGroup:NodeGroup::dev-gpu"]) {
      const deps = dependenciesOf(resources, group);
      for (const e of egress) expect(deps.has(e.key), `${group} waits for ${e.key}`).toBe(true);
    }
    // CoreDNS and the EBS CSI driver wait for the node groups
    expect(addons["coredns"]!.dependsOn).toEqual(expect.arrayContaining(["aws:eks/nodeGroup:NodeGroup::dev-system", "aws:eks/nodeGroup:NodeGroup::dev-gpu"]));
  });

  it("attaches AWS managed policies or the add-ons' scoped policies, and the CNI policy only to the VPC CNI's pod identity", () => {
    const attachments = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
    const ownPolicies = ofType(resources, "aws:iam/policy:Policy").map((p) => `arn:aws:iam:us-east-1:123456789012:${p.name}`);
    expect(ownPolicies).toHaveLength(2); // cluster-autoscaler, load balancer controller
    expect(attachments.every((arn: string) => arn.startsWith("arn:aws:iam::aws:policy/") || ownPolicies.includes(arn))).toBe(true);
    expect(attachments.filter((arn: string) => arn.endsWith("AmazonEKS_CNI_Policy"))).toHaveLength(1);
    const cniTrust = JSON.parse(one(resources, "aws:iam/role:Role", "dev-vpc-cni").inputs.assumeRolePolicy);
    expect(cniTrust.Statement[0].Principal.Service).toBe("pods.eks.amazonaws.com");
  });

  it("labels the GPU nodes as L4 accelerators and updates them without a surge", () => {
    const gpu = one(resources, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(gpu.inputs.labels["k8s.amazonaws.com/accelerator"]).toBe("nvidia-l4");
    expect(gpu.inputs.updateConfig).toEqual({ maxUnavailable: 1, updateStrategy: "MINIMAL" });
    expect(gpu.opts.ignoreChanges ?? []).toEqual([]); // the desired size is sent, derived from the live group
    for (const t of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) expect(t.inputs.metadataOptions.httpPutResponseHopLimit, t.name).toBe(1);
  });

  it("tags the GPU Auto Scaling group so cluster-autoscaler can scale it up from zero", () => {
    const tags = Object.fromEntries(ofType(resources, "aws:autoscaling/tag:Tag").map((t) => [t.inputs.tag.key, t.inputs.tag.value]));
    expect(tags).toMatchObject({
      "k8s.io/cluster-autoscaler/node-template/label/k8s.amazonaws.com/accelerator": "nvidia-l4",
      "k8s.io/cluster-autoscaler/enabled": "true",
      "k8s.io/cluster-autoscaler/hostwise-dev": "owned",
      "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "1",
      "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "true:NoSchedule",
      "k8s.io/cluster-autoscaler/node-template/label/hostwise.dev/model-class": "13b",
    });
    expect(ofType(resources, "aws:autoscaling/tag:Tag").every((t) => t.inputs.autoscalingGroupName === "eks-dev-gpu-asg")).toBe(true);
  });

  it("learns the deployer's address from AWS's checkip service, and refuses what is not a public IPv4 address", async () => {
    const answer = (status: number, body: string) => (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect(await lookupDeployerAddress(answer(200, "198.51.100.23\n"))).toBe("198.51.100.23");
    await expect(lookupDeployerAddress(answer(503, ""))).rejects.toThrow(/HTTP 503[\s\S]*fix: list your egress range instead/);
    await expect(lookupDeployerAddress(answer(200, "<html>"))).rejects.toThrow(/answered "<html>", not an IPv4 address/);
    await expect(lookupDeployerAddress(answer(200, "10.1.2.3"))).rejects.toThrow(/the private address 10\.1\.2\.3/);
    const offline = (async () => { throw new Error("getaddrinfo ENOTFOUND checkip.amazonaws.com"); }) as unknown as typeof fetch;
    await expect(lookupDeployerAddress(offline)).rejects.toThrow(/ENOTFOUND/);
  });

  it("tags every taggable resource, with an expiry on this trial stack", () => {
    expectTagged(resources, ["expires-at"]);
    const expiry = Date.parse(one(resources, "aws:ec2/vpc:Vpc").inputs.tags["expires-at"]);
    expect(expiry - Date.now()).toBeGreaterThan(5.9 * 3_600_000); // 6h after creation (now, under mocks)
  });

  it("passes every policy rule", () => {
    expectPoliciesPass(resources);
  });

  it("creates these resources", () => {
    expect(countByType(resources)).toMatchSnapshot();
  });
});
