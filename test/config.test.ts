import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExpiry, suggest } from "../infra/config/validate";
import { BASE, issuesFor, NOW, specFor } from "./helpers";
import { validateConfig } from "../infra/config/validate";
import { ConfigError } from "../infra/config/errors";

/** A VPC the stack brings (ids shaped like AWS's; nothing here contacts AWS). */
const BYO = { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], vpcCidr: "10.40.0.0/16" };

const CUSTOM = {
  model: "acme/house-model-13b",
  customParamsBillions: "13",
  customLayers: 40,
  customHiddenSize: 5120,
  customAttentionHeads: 40,
  customKvHeads: 40,
  customHeadDim: 128,
  customMaxContext: 4096,
};

/** A JSON file that is not a price file (no format, no sources, a negative price). */
const UNSOUND_PRICES = join(mkdtempSync(join(tmpdir(), "hostwise-config-")), "prices.json");
writeFileSync(UNSOUND_PRICES, JSON.stringify({ currency: "USD", regions: { "us-east-1": { instances: { "g5.xlarge": { onDemand: -1, source: "x" } } } } }));

/** A sound price file that prices eu-west-1's service lines but does not catalogue its instances. */
const NO_INSTANCE_PRICES = join(mkdtempSync(join(tmpdir(), "hostwise-config-")), "prices.json");
writeFileSync(NO_INSTANCE_PRICES, JSON.stringify({
  format: "hostwise-aws-prices/1", currency: "USD", sources: { s: { ref: "a test", date: "2026-11-25" } },
  regions: { "eu-west-1": { services: { eksClusterStandard: { usd: 0.1, source: "s" } } } },
}));

