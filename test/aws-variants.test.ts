import { beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_CATALOG, RegionPrices } from "../infra/catalog/aws-prices";
import { acceleratorLabel, gpuDesiredSize, gpuInstanceTypes } from "../infra/aws/gpu-nodes";
import { chooseZones } from "../infra/aws/zones";
import { expectPoliciesPass, expectTagged } from "./support/aws-assertions";
import { evaluateProgram, ofType, one, ZONES, type Registered } from "./support/program";

// The dev stack with no internet egress, reached from connected networks through an internal NLB, a public
// API endpoint for an allowlist, extra admins and spot GPUs, in an account where the GPU type is not offered
// in us-east-1b.

let resources: Registered[];
beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev", [
    "egress=none",
    'clusterPublicAccessCidrs=["203.0.113.0/24"]',
    "clusterPublicAccessFromDeployer=false",
    'clusterAdminArns=["arn:aws:iam::123456789012:role/platform-admin"]',
    "gpuCapacityType=spot",
    "dockerHubCredentialArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
    "ghcrCredentialArn=arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-AbCdEf",
    "nvcrMirror=123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr",
    "loadBalancer=internal",
  ], { account: { offeredIn: { "g6.xlarge": ["us-east-1a", "us-east-1c", "us-east-1d"] } } }));
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
    expect(services).toEqual(["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth", "elasticloadbalancing", "logs", "s3", "sts"]);
    const s3 = endpoints.find((e) => e.inputs.serviceName.endsWith(".s3"))!;
    expect(s3.inputs.vpcEndpointType).toBe("Gateway");
    expect(s3.inputs.routeTableIds).toHaveLength(2);
    for (const e of endpoints.filter((x) => x !== s3)) expect(e.inputs).toMatchObject({ vpcEndpointType: "Interface", privateDnsEnabled: true });
    const sg = one(resources, "aws:ec2/securityGroup:SecurityGroup");
    expect(sg.inputs.ingress).toEqual([expect.objectContaining({ fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] })]);
  });
});

describe("an internal NLB", () => {
  it("sits in small subnets of its own, where no pod has an address, so the entry point admits it without admitting every pod", () => {
    const lb = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("dev-lb-"));
    // 1/256 of 10.0.0.0/16 each, below the three public slots at the top of the range (egress none has none)
    expect(lb.map((s) => s.inputs.cidrBlock)).toEqual(["10.0.252.0/24", "10.0.251.0/24"]);
    expect(lb.map((s) => s.inputs.availabilityZone)).toEqual(["us-east-1a", "us-east-1c"]); // the zones of the nodes' subnets
    const nlb = one(resources, "kubernetes:core/v1:Service", "dev-entry-nlb").inputs.metadata.annotations;
    expect(nlb["service.beta.kubernetes.io/aws-load-balancer-subnets"]).toBe("dev-lb-0-id,dev-lb-1-id");
    const allow = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-entry").inputs.spec;
    expect(allow.ingress[0].from).toEqual([{ ipBlock: { cidr: "10.0.252.0/24" } }, { ipBlock: { cidr: "10.0.251.0/24" } }]);
    // routed like the private subnets, and kept until the nodes are gone
    const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.name.startsWith("dev-lb-"));
    expect(associations.map((a) => a.dependsOn.find((d) => d.includes("routeTable:RouteTable::")))).toEqual([
      "aws:ec2/routeTable:RouteTable::dev-private-0", "aws:ec2/routeTable:RouteTable::dev-private-1",
    ]);
  });
});

