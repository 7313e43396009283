import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fitAwsNames, nameViolations } from "../infra/aws/names";
import { checkExistingSubnets } from "../infra/aws/zones";
import { expectPoliciesPass, expectTagged } from "./support/aws-assertions";
import { evaluateProgram, ofType, one, type Registered } from "./support/program";

// The dev stack's config deployed into a VPC the team brings, reached from its VPN, under the longest stack name
// Pulumi accepts (100 characters), with an AWS CLI profile and S3 weights, as an update of a deployed stack:
// cluster-autoscaler left the GPU group at 0 nodes and the team raises minReplicas to 1.

const STACK = `team-${"a".repeat(60)}.trial_${"b".repeat(26)}`; // 100 characters, with a dot and an underscore
const VPC = ["vpcId=vpc-0123456789abcdef0", 'privateSubnetIds=["subnet-0123456789abcdef0","subnet-0fedcba9876543210"]', "vpcCidr=10.40.0.0/16"];

let resources: Registered[];
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ resources, outputs } = await evaluateProgram("dev", [
    ...VPC,
    "clusterPublicAccessFromDeployer=false",
    'clusterPrivateAccessCidrs=["10.20.0.0/16"]',
    "aws:profile=ml-sandbox",
    "minReplicas=1",
    "weightsSource=s3", // the weights bucket and vLLM's role get names from the stack too
    "loadBalancer=internal", // in the brought private subnets
  ], { stackName: STACK, account: { gpuDesiredCapacity: 0 } }));
});

describe("a brought VPC", () => {
  it("creates no VPC, subnet, gateway or endpoint, and puts the cluster and nodes in the given subnets", () => {
    for (const type of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/routeTable:RouteTable"]) {
      expect(ofType(resources, type), type).toHaveLength(0);
    }
    const subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"];
    expect(one(resources, "aws:eks/cluster:Cluster").inputs.vpcConfig).toMatchObject({ subnetIds: subnets, endpointPublicAccess: false, endpointPrivateAccess: true });
    for (const group of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) expect(group.inputs.subnetIds).toEqual(subnets);
    expect(outputs.vpcId).toBe("vpc-0123456789abcdef0");
  });

  it("admits the VPN on 443 to the cluster security group EKS created", () => {
    const rule = one(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rule.inputs).toMatchObject({ securityGroupId: `sg-${STACK}-eks`, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.20.0.0/16" });
  });

  it("prices the 443 rule as free", () => {
    expect(outputs.cost.notPriced.map((r: { type: string }) => r.type)).not.toContain("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  });

  it("checks at pulumi up that the subnets fit: same VPC, two zones, the types offered, the range as configured", () => {
    const vpc = { vpcId: "vpc-0123456789abcdef0" };
    const offerings = { instanceTypes: ["g6.xlarge", "g6.xlarge", "m6i.large", "m6i.large"], locations: ["us-east-1a", "us-east-1b", "us-east-1a", "us-east-1b"] };
    const subnets = [{ id: "subnet-a", vpcId: vpc.vpcId, zone: "us-east-1a" }, { id: "subnet-b", vpcId: vpc.vpcId, zone: "us-east-1b" }];
    expect(() => checkExistingSubnets(vpc, "10.40.0.0/16", subnets, "10.40.0.0/16", offerings, ["g6.xlarge", "m6i.large"])).not.toThrow();
    const wrong = [{ id: "subnet-a", vpcId: "vpc-0fedcba9876543210", zone: "us-east-1c" }, { id: "subnet-b", vpcId: vpc.vpcId, zone: "us-east-1c" }];
    expect(() => checkExistingSubnets(vpc, "10.40.0.0/16", wrong, "10.41.0.0/16", offerings, ["g6.xlarge"])).toThrow(
      /subnet-a is in vpc-0fedcba9876543210[\s\S]*all in us-east-1c; EKS needs two availability zones[\s\S]*range is 10\.41\.0\.0\/16, not 10\.40\.0\.0\/16[\s\S]*g6\.xlarge is offered in none of the subnets' zones/,
    );
  });

  it("puts an internal NLB in the brought subnets and admits their ranges as AWS reports them, not hostwise's plan", () => {
    const nlb = one(resources, "kubernetes:core/v1:Service", `${STACK}-entry-nlb`);
    expect(nlb.inputs.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-subnets"]).toBe("subnet-0123456789abcdef0,subnet-0fedcba9876543210");
    // the mocked account lays the brought subnets out as /20s from the middle of 10.40.0.0/16
    const allow = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `${STACK}-allow-entry`).inputs.spec;
    expect(allow.ingress[0].from).toEqual([{ ipBlock: { cidr: "10.40.128.0/20" } }, { ipBlock: { cidr: "10.40.144.0/20" } }]);
  });

  it("gets its kubeconfig token with the stack's AWS profile", () => {
    const exec = JSON.parse(outputs.kubeconfig).users[0].user.exec;
    expect(exec.env).toEqual([{ name: "AWS_PROFILE", value: "ml-sandbox" }]);
  });
});

describe("an update that raises minReplicas above what cluster-autoscaler left", () => {
  it("sends a desired size inside the new bounds instead of the stale one EKS would reject", () => {
    // live desired 0 (scaled to zero), new min 1 node (minReplicas 1, one replica per node), max 2
    expect(one(resources, "aws:eks/nodeGroup:NodeGroup", `${STACK}-gpu`).inputs.scalingConfig).toEqual({ minSize: 1, desiredSize: 1, maxSize: 2 });
  });
});

describe("the longest stack name", () => {
  it("fits every AWS name: autonames that would break a limit get a fitted prefix", () => {
    const roles = ofType(resources, "aws:iam/role:Role");
    expect(roles.length).toBeGreaterThan(4);
    for (const r of roles) {
      expect(r.inputs.namePrefix, r.name).toMatch(/^team-a+-[0-9a-f]{8}-$/);
      expect(r.inputs.namePrefix.length).toBeLessThanOrEqual(64 - 26);
    }
    // node group names allow no dot: even the prefix is cleaned
    expect(one(resources, "aws:eks/nodeGroup:NodeGroup", `${STACK}-gpu`).inputs.nodeGroupNamePrefix).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
    for (const r of resources) expect(nameViolations(r.type, r.name, r.inputs), `${r.type} ${r.name}`).toEqual([]);
  });

  it("keeps the autonames of short stack names (nothing to rename on deployed stacks)", () => {
    expect(fitAwsNames({ type: "aws:iam/role:Role", name: "dev-cluster", props: {}, opts: {} } as never)).toBeUndefined();
  });

  it("fits every logical name the program uses, for any valid stack name", () => {
    // The program's names are `<stack>-<suffix>`; Pulumi stack names are [A-Za-z0-9_.-]{1,100}.
    const suffixes = resources.filter((r) => r.name.startsWith(STACK)).map((r) => ({ type: r.type, suffix: r.name.slice(STACK.length) }));
    const stackName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,100}$/);
    fc.assert(
      fc.property(stackName, (stack) => {
        for (const { type, suffix } of suffixes) {
          const name = `${stack}${suffix}`;
          const fitted = fitAwsNames({ type, name, props: {}, opts: {} } as never);
          expect(nameViolations(type, name, fitted?.props ?? {}), `${type} ${name}`).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("still tags everything and passes every policy rule", () => {
    expectTagged(resources, ["expires-at"]);
    expectPoliciesPass(resources);
  });
});