// Every bad input the foundation issue names, and a few more: the key reported and what the message says.
const BAD_INPUTS: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ["unknown model id without a custom architecture", { model: "meta-llama/Llama-9-13b" }, "hostwise:model", /not in the model catalog and no custom architecture/],
  ["custom architecture missing a field", { ...CUSTOM, customLayers: "" }, "hostwise:customLayers", /is required: acme\/house-model-13b is not in the catalog/],
  ["custom architecture with a zero field", { ...CUSTOM, customHeadDim: 0 }, "hostwise:customHeadDim", /must be a whole number from 1 to 1,024, got 0/],
  ["custom architecture with a negative size", { ...CUSTOM, customParamsBillions: "-13" }, "hostwise:customParamsBillions", /must be a number above 0 and at most 10,000, got -13/],
  ["custom KV heads that do not divide the heads", { ...CUSTOM, customKvHeads: 6 }, "hostwise:customKvHeads", /6 key\/value heads must divide the 40 attention heads/],
  ["custom keys on a catalog model", { customLayers: 32 }, "hostwise:customLayers", /only for models outside the catalog/],
  ["maxModelLen above the model's context", { model: "meta-llama/Llama-2-13b-chat-hf", maxModelLen: 8192 }, "hostwise:maxModelLen", /8192 exceeds meta-llama\/Llama-2-13b-chat-hf's context of 4096 tokens/],
  ["FP8 W8A8 on an Ampere GPU", { quantization: "fp8", instanceType: "g5.xlarge" }, "hostwise:quantization", /fp8 \(W8A8\) needs an Ada or Hopper GPU; the NVIDIA A10G is Ampere/],
  ["an fp8 KV cache on a Turing GPU", { kvCacheDtype: "fp8", instanceType: "g4dn.xlarge", model: "Qwen/Qwen2.5-7B-Instruct", quantization: "awq", checkpoint: "Qwen/Qwen2.5-7B-Instruct-AWQ" }, "hostwise:kvCacheDtype", /fp8 KV cache needs an Ada or Hopper GPU/],
  ["BF16 on a T4", { dtype: "bfloat16", instanceType: "g4dn.xlarge", model: "Qwen/Qwen2.5-7B-Instruct", quantization: "fp8" }, "hostwise:dtype", /bfloat16 is not supported on the NVIDIA T4/],
  ["BF16 with AWQ kernels", { dtype: "bfloat16", quantization: "awq", checkpoint: "x/y-AWQ" }, "hostwise:dtype", /vLLM's awq kernels take float16 only/],
  ["a pinned instance the model cannot fit", { model: "meta-llama/Llama-2-13b-chat-hf", maxModelLen: 4096, instanceType: "g5.xlarge" }, "hostwise:instanceType", /on g5\.xlarge: does not fit by 7\.8 GiB per GPU/],
  ["an unknown pinned instance type", { instanceType: "g6e.xlarg" }, "hostwise:instanceType", /"g6e.xlarg" is not a GPU instance type in the catalog/],
  ["a TP that does not divide the attention heads", { model: "Qwen/Qwen2.5-7B-Instruct", tensorParallelSize: 8 }, "hostwise:tensorParallelSize", /8 does not divide Qwen\/Qwen2\.5-7B-Instruct's 28 attention heads/],
  ["a TP above the instance's GPUs", { instanceType: "g6e.xlarge", tensorParallelSize: 2 }, "hostwise:tensorParallelSize", /2 exceeds the 1 GPU\(s\) of g6e\.xlarge/],
  ["a TP that is not a power of two", { tensorParallelSize: 3 }, "hostwise:tensorParallelSize", /3 is not a power of two/],
  ["min replicas above max replicas", { minReplicas: 3, maxReplicas: 2 }, "hostwise:minReplicas", /3 is above maxReplicas \(2\)/],
  ["zero peak requests", { peakRequestsPerSecond: 0 }, "hostwise:peakRequestsPerSecond", /must be a number above 0 and at most 1,000,000, got 0/],
  ["negative peak requests", { peakRequestsPerSecond: "-2" }, "hostwise:peakRequestsPerSecond", /must be a number above 0 and at most 1,000,000, got -2/],
  ["zero peak output tokens", { peakOutputTokensPerSecond: "0" }, "hostwise:peakOutputTokensPerSecond", /must be a number above 0 and at most 1,000,000,000, got 0/],
  ["zero mean prompt", { meanPromptTokens: 0 }, "hostwise:meanPromptTokens", /must be a whole number from 1 to 16,777,216, got 0/],
  ["negative mean output", { meanOutputTokens: -5 }, "hostwise:meanOutputTokens", /must be a whole number from 1 to 16,777,216, got -5/],
  ["a zero latency floor", { minTokensPerSecondPerStream: 0 }, "hostwise:minTokensPerSecondPerStream", /must be a number above 0 and at most 10,000, got 0/],
  ["both traffic measures", { peakRequestsPerSecond: 1, peakOutputTokensPerSecond: 100 }, "hostwise:peakOutputTokensPerSecond", /give one measure of peak traffic/],
  ["a mean request longer than maxModelLen", { maxModelLen: 1024, meanPromptTokens: 1000 }, "hostwise:meanPromptTokens", /exceeds maxModelLen 1024/],
  ["an expiry in the past", { expiresAt: "2026-11-01T00:00:00Z" }, "hostwise:expiresAt", /2026-11-01T00:00:00\.000Z is in the past/],
  ["an unparseable expiry", { expiresAt: "next tuesday" }, "hostwise:expiresAt", /"next tuesday" is neither an ISO-8601 time with a zone nor a duration/],
  ["an expiry without a zone", { expiresAt: "2027-01-01T00:00:00" }, "hostwise:expiresAt", /neither an ISO-8601 time with a zone/],
  ["a trial stack without expiry", { trial: true }, "hostwise:expiresAt", /is required on trial stacks/],
  ["a region outside the catalog", { "aws:region": "eu-west-3" }, "aws:region", /the built-in catalog has no prices for eu-west-3; it covers us-east-1, us-east-2, us-west-2, ca-central-1, eu-west-1, .*sa-east-1/],
  ["a malformed price override", { instancePrices: ["g6e.xlarge:2.1"] }, "hostwise:instancePrices", /entry "g6e\.xlarge:2\.1" is not "instance-type=usd-per-hour"/],
  ["a pinned instance the region does not offer", { instanceType: "g6e.xlarge", "aws:region": "eu-west-1" }, "hostwise:instanceType", /g6e\.xlarge is not offered in eu-west-1; regions that have it: us-east-1, us-east-2, us-west-2, eu-central-1, eu-north-1, ap-northeast-1$/],
  ["a pinned instance sold through Capacity Blocks only", { instanceType: "p5e.48xlarge", "aws:region": "us-east-2", model: "meta-llama/Llama-3.1-70B-Instruct" }, "hostwise:instancePrices", /p5e\.48xlarge has no On-Demand price in us-east-2 \(the built-in catalog\) \(sold through Capacity Blocks only\)/],
  ["a region whose instances the price file does not list", { "aws:region": "eu-west-1", priceCatalogFile: NO_INSTANCE_PRICES }, "hostwise:instancePrices", /^.*prices\.json has no instance prices for eu-west-1$/],
  ["AWQ without a pre-quantized checkpoint", { quantization: "awq" }, "hostwise:checkpoint", /quantization awq needs a pre-quantized checkpoint/],
  ["gpuMemoryUtilization above 1", { gpuMemoryUtilization: "1.5" }, "hostwise:gpuMemoryUtilization", /must be a number above 0 and at most 1, got 1\.5/],
  ["a non-numeric number", { peakRequestsPerSecond: "lots" }, "hostwise:peakRequestsPerSecond", /must be a number above 0 and at most 1,000,000, got "lots"/],
  ["a fractional integer", { maxNumSeqs: "12.5" }, "hostwise:maxNumSeqs", /must be a whole number/],
  ["an invalid enum value", { quantization: "int4" }, "hostwise:quantization", /"int4" is not one of none, awq, gptq, fp8/],
  ["a non-boolean", { trial: "yes" }, "hostwise:trial", /must be true or false/],
  ["an unknown config key", { maxModelLength: 4096 }, "hostwise:maxModelLength", /is not a hostwise config key/],
  ["a missing owner", { owner: "" }, "hostwise:owner", /is required and not set/],
  // every AWS resource carries owner, cost-center and environment as tags: IAM and EKS reject other characters
  ["an owner AWS cannot tag with", { owner: "ML team (ops)" }, "hostwise:owner", /"ML team \(ops\)" has characters AWS rejects in a tag value/],
  ["a cost center too long for a tag", { costCenter: "c".repeat(257) }, "hostwise:costCenter", /is 257 characters; AWS tag values take 256/],
  ["a missing region", { "aws:region": "" }, "aws:region", /is required and not set/],
  ["an unknown hosted API", { hostedApi: "bedrock/llama-9" }, "hostwise:hostedApi", /not in the hosted API price catalog/],
  ["an unknown egress mode", { egress: "proxy" }, "hostwise:egress", /"proxy" is not one of nat, none/],
  ["a VPC range too large", { vpcCidr: "10.0.0.0/8" }, "hostwise:vpcCidr", /\/8 is outside \/16 to \/20/],
  ["a malformed VPC range", { vpcCidr: "10.0.0.1/16" }, "hostwise:vpcCidr", /not an IPv4 network in CIDR form/],
  ["one availability zone", { availabilityZoneCount: 1 }, "hostwise:availabilityZoneCount", /must be a whole number from 2 to 3, got 1/],
  ["a public endpoint open to everyone", { clusterPublicAccessCidrs: ["0.0.0.0/0"] }, "hostwise:clusterPublicAccessCidrs", /would open the Kubernetes API to the whole internet/],
  ["a private range on the public endpoint", { clusterPublicAccessCidrs: ["10.1.0.0/16"] }, "hostwise:clusterPublicAccessCidrs", /is a private range/],
  ["an admin that is not an IAM ARN", { clusterAdminArns: ["alice"] }, "hostwise:clusterAdminArns", /"alice" is not an IAM role or user ARN/],
  ["a retention CloudWatch does not offer", { logRetentionDays: 10 }, "hostwise:logRetentionDays", /10 is not a CloudWatch Logs retention period/],
  ["a Kubernetes version past extended support", { kubernetesVersion: "1.28" }, "hostwise:kubernetesVersion", /1\.28 is no longer supported by EKS/],
  ["a malformed Kubernetes version", { kubernetesVersion: "v1.35.2" }, "hostwise:kubernetesVersion", /is not a Kubernetes minor version/],
  ["an unknown GPU capacity type", { gpuCapacityType: "reserved" }, "hostwise:gpuCapacityType", /"reserved" is not one of on-demand, spot/],
  ["an unknown purchase option", { gpuPurchaseOption: "savings-plan" }, "hostwise:gpuPurchaseOption", /"savings-plan" is not one of on-demand, spot, compute-savings-plan, ec2-instance-savings-plan, reserved, capacity-block/],
  ["a gated checkpoint without a Hugging Face token", { huggingFaceToken: "" }, "hostwise:huggingFaceToken", /meta-llama\/Llama-3\.1-8B-Instruct is gated on Hugging Face/],
  ["an unpinned vLLM image", { vllmImage: "vllm/vllm-openai:latest" }, "hostwise:vllmImage", /is not pinned to a version tag or digest/],
  ["an internet-facing endpoint without an allowlist", { loadBalancer: "internet-facing" }, "hostwise:inferenceAllowedCidrs", /an internet-facing load balancer needs an allowlist/],
  ["an endpoint open to everyone", { loadBalancer: "internet-facing", inferenceAllowedCidrs: ["0.0.0.0/0"] }, "hostwise:inferenceAllowedCidrs", /would open the endpoint to everyone/],
  ["an internet-facing endpoint in a brought VPC", { loadBalancer: "internet-facing", inferenceAllowedCidrs: ["203.0.113.0/24"], inferenceCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], vpcCidr: "10.40.0.0/16", clusterPrivateAccessCidrs: ["10.20.0.0/16"] }, "hostwise:loadBalancer", /internet-facing goes in the public subnets hostwise creates, and with vpcId it creates none/],
  ["an internet-facing endpoint without internet egress", { loadBalancer: "internet-facing", inferenceAllowedCidrs: ["203.0.113.0/24"], egress: "none" }, "hostwise:loadBalancer", /internet-facing needs public subnets and an internet gateway/],
  ["a bad client namespace", { inferenceClientNamespaces: ["Team_A"] }, "hostwise:inferenceClientNamespaces", /"Team_A" is not a Kubernetes namespace name/],
  ["a KV-cache target above 1", { kvCacheUsageTarget: "1.2" }, "hostwise:kvCacheUsageTarget", /must be a number above 0 and at most 1, got 1\.2/],
  ["a negative activation threshold", { scaleActivationThreshold: "-1" }, "hostwise:scaleActivationThreshold", /must be a number from 0 to 10,000, got -1/],
  ["a system instance type without a price", { systemInstanceType: "r7i.large" }, "hostwise:systemInstanceType", /r7i\.large has no price in the built-in catalog \(in no region\)/],
  // Pricing: purchase options, stated discounts and price files
  ["a capacity block", { gpuPurchaseOption: "capacity-block" }, "hostwise:gpuPurchaseOption", /capacity-block cannot be deployed by this stack: a Capacity Block is a reservation .* AWS offers Capacity Blocks for p5\.48xlarge \(us-east-1, us-east-2, us-west-2, ap-northeast-1\)/],
  ["a savings plan without its term", { gpuPurchaseOption: "compute-savings-plan", gpuPurchasePayment: "no-upfront", gpuDiscountPercent: "20" }, "hostwise:gpuPurchaseTerm", /is required with gpuPurchaseOption compute-savings-plan/],
  ["reserved instances without their payment", { gpuPurchaseOption: "reserved", gpuPurchaseTerm: "1y", gpuDiscountPercent: "20" }, "hostwise:gpuPurchasePayment", /is required with gpuPurchaseOption reserved/],
  ["a term with on-demand", { gpuPurchaseTerm: "3y" }, "hostwise:gpuPurchaseTerm", /applies to savings plans and reserved instances, not gpuPurchaseOption on-demand/],
  ["a payment with spot", { gpuPurchaseOption: "spot", gpuPurchasePayment: "all-upfront" }, "hostwise:gpuPurchasePayment", /not gpuPurchaseOption spot/],
  ["a discount with on-demand", { gpuDiscountPercent: "30" }, "hostwise:gpuDiscountPercent", /is the discount of a purchase option, and gpuPurchaseOption is on-demand/],
  ["a discount of 100%", { gpuPurchaseOption: "spot", gpuDiscountPercent: "100" }, "hostwise:gpuDiscountPercent", /must be a number above 0 and at most 99, got 100/],
  ["a discount of 0", { gpuPurchaseOption: "spot", gpuDiscountPercent: "0" }, "hostwise:gpuDiscountPercent", /must be a number above 0 and at most 99, got 0/],
  ["a savings plan the catalog has no rates for", { gpuPurchaseOption: "ec2-instance-savings-plan", gpuPurchaseTerm: "1y", gpuPurchasePayment: "all-upfront" }, "hostwise:gpuDiscountPercent", /the built-in catalog has no EC2 instance savings plan, 1y, all-upfront rates for us-east-1/],
  ["a pinned type without a spot price", { gpuPurchaseOption: "spot", instanceType: "p5.4xlarge", model: "meta-llama/Llama-3.1-70B-Instruct", quantization: "fp8" }, "hostwise:gpuDiscountPercent", /p5\.4xlarge has no spot price in us-east-1 \(the built-in catalog\)/],
  ["system reserved instances without a rate", { systemPurchaseOption: "reserved", systemPurchaseTerm: "3y", systemPurchasePayment: "all-upfront" }, "hostwise:systemDiscountPercent", /m6i\.large has no reserved instances \(standard\), 3y, all-upfront rate in us-east-1/],
  ["spot system nodes", { systemPurchaseOption: "spot" }, "hostwise:systemPurchaseOption", /"spot" is not one of on-demand, compute-savings-plan, ec2-instance-savings-plan, reserved/],
  ["gpuCapacityType against the purchase option", { gpuCapacityType: "spot", gpuPurchaseOption: "reserved", gpuPurchaseTerm: "1y", gpuPurchasePayment: "no-upfront", gpuDiscountPercent: "30" }, "hostwise:gpuCapacityType", /spot contradicts gpuPurchaseOption reserved/],
  ["on-demand capacity with spot", { gpuCapacityType: "on-demand", gpuPurchaseOption: "spot" }, "hostwise:gpuCapacityType", /on-demand contradicts gpuPurchaseOption spot/],
  ["a price file that is not there", { priceCatalogFile: "no-such-prices.json" }, "hostwise:priceCatalogFile", /cannot read .*no-such-prices\.json \(ENOENT\)/],
  ["a price file that is not one", { priceCatalogFile: UNSOUND_PRICES }, "hostwise:priceCatalogFile", /is not a hostwise price file: format is undefined.*sources: missing.*onDemand: -1 is not a price/],
  ["half of the people cost", { engineerHoursPerMonth: "20" }, "hostwise:engineerHourlyUsd", /is needed with its pair/],
  ["a utilization above 1", { expectedUtilization: "1.5" }, "hostwise:expectedUtilization", /must be a number above 0 and at most 1, got 1\.5/],
  ["maxNumSeqs below the guaranteed sequences", { minConcurrentSequences: 8, maxNumSeqs: 4 }, "hostwise:maxNumSeqs", /4 is below minConcurrentSequences \(8\)/],
  // deployability (issue #9): TLS, egress none, weights
  ["an internet-facing endpoint without a certificate", { loadBalancer: "internet-facing", inferenceAllowedCidrs: ["203.0.113.0/24"] }, "hostwise:inferenceCertificateArn", /required for an internet-facing load balancer: without it the API key would cross the internet in plain HTTP/],
  ["a certificate that is not an ACM ARN", { loadBalancer: "internal", inferenceCertificateArn: "arn:aws:iam::123456789012:server-certificate/x" }, "hostwise:inferenceCertificateArn", /is not an ACM certificate ARN/],
  ["a certificate in another region", { loadBalancer: "internal", inferenceCertificateArn: `arn:aws:acm:eu-west-1:123456789012:certificate/${"0a1b2c3d-4e5f-6789-abcd-ef0123456789"}` }, "hostwise:inferenceCertificateArn", /is in eu-west-1, not the stack's region us-east-1/],
  ["a certificate without a load balancer", { inferenceCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }, "hostwise:inferenceCertificateArn", /no load balancer to terminate TLS on/],
  ["Hugging Face weights without egress", { egress: "none", weightsSource: "huggingface" }, "hostwise:weightsSource", /huggingface needs internet egress/],
  ["egress none without the nvcr.io mirror", { egress: "none" }, "hostwise:nvcrMirror", /cannot pull nvcr\.io\/nvidia\/k8s-device-plugin:v0\.20\.0 .*ECR pull-through cache does not support nvcr\.io/],
  ["egress none without ghcr.io credentials", { egress: "none" }, "hostwise:ghcrCredentialArn", /pulls ghcr\.io\/kedacore\/keda:2\.20\.2 .*ECR caches ghcr\.io only with credentials/],
  ["egress none without Docker Hub credentials", { egress: "none" }, "hostwise:dockerHubCredentialArn", /pulls vllm\/vllm-openai:v0\.31\.0/],
  ["egress none with an image from an uncacheable registry", { egress: "none", vllmImage: "registry.example.com/vllm:v0.31.0" }, "hostwise:vllmImage", /ECR pull-through cache does not support registry\.example\.com/],
  ["a pull-through credential that is not named ecr-pullthroughcache/", { egress: "none", ghcrCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:github-AbCdEf" }, "hostwise:ghcrCredentialArn", /is not a Secrets Manager secret ARN named ecr-pullthroughcache\//],
  ["an nvcr.io mirror in another region", { egress: "none", nvcrMirror: "123456789012.dkr.ecr.us-west-2.amazonaws.com/nvcr" }, "hostwise:nvcrMirror", /is in us-west-2, not the stack's region us-east-1/],
  ["registry keys with NAT egress", { nvcrMirror: "123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr" }, "hostwise:nvcrMirror", /is only used with egress none/],
  ["a weights prefix with an empty part", { weightsSource: "s3", weightsPrefix: "models//llama" }, "hostwise:weightsPrefix", /is not an S3 key prefix/],
  ["a weights prefix without S3 weights", { weightsPrefix: "models/llama" }, "hostwise:weightsPrefix", /only used when vLLM streams the weights from S3/],
  // Deployer access (#9): the first pulumi up needs a route to the API.
  ["no route to the API of a VPC the stack creates", { clusterPublicAccessCidrs: [] }, "hostwise:clusterPublicAccessCidrs", /nothing can reach the cluster API on the first pulumi up.*clusterPublicAccessFromDeployer.*vpcId/],
  ["private access alone on a VPC the stack creates", { clusterPublicAccessCidrs: [], clusterPrivateAccessCidrs: ["10.20.0.0/16"] }, "hostwise:clusterPublicAccessCidrs", /no VPN or CI runner can be in yet/],
  ["a brought VPC nothing is admitted to", { clusterPublicAccessCidrs: [], ...BYO }, "hostwise:clusterPrivateAccessCidrs", /nothing reaches the private API endpoint in vpc-0123456789abcdef0/],
  ["private access open to everyone", { clusterPrivateAccessCidrs: ["0.0.0.0/0"] }, "hostwise:clusterPrivateAccessCidrs", /would admit every address/],
  ["a malformed VPC id", { ...BYO, vpcId: "my-vpc" }, "hostwise:vpcId", /"my-vpc" is not a VPC id/],
  ["subnets without a VPC", { privateSubnetIds: BYO.privateSubnetIds }, "hostwise:vpcId", /privateSubnetIds only applies to a VPC you bring/],
  ["a VPC without subnets", { vpcId: BYO.vpcId, vpcCidr: BYO.vpcCidr }, "hostwise:privateSubnetIds", /is empty/],
  ["a brought VPC in one zone", { ...BYO, privateSubnetIds: ["subnet-0123456789abcdef0"] }, "hostwise:privateSubnetIds", /needs subnets in at least two availability zones/],
  ["a brought VPC without its range", { vpcId: BYO.vpcId, privateSubnetIds: BYO.privateSubnetIds }, "hostwise:vpcCidr", /must be given with vpcId/],
  ["a zone count with a brought VPC", { ...BYO, availabilityZoneCount: 3 }, "hostwise:availabilityZoneCount", /applies only to the VPC hostwise creates/],
  ["a version past standard support on the standard tier", { kubernetesVersion: "1.32" }, "hostwise:kubernetesVersion", /1\.32 has left EKS standard support.*kubernetesSupportType standard/],
  ["a version without pinned add-on versions", { kubernetesVersion: "1.36" }, "hostwise:kubernetesVersion", /1\.36 has no pinned EKS add-on versions/],
];

describe("config validation", () => {
  it.each(BAD_INPUTS)("reports %s", (_name, overrides, key, message) => {
    const issues = issuesFor(overrides);
    const issue = issues.find((i) => i.key === key);
    expect(issue, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message).toMatch(message);
    expect(issue!.hint.length).toBeGreaterThan(10);
  });

  it("accepts egress none with its registries, streams the weights from S3, and needs no Hugging Face token then", () => {
    const spec = specFor({
      egress: "none",
      huggingFaceToken: "",
      dockerHubCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
      ghcrCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-AbCdEf",
      nvcrMirror: "123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr",
    });
    expect(spec.inference).toMatchObject({ weightsSource: "s3", weightsPrefix: "meta-llama/Llama-3.1-8B-Instruct", huggingFaceTokenSet: false });
    // a vLLM image already in this region's ECR needs no Docker Hub credential
    expect(issuesFor({ egress: "none", vllmImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm-openai:v0.31.0" }).map((i) => i.key)).not.toContain("hostwise:dockerHubCredentialArn");
  });

  it("reports every error at once, not only the first", () => {
    const issues = issuesFor({ model: "nope/nope", minReplicas: 5, maxReplicas: 1, expiresAt: "soon", peakRequestsPerSecond: 0, "aws:region": "eu-west-3" });
    expect(issues.map((i) => i.key).sort()).toEqual(
      ["aws:region", "hostwise:expiresAt", "hostwise:minReplicas", "hostwise:model", "hostwise:peakRequestsPerSecond"].sort(),
    );
  });

  it("says how much memory is missing and which instance types would fit", () => {
    const issue = issuesFor({ model: "meta-llama/Llama-2-13b-chat-hf", maxModelLen: 4096, instanceType: "g6.xlarge" }).find((i) => i.key === "hostwise:instanceType")!;
    expect(issue.message).toMatch(/does not fit by 7\.8 GiB per GPU/);
    expect(issue.hint).toMatch(/cheapest first: g6e\.xlarge, /);
  });

  it("suggests the catalog id for a mistyped model", () => {
    const issue = issuesFor({ model: "meta-llama/llama-3.1-8b-instruct" }).find((i) => i.key === "hostwise:model")!;
    expect(issue.hint).toMatch(/did you mean "meta-llama\/Llama-3\.1-8B-Instruct"\?/);
    expect(suggest("maxModelLength", ["maxModelLen", "model"])).toEqual(["maxModelLen"]);
  });

  it("applies defaults and derives unset values", () => {
    const spec = specFor();
    expect(spec.environment).toBe("test");
    expect(spec.trial).toBe(false);
    expect(spec.model.checkpoint).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(spec.model.servedModelName).toBe("llama-3.1-8b-instruct");
    expect(spec.serving).toEqual({
      dtype: "auto", quantization: "none", kvCacheDtype: "auto", maxModelLen: 8192, minConcurrentSequences: 1,
      maxNumSeqs: 256, gpuMemoryUtilization: 0.9, enablePrefixCaching: true,
    });
    expect(spec.traffic).toEqual({ given: "none", peakRequestsPerSecond: undefined, meanPromptTokens: 1024, meanOutputTokens: 256, minTokensPerSecondPerStream: 10 });
    // scaleToZeroCooldownSeconds unset: derived from the cold start (sizing/scale-to-zero.ts)
    expect(spec.scaling).toEqual({ minReplicas: 1, maxReplicas: undefined, queueDepthPerReplica: 2, kvCacheUsageTarget: 0.85, activationThreshold: 0 });
    expect(spec.entry).toEqual({ coldHoldSeconds: 60 });
    expect(spec.inference).toEqual({
      image: "vllm/vllm-openai:v0.31.0", loadBalancer: "none", allowedCidrs: [], clientNamespaces: [], huggingFaceTokenSet: true,
      weightsSource: "huggingface", weightsPrefix: "meta-llama/Llama-3.1-8B-Instruct",
    });
    expect(spec.network.registries).toEqual({});
    expect(spec.hostedApi).toEqual({ id: "bedrock/llama-3.1-8b", inputUsdPerMTok: 0.22, outputUsdPerMTok: 0.22, overridden: false });
  });

  it("reads values as the Pulumi engine hands them: strings for numbers, booleans and lists", () => {
    const spec = specFor({ maxModelLen: "4096", trial: "true", expiresAt: "90m", peakRequestsPerSecond: "2.5", instancePrices: '["g5.xlarge=1.1"]' });
    expect(spec.serving.maxModelLen).toBe(4096);
    expect(spec.trial).toBe(true);
    expect(spec.expiry).toEqual({ kind: "after", hours: 1.5, text: "90m" });
    expect(spec.traffic.peakRequestsPerSecond).toBe(2.5);
    expect(spec.pricing.instancePrices).toEqual({ "g5.xlarge": 1.1 });
  });

  it("reads the purchase options; gpuCapacityType spot still means spot", () => {
    const spec = specFor({ gpuPurchaseOption: "compute-savings-plan", gpuPurchaseTerm: "3y", gpuPurchasePayment: "partial-upfront", gpuDiscountPercent: "35" });
    expect(spec.pricing.gpu).toEqual({ role: "gpu", option: "compute-savings-plan", term: "3y", payment: "partial-upfront", discountPercent: 35 });
    expect(spec.pricing.system).toEqual({ role: "system", option: "on-demand" });
    expect(spec.nodes.gpuCapacityType).toBe("on-demand");
    const alias = specFor({ gpuCapacityType: "spot" });
    expect(alias.pricing.gpu.option).toBe("spot");
    expect(alias.nodes.gpuCapacityType).toBe("spot");
    expect(specFor({ gpuPurchaseOption: "spot" }).nodes.gpuCapacityType).toBe("spot");
  });

  it("accepts a custom architecture and overrides hosted API prices", () => {
    const spec = specFor({ ...CUSTOM, hostedApiOutputPrice: "0.5" });
    expect(spec.model.custom).toBe(true);
    expect(spec.model.architecture).toMatchObject({ paramsBillions: 13, activeParamsBillions: 13, layers: 40, kvHeads: 40, maxContext: 4096 });
    expect(spec.serving.maxModelLen).toBe(4096);
    expect(spec.hostedApi).toMatchObject({ outputUsdPerMTok: 0.5, overridden: true });
  });

  it("parses expiries as a time with a zone or a duration after creation", () => {
    expect(parseExpiry("2026-12-01T18:00:00Z")).toEqual({ kind: "at", at: new Date("2026-12-01T18:00:00Z") });
    expect(parseExpiry("2026-12-01T18:00+02:00")).toEqual({ kind: "at", at: new Date("2026-12-01T16:00:00Z") });
    expect(parseExpiry("6h")).toEqual({ kind: "after", hours: 6, text: "6h" });
    expect(parseExpiry("2d")).toEqual({ kind: "after", hours: 48, text: "2d" });
    expect(parseExpiry("tomorrow")).toBeUndefined();
    expect(parseExpiry("2026-13-45T00:00:00Z")).toBeUndefined();
  });

  it("takes a route to the API from a public allowlist, the deployer's own address, or a brought VPC with connected networks", () => {
    expect(specFor().cluster).toMatchObject({ publicAccessCidrs: ["203.0.113.0/24"], publicAccessFromDeployer: false, privateAccessCidrs: [], supportType: "standard" });
    expect(specFor({ clusterPublicAccessCidrs: [], clusterPublicAccessFromDeployer: true }).cluster.publicAccessFromDeployer).toBe(true);
    const byo = specFor({ clusterPublicAccessCidrs: [], ...BYO, clusterPrivateAccessCidrs: ["10.20.0.0/16"] });
    expect(byo.network).toEqual({
      egress: "nat", availabilityZoneCount: 2, vpcCidr: "10.40.0.0/16", natGateways: "none", registries: {},
      existingVpc: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: BYO.privateSubnetIds },
    });
    expect(byo.cluster.privateAccessCidrs).toEqual(["10.20.0.0/16"]);
  });

  it("keeps a version in extended support only when asked, and carries aws:profile for the kubeconfig", () => {
    expect(specFor({ kubernetesVersion: "1.32", kubernetesSupportType: "extended" }).cluster.supportType).toBe("extended");
    expect(specFor({ "aws:profile": "sandbox" }).cluster.awsProfile).toBe("sandbox");
    expect(specFor().cluster.awsProfile).toBeUndefined();
  });

  it("throws one ConfigError whose message lists each issue with its fix", () => {
    try {
      validateConfig({ ...BASE, minReplicas: -1 }, { stack: "x", now: NOW });
      expect.unreachable("validation passed");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toBe("1 configuration error:\n  - hostwise:minReplicas: must be a whole number from 0 to 1,000, got -1\n    fix: pulumi config set hostwise:minReplicas 1");
    }
  });
});