describe("egress none pulls everything through ECR and S3", () => {
  const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

  it("creates one pull-through cache rule per upstream registry, under a prefix of the stack's own, with credentials where AWS needs them", () => {
    const rules = ofType(resources, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => r.inputs);
    expect(rules.map((r) => [r.ecrRepositoryPrefix, r.upstreamRegistryUrl, r.credentialArn]).sort()).toEqual([
      ["hw-dev/docker-hub", "registry-1.docker.io", "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf"],
      ["hw-dev/ecr-public", "public.ecr.aws", undefined],
      ["hw-dev/ghcr", "ghcr.io", "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-AbCdEf"],
      ["hw-dev/k8s", "registry.k8s.io", undefined],
      ["hw-dev/quay", "quay.io", undefined],
    ]);
    // the cached repositories belong to the stack, so `pulumi destroy` deletes them and their images
    const repositories = ofType(resources, "aws:ecr/repository:Repository").map((r) => r.inputs);
    expect(repositories.map((r) => r.name).sort()).toEqual([
      "hw-dev/docker-hub/vllm/vllm-openai", "hw-dev/ecr-public/eks/aws-load-balancer-controller", "hw-dev/ecr-public/nginx/nginx-unprivileged",
      "hw-dev/ghcr/kedacore/http-add-on-interceptor", "hw-dev/ghcr/kedacore/http-add-on-operator", "hw-dev/ghcr/kedacore/http-add-on-scaler",
      "hw-dev/ghcr/kedacore/keda", "hw-dev/ghcr/kedacore/keda-admission-webhooks", "hw-dev/ghcr/kedacore/keda-metrics-apiserver",
      "hw-dev/k8s/autoscaling/cluster-autoscaler", "hw-dev/quay/prometheus-operator/prometheus-config-reloader", "hw-dev/quay/prometheus/prometheus",
    ]);
    for (const r of repositories) expect(r).toMatchObject({ forceDelete: true, imageTagMutability: "MUTABLE" });
    // first pulls import from upstream: the node role may do that on these repositories only
    const importPolicy = JSON.parse(one(resources, "aws:iam/policy:Policy", "dev-image-import").inputs.policy);
    expect(importPolicy.Statement).toEqual([expect.objectContaining({ Action: ["ecr:BatchImportUpstreamImage"] })]);
    expect(importPolicy.Statement[0].Resource).toHaveLength(12);
  });

  it("points every chart and vLLM at the cache, and the nvcr.io images at their mirror", () => {
    const values = (chart: string) => ofType(resources, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)!.inputs.values;
    expect(values("keda").global.image.registry).toBe(`${ECR}/hw-dev/ghcr`);
    expect(values("prometheus").server.image.repository).toBe(`${ECR}/hw-dev/quay/prometheus/prometheus`);
    // the chart values and the stack's stay: images are merged in
    expect(values("prometheus").server).toMatchObject({ retention: "30d", nodeSelector: { "hostwise.dev/node-role": "system" } });
    expect(values("aws-load-balancer-controller").image.repository).toBe(`${ECR}/hw-dev/ecr-public/eks/aws-load-balancer-controller`);
    expect(values("cluster-autoscaler").image.repository).toBe(`${ECR}/hw-dev/k8s/autoscaling/cluster-autoscaler`);
    expect(values("nvidia-device-plugin").image.repository).toBe(`${ECR}/nvcr/nvidia/k8s-device-plugin`);
    expect(values("dcgm-exporter").image.repository).toBe(`${ECR}/nvcr/nvidia/k8s/dcgm-exporter`);
    // the entry point: the add-on's three images (the chart appends its 0.15.0 tag) and the responder
    expect(values("keda-add-ons-http").images).toEqual({
      operator: `${ECR}/hw-dev/ghcr/kedacore/http-add-on-operator`,
      interceptor: `${ECR}/hw-dev/ghcr/kedacore/http-add-on-interceptor`,
      scaler: `${ECR}/hw-dev/ghcr/kedacore/http-add-on-scaler`,
    });
    expect(one(resources, "kubernetes:apps/v1:Deployment", "dev-unavailable").inputs.spec.template.spec.containers[0].image)
      .toBe(`${ECR}/hw-dev/ecr-public/nginx/nginx-unprivileged:1.29.8-alpine`);
    const container = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm").inputs.spec.template.spec.containers[0];
    expect(container.image).toBe(`${ECR}/hw-dev/docker-hub/vllm/vllm-openai:v0.31.0`);
  });

  it("streams the weights from a private, encrypted bucket of the stack, read through vLLM's pod identity", () => {
    const bucket = one(resources, "aws:s3/bucket:Bucket").inputs;
    expect(bucket).toMatchObject({ bucketPrefix: "hw-dev-weights-", forceDestroy: true });
    expect(one(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(one(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const read = JSON.parse(one(resources, "aws:iam/policy:Policy", "dev-vllm").inputs.policy);
    expect(read.Statement.map((x: any) => x.Action)).toEqual([["s3:GetObject"], ["s3:ListBucket"]]);
    expect(read.Statement[0].Resource).toBe("arn:aws:s3:::dev-weights-bucket/TheBloke/Llama-2-13B-chat-AWQ/*");
    expect(ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => `${a.inputs.namespace}/${a.inputs.serviceAccount}`)).toContain("inference/vllm");

    const deployment = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm");
    const container = deployment.inputs.spec.template.spec.containers[0];
    expect(container.args.slice(0, 1)).toEqual(["s3://dev-weights-bucket/TheBloke/Llama-2-13B-chat-AWQ"]);
    expect(container.args).toEqual(expect.arrayContaining(["--load-format=runai_streamer", '--model-loader-extra-config={"concurrency":16}']));
    expect(container.env).toEqual(expect.arrayContaining([{ name: "HF_HUB_OFFLINE", value: "1" }, { name: "AWS_REGION", value: "us-east-1" }]));
    // the weights are copied in after the bucket exists: `pulumi up` does not wait for the first replica
    expect(deployment.inputs.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(deployment.opts.customTimeouts).toBeUndefined();
    // egress: DNS, S3 on 443, and the node's Pod Identity agent for the credentials
    const egress = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-egress").inputs.spec.egress;
    expect(egress[2]).toEqual({ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] });
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

  it("runs the GPU nodes on spot from every pool of the same GPU shape, and the system nodes on demand", () => {
    const gpu = one(resources, "aws:eks/nodeGroup:NodeGroup", "dev-gpu");
    expect(gpu.inputs.capacityType).toBe("SPOT");
    // g6.2xlarge: one L4 too, more vCPUs and memory, $0.9776/h ≤ 1.5 × $0.8048/h; g6.4xlarge ($1.3232/h) is over
    expect(gpu.inputs.instanceTypes).toEqual(["g6.xlarge", "g6.2xlarge"]);
    expect(one(resources, "aws:eks/nodeGroup:NodeGroup", "dev-system").inputs.capacityType).toBe("ON_DEMAND");
  });

  it("builds only in zones that offer the GPU type", () => {
    const zones = ofType(resources, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
    expect([...new Set(zones)]).toEqual(["us-east-1a", "us-east-1c"]); // us-east-1b offers no g6.xlarge here (the NLB's subnets too)
  });

  it("stops with the keys to change when too few zones offer the types", () => {
    const offerings = { instanceTypes: ["p5.48xlarge", "m6i.large", "m6i.large", "m6i.large"], locations: ["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1c"] };
    expect(chooseZones("us-east-1", ZONES, offerings, ["m6i.large"], 3)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(() => chooseZones("us-east-1", ZONES, offerings, ["p5.48xlarge", "m6i.large"], 2)).toThrow(
      /us-east-1 offers p5\.48xlarge and m6i\.large together in 1 of its available zones \(p5\.48xlarge in us-east-1a; m6i\.large in us-east-1a, us-east-1b, us-east-1c\); the stack needs 2\.\n {2}fix: lower hostwise:availabilityZoneCount/,
    );
  });
});

describe("GPU node decisions", () => {
  it("keeps the desired size cluster-autoscaler left, clamped into the plan's bounds; the minimum on a first deploy", () => {
    expect(gpuDesiredSize(0, 2, undefined)).toBe(0); // first deploy
    expect(gpuDesiredSize(1, 2, 0)).toBe(1); // minReplicas raised above what the autoscaler left
    expect(gpuDesiredSize(0, 2, 2)).toBe(2); // an unrelated update keeps the autoscaler's nodes
    expect(gpuDesiredSize(0, 2, 3)).toBe(2); // maxReplicas lowered
  });

  it("diversifies spot only within the same GPU shape and price band, among the types the region offers", () => {
    const usEast1 = RegionPrices.of(BUILT_IN_CATALOG, "us-east-1")!;
    expect(gpuInstanceTypes("g6.xlarge", "on-demand", usEast1)).toEqual(["g6.xlarge"]);
    expect(gpuInstanceTypes("p4d.24xlarge", "spot", usEast1)).toEqual(["p4d.24xlarge", "p4de.24xlarge"]); // 8 × A100, 80 GB ≥ 40 GB, $27.45 ≤ 1.5 × $21.96
    expect(gpuInstanceTypes("p5.48xlarge", "spot", usEast1)).toEqual(["p5.48xlarge"]);
    // eu-west-1 has no p4de: its p4d spot group lists p4d alone rather than a type EKS would refuse there
    expect(gpuInstanceTypes("p4d.24xlarge", "spot", RegionPrices.of(BUILT_IN_CATALOG, "eu-west-1")!)).toEqual(["p4d.24xlarge"]);
    expect(acceleratorLabel("g5.xlarge")).toEqual({ "k8s.amazonaws.com/accelerator": "nvidia-a10g" });
  });

  it("still tags everything and passes every policy rule", () => {
    expectTagged(resources, ["expires-at"]);
    expectPoliciesPass(resources);
  });
});
