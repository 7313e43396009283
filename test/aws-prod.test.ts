import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { countByType, expectGpuNodesMatchPlan, expectPoliciesPass, expectTagged } from "./support/aws-assertions";
import { evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// The prod stack (70B class on 80 GB GPUs with tensor parallelism) as `pulumi up` would register it.

let resources: Registered[];
const { plan } = resolveStack(readStackFile(ROOT, "prod"), { stack: "prod", now: new Date() });

beforeAll(async () => {
  ({ resources } = await evaluateProgram("prod"));
});

describe("prod stack on AWS", () => {
  it("sizes the GPU node group exactly as the plan", () => {
    expect(plan.modelClass).toBe("70B class");
    expect(plan.tensorParallelSize).toBe(8);
    expectGpuNodesMatchPlan(resources, "prod", plan);
    const group = one(resources, "aws:eks/nodeGroup:NodeGroup", "prod-gpu");
    expect(group.inputs.capacityType).toBe("ON_DEMAND");
    expect(group.inputs.labels).toEqual({ "hostwise.dev/node-role": "gpu", "hostwise.dev/model-class": "70b", "hostwise.dev/plan": "p5.48xlarge-tp8", "k8s.amazonaws.com/accelerator": "nvidia-h100" });
    expect(group.inputs.updateConfig.updateStrategy).toBe("MINIMAL"); // no surge of p5s on an AMI update
  });

  it("spans three zones with a NAT gateway in each", () => {
    const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.inputs.tags.tier === "private");
    expect(privateSubnets.map((s) => s.inputs.cidrBlock)).toEqual(["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]);
    expect(privateSubnets.map((s) => s.inputs.availabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(ofType(resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    const egress = ofType(resources, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId).map((r) => r.inputs.natGatewayId);
    expect(egress).toEqual(["prod-nat-0-id", "prod-nat-1-id", "prod-nat-2-id"]);
  });

  it("opens the API endpoint to its allowlist only and runs a fixed on-demand system group", () => {
    expect(one(resources, "aws:eks/cluster:Cluster").inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"] });
    const system = one(resources, "aws:eks/nodeGroup:NodeGroup", "prod-system");
    expect(system.inputs).toMatchObject({ capacityType: "ON_DEMAND", instanceTypes: ["m6i.large"], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 2 } });
  });

  it("tags every taggable resource, without an expiry on a long-lived stack", () => {
    expectTagged(resources);
    expect(resources.some((r) => r.inputs.tags?.["expires-at"])).toBe(false);
    expect(ofType(resources, "random:index/randomId:RandomId")).toHaveLength(0);
  });

  it("passes every policy rule", () => {
    expectPoliciesPass(resources);
  });

  it("creates these resources", () => {
    expect(countByType(resources)).toMatchSnapshot();
  });
});
