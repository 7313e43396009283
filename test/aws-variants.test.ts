import { beforeAll, describe, expect, it } from "vitest";
import { expectPoliciesPass, expectTagged } from "./support/aws-assertions";
import { evaluateProgram, ofType, one, type Registered } from "./support/program";

// The dev stack with no internet egress, a public endpoint for an allowlist, extra admins and spot GPUs.

let resources: Registered[];
beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev", [
    "egress=none",
    'clusterPublicAccessCidrs=["203.0.113.0/24"]',
    'clusterAdminArns=["arn:aws:iam::123456789012:role/platform-admin"]',
    "gpuCapacityType=spot",
    "dockerHubCredentialArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
    "ghcrCredentialArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-AbCdEf",
    "nvcrMirror=123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr",
  ]));
});

describe("egress none", () => {
  it("creates no NAT gateway, no internet gateway and no 0.0.0.0/0 route", () => {
    expect(ofType(resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(0);
    expect(ofType(resources, "aws:ec2/internetGateway:InternetGateway")).toHaveLength(0);
    expect(ofType(resources, "aws:ec2/eip:Eip")).toHaveLength(0);
    expect(ofType(resources, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0")).toHaveLength(0);
    expect(ofType(resources, "aws:ec2/subnet:Subnet").every((s) => s.inputs.tags.tier === "private")).toBe(true);
  });

  it("reaches the AWS APIs through VPC endpoints: S3 as a gateway, the rest as private interfaces", () => {
    const endpoints = ofType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint");
    const services = endpoints.map((e) => e.inputs.serviceName.replace("com.amazonaws.us-east-1.", "")).sort();
    expect(services).toEqual(["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks-auth", "elasticloadbalancing", "logs", "s3", "sts"]);
    const s3 = endpoints.find((e) => e.inputs.serviceName.endsWith(".s3"))!;
    expect(s3.inputs.vpcEndpointType).toBe("Gateway");
    expect(s3.inputs.routeTableIds).toHaveLength(2);
    for (const e of endpoints.filter((x) => x !== s3)) expect(e.inputs).toMatchObject({ vpcEndpointType: "Interface", privateDnsEnabled: true });
    const sg = one(resources, "aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.ingress).toEqual([expect.objectContaining({ fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] })]);
  });
});

describe("endpoint access, admins and spot", () => {
  it("turns the public endpoint on for the allowlist only", () => {
    expect(one(resources, "aws:eks/cluster:Cluster").inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("gives the configured principal a cluster-admin access entry", () => {
    expect(one(resources, "aws:eks/accessEntry:AccessEntry").inputs).toMatchObject({ principalArn: "arn:aws:iam::123456789012:role/platform-admin", type: "STANDARD" });
    expect(one(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs).toMatchObject({
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
  });

  it("runs the GPU nodes on spot and the system nodes on demand", () => {
    expect(one(resources, "aws:eks/nodeGroup:NodeGroup", "dev-gpu").inputs.capacityType).toBe("SPOT");
    expect(one(resources, "aws:eks/nodeGroup:NodeGroup", "dev-system").inputs.capacityType).toBe("ON_DEMAND");
  });

  it("still tags everything and passes every policy rule", () => {
    expectTagged(resources, ["expires-at"]);
    expectPoliciesPass(resources);
  });
});
