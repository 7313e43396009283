import { PAYMENTS, PURCHASE_OPTIONS, SYSTEM_PURCHASE_OPTIONS, TERMS } from "../catalog/purchase-options";

/**
 * Every stack config key hostwise reads, with its type, default and description. This table is the single
 * source for Pulumi.yaml's `config:` block and the README's config reference (`npm run docs` writes both; a
 * test fails when they drift).
 *
 * Pulumi.yaml types are string, integer, boolean and array only, and a key without a default is required by
 * the CLI. So decimals (`number`) and numbers that are "unset" unless given (`optionalInteger`) are declared as
 * strings whose default is "" and parsed here.
 */
import type { NumberRange } from "./numbers";

export type ConfigKind = "string" | "integer" | "optionalInteger" | "number" | "boolean" | "stringArray";

export interface ConfigKeySpec {
  readonly key: string;
  readonly kind: ConfigKind;
  /** Absent = required. "" = unset unless the stack gives a value. */
  readonly default?: string | number | boolean | readonly string[];
  readonly description: string;
  readonly group: ConfigGroup;
  /** Allowed values of a string key. */
  readonly oneOf?: readonly string[];
  readonly secret?: boolean;
  /** The values a numeric key may take (every integer and number key has one; see infra/config/numbers.ts). */
  readonly range?: NumberRange;
}

export type ConfigGroup = "Stack" | "Model" | "Serving" | "Placement" | "Pricing" | "Traffic" | "Scaling" | "Network" | "Cluster" | "Nodes" | "Inference endpoint" | "Entry point" | "Cost assumptions" | "Hosted API";

export const CONFIG_NAMESPACE = "hostwise";

/** Longest context or mean sequence a key may give, tokens (2^24: above every published model's context). */
const MAX_TOKENS = 16_777_216;
/** Most inference replicas a stack may run: a sanity bound far above any one EKS node group. */
const MAX_REPLICAS = 1_000;

/**
 * Bounds of hostwise:expiresAt, in hours: long enough to create a cluster and use it, short enough that a trial
 * stays a trial (longer-lived stacks may tag a later date, up to ten years ahead).
 */
export const EXPIRY_BOUNDS = { minHours: 0.5, maxHoursTrial: 90 * 24, maxHours: 3_650 * 24 } as const;

export const CONFIG_KEYS: readonly ConfigKeySpec[] = [
  // Stack
  { group: "Stack", key: "owner", kind: "string", description: "Team or person accountable for the stack (tag `owner`)." },
  { group: "Stack", key: "costCenter", kind: "string", description: "Cost-allocation code (tag `cost-center`)." },
  { group: "Stack", key: "environment", kind: "string", default: "", description: "Environment name for tags; empty = the stack name." },
  { group: "Stack", key: "trial", kind: "boolean", default: false, description: "A trial stack: may scale to zero, must set `expiresAt`, and `hostwise teardown` may destroy it once expired." },
  { group: "Stack", key: "expiresAt", kind: "string", default: "", description: "When the stack should be torn down: an ISO-8601 time with zone (`2026-12-01T18:00:00Z`) or a duration after creation (`6h`, `90m`, `2d`), from 30 minutes to 90 days on trial stacks (10 years otherwise). Required on trial stacks." },
  // Model
  { group: "Model", key: "model", kind: "string", description: "Hugging Face id of the model (a catalog id, or any id with the `custom*` keys)." },
  { group: "Model", key: "huggingFaceToken", kind: "string", default: "", secret: true, description: "Hugging Face token (set with `pulumi config set --secret`); required when vLLM loads a gated catalog checkpoint (Llama)." },
  { group: "Model", key: "checkpoint", kind: "string", default: "", description: "Hugging Face repository vLLM loads; empty = `model`. Required for `awq`/`gptq` (a pre-quantized checkpoint)." },
  { group: "Model", key: "servedModelName", kind: "string", default: "", description: "Name clients send as `model`; empty = the last part of `model`, lower-cased." },
  { group: "Model", key: "weightsSource", kind: "string", default: "", oneOf: ["huggingface", "s3"], description: "Where vLLM reads the weights: `huggingface` (downloaded when a replica starts) or `s3` (streamed from the stack's weights bucket with the Run:ai model streamer, after the one-shot copy in the README); empty = huggingface with NAT egress, s3 with egress none." },
  { group: "Model", key: "weightsPrefix", kind: "string", default: "", description: "Key prefix of the checkpoint in the weights bucket (weightsSource s3); empty = the checkpoint's Hugging Face id." },
  { group: "Model", key: "customParamsBillions", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "", description: "Custom architecture: total parameters, billions." },
  { group: "Model", key: "customActiveParamsBillions", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "", description: "Custom architecture: parameters read per token (mixture-of-experts), billions; empty = all." },
  { group: "Model", key: "customLayers", kind: "optionalInteger", range: { min: 1, max: 1_000, integer: true }, default: "", description: "Custom architecture: transformer layers." },
  { group: "Model", key: "customHiddenSize", kind: "optionalInteger", range: { min: 1, max: 131_072, integer: true }, default: "", description: "Custom architecture: hidden size." },
  { group: "Model", key: "customAttentionHeads", kind: "optionalInteger", range: { min: 1, max: 1_024, integer: true }, default: "", description: "Custom architecture: attention heads." },
  { group: "Model", key: "customKvHeads", kind: "optionalInteger", range: { min: 1, max: 1_024, integer: true }, default: "", description: "Custom architecture: key/value heads." },
  { group: "Model", key: "customHeadDim", kind: "optionalInteger", range: { min: 1, max: 1_024, integer: true }, default: "", description: "Custom architecture: dimension of one head." },
  { group: "Model", key: "customMaxContext", kind: "optionalInteger", range: { min: 1, max: MAX_TOKENS, integer: true }, default: "", description: "Custom architecture: longest context, tokens." },
  // Serving
  { group: "Serving", key: "dtype", kind: "string", default: "auto", oneOf: ["auto", "bfloat16", "float16"], description: "Weight and activation dtype; `auto` = bfloat16 where the GPU has it, else float16." },
  { group: "Serving", key: "quantization", kind: "string", default: "none", oneOf: ["none", "awq", "gptq", "fp8"], description: "Weight quantization (`fp8` = W8A8, Ada or Hopper GPUs only)." },
  { group: "Serving", key: "kvCacheDtype", kind: "string", default: "auto", oneOf: ["auto", "fp8"], description: "KV-cache dtype (`fp8` halves it; Ada or Hopper GPUs only)." },
  { group: "Serving", key: "maxModelLen", kind: "optionalInteger", range: { min: 1, max: MAX_TOKENS, integer: true }, default: "", description: "Longest sequence (prompt + output) served, tokens; empty = the model's context capped at 8192." },
  { group: "Serving", key: "minConcurrentSequences", kind: "integer", range: { min: 1, max: 4_096, integer: true }, default: 1, description: "Full-length (`maxModelLen`) sequences each replica's KV cache must hold at once." },
  { group: "Serving", key: "maxNumSeqs", kind: "integer", range: { min: 1, max: 16_384, integer: true }, default: 256, description: "Upper bound on sequences a replica batches (vLLM `--max-num-seqs`); the plan may set it lower to keep the latency floor." },
  { group: "Serving", key: "gpuMemoryUtilization", kind: "number", range: { min: 0, minExclusive: true, max: 1 }, default: "0.9", description: "Share of GPU memory vLLM may use, in (0, 1]." },
  { group: "Serving", key: "enablePrefixCaching", kind: "boolean", default: true, description: "Reuse the KV cache of shared prompt prefixes." },
  // Placement
  { group: "Placement", key: "instanceType", kind: "string", default: "", description: "Pin the GPU instance type (validated, never overridden); empty = the cheapest that meets the traffic." },
  { group: "Placement", key: "tensorParallelSize", kind: "optionalInteger", range: { min: 1, max: 64, integer: true }, default: "", description: "Pin the GPUs per replica (tensor parallelism); empty = chosen by the plan." },
  // Pricing
  { group: "Pricing", key: "priceCatalogFile", kind: "string", default: "", description: "Price file to price the stack with instead of the built-in catalog (written by `hostwise prices refresh`, or by hand in its format), relative to the project directory; it must cover the stack's region." },
  { group: "Pricing", key: "instancePrices", kind: "stringArray", default: [], description: "On-Demand USD per hour as `type=price` (`[\"g6e.xlarge=2.10\"]`) in the stack's region, for GPU or system instance types: overrides the price catalog (your negotiated price, or a type the catalog lacks)." },
  { group: "Pricing", key: "gpuPurchaseOption", kind: "string", default: "on-demand", oneOf: PURCHASE_OPTIONS, description: "How the GPU nodes are paid for: `on-demand`, `spot` (SPOT capacity, interruptible), a savings plan or `reserved` instances (with `gpuPurchaseTerm` and `gpuPurchasePayment`); `capacity-block` is explained and refused (this stack cannot run on a reserved window)." },
  { group: "Pricing", key: "gpuPurchaseTerm", kind: "string", default: "", oneOf: TERMS, description: "Term of a GPU savings plan or reserved instances; required with them, refused with other options." },
  { group: "Pricing", key: "gpuPurchasePayment", kind: "string", default: "", oneOf: PAYMENTS, description: "Payment of a GPU savings plan or reserved instances; required with them, refused with other options." },
  { group: "Pricing", key: "gpuDiscountPercent", kind: "number", range: { min: 0, minExclusive: true, max: 99 }, default: "", description: "Percent off the On-Demand price that the GPU purchase option gets, stated by you (from your AWS pricing); wins over the catalog's spot, savings-plan and reserved rates and is labelled as yours. Required where the price file has no rate for the option." },
  { group: "Pricing", key: "systemPurchaseOption", kind: "string", default: "on-demand", oneOf: SYSTEM_PURCHASE_OPTIONS, description: "How the system nodes are paid for: `on-demand`, a savings plan or `reserved` (no spot: they run the cluster add-ons)." },
  { group: "Pricing", key: "systemPurchaseTerm", kind: "string", default: "", oneOf: TERMS, description: "Term of a system-node savings plan or reserved instances." },
  { group: "Pricing", key: "systemPurchasePayment", kind: "string", default: "", oneOf: PAYMENTS, description: "Payment of a system-node savings plan or reserved instances." },
  { group: "Pricing", key: "systemDiscountPercent", kind: "number", range: { min: 0, minExclusive: true, max: 99 }, default: "", description: "Percent off the On-Demand price that the system purchase option gets, stated by you." },
  // Traffic
  { group: "Traffic", key: "peakRequestsPerSecond", kind: "number", range: { min: 0, minExclusive: true, max: 1_000_000 }, default: "", description: "Peak requests per second the stack must serve (or give `peakOutputTokensPerSecond`)." },
  { group: "Traffic", key: "peakOutputTokensPerSecond", kind: "number", range: { min: 0, minExclusive: true, max: 1_000_000_000 }, default: "", description: "Peak generated tokens per second (alternative to `peakRequestsPerSecond`)." },
  { group: "Traffic", key: "meanPromptTokens", kind: "integer", range: { min: 1, max: MAX_TOKENS, integer: true }, default: 1024, description: "Mean prompt length, tokens." },
  { group: "Traffic", key: "meanOutputTokens", kind: "integer", range: { min: 1, max: MAX_TOKENS, integer: true }, default: 256, description: "Mean output length, tokens." },
  { group: "Traffic", key: "minTokensPerSecondPerStream", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "10", description: "Latency floor: slowest acceptable generation speed seen by one request, tokens/s." },
  // Scaling
  { group: "Scaling", key: "queueDepthPerReplica", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "2", description: "Autoscaling target: requests waiting in vLLM's queue per replica (`vllm:num_requests_waiting`)." },
  { group: "Scaling", key: "kvCacheUsageTarget", kind: "number", range: { min: 0, minExclusive: true, max: 1 }, default: "0.85", description: "Autoscaling target: mean KV-cache usage across replicas (`vllm:kv_cache_usage_perc`), in (0, 1]." },
  { group: "Scaling", key: "scaleActivationThreshold", kind: "number", range: { min: 0, max: 10_000 }, default: "0", description: "On scale-to-zero stacks: the queue depth above which an idle deployment counts as active." },
  { group: "Scaling", key: "scaleToZeroCooldownSeconds", kind: "optionalInteger", range: { min: 1, max: 604_800, integer: true }, default: "", description: "Idle seconds before a scale-to-zero stack drops its last replica (KEDA `cooldownPeriod`); at least the replica's cold start, so a woken replica always serves before it can be removed; empty = the larger of 900 and the cold start." },
  { group: "Scaling", key: "minReplicas", kind: "integer", range: { min: 0, max: MAX_REPLICAS, integer: true }, default: 1, description: "Fewest inference replicas; 0 scales to zero when idle." },
  { group: "Scaling", key: "maxReplicas", kind: "optionalInteger", range: { min: 1, max: MAX_REPLICAS, integer: true }, default: "", description: "Most inference replicas; empty = what the peak traffic needs." },
  // Network
  { group: "Network", key: "egress", kind: "string", default: "nat", oneOf: ["nat", "none"], description: "Outbound internet for the nodes: `nat` (one NAT gateway on trial stacks, one per zone otherwise) or `none` (no internet route; VPC endpoints for AWS APIs, model weights from S3)." },
  { group: "Network", key: "dockerHubCredentialArn", kind: "string", default: "", description: "Egress none: Secrets Manager secret (name `ecr-pullthroughcache/…`, this region) with Docker Hub credentials, for the ECR pull-through cache of a Docker Hub vLLM image." },
  { group: "Network", key: "ghcrCredentialArn", kind: "string", default: "", description: "Egress none: Secrets Manager secret (name `ecr-pullthroughcache/…`, this region) with a GitHub token, for the ECR pull-through cache of KEDA's ghcr.io images." },
  { group: "Network", key: "nvcrMirror", kind: "string", default: "", description: "Egress none: ECR path (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>`) holding copies of the nvcr.io images (NVIDIA device plugin, DCGM exporter), which ECR cannot cache." },
  { group: "Network", key: "availabilityZoneCount", kind: "optionalInteger", range: { min: 2, max: 3, integer: true }, default: "", description: "Availability zones the VPC spans (2 or 3); empty = 2 on trial stacks, 3 otherwise." },
  { group: "Network", key: "vpcCidr", kind: "string", default: "10.0.0.0/16", description: "IPv4 range of the VPC, /16 to /20. With `vpcId`: required, the primary range of that VPC (checked at `pulumi up`)." },
  { group: "Network", key: "vpcId", kind: "string", default: "", description: "Bring your own VPC (`vpc-…`): hostwise creates no VPC, subnets, NAT gateways or endpoints in it. Needs `privateSubnetIds`, `vpcCidr` and a deployer route (`clusterPrivateAccessCidrs` or a public allowlist)." },
  { group: "Network", key: "privateSubnetIds", kind: "stringArray", default: [], description: "With `vpcId`: the private subnets (`subnet-…`, in 2 or more zones) for the cluster, the nodes and internal load balancers." },
  // Cluster
  { group: "Cluster", key: "kubernetesVersion", kind: "string", default: "1.35", description: "EKS Kubernetes version, pinned (`1.34`, `1.35`, …)." },
  { group: "Cluster", key: "kubernetesSupportType", kind: "string", default: "standard", oneOf: ["standard", "extended"], description: "EKS support policy (`upgradePolicy.supportType`): `standard` (EKS upgrades the control plane when standard support ends) or `extended` (keeps the version, at the extended-support price). The cost estimate prices the same tier." },
  { group: "Cluster", key: "clusterPublicAccessCidrs", kind: "stringArray", default: [], description: "Turn the cluster's public API endpoint on for these CIDRs only (never 0.0.0.0/0); empty = private endpoint only." },
  { group: "Cluster", key: "clusterPublicAccessFromDeployer", kind: "boolean", default: false, description: "Add the public IPv4 address of the machine running the first `pulumi up` (/32) to the public endpoint allowlist; kept in state so later runs (CI previews) do not change it." },
  { group: "Cluster", key: "clusterPrivateAccessCidrs", kind: "stringArray", default: [], description: "Connected networks admitted on port 443 to the private API endpoint (cluster security group): your VPN, peered networks, CI runners inside `vpcId`." },
  { group: "Cluster", key: "clusterAdminArns", kind: "stringArray", default: [], description: "IAM role or user ARNs given cluster-admin access entries (the identity running `pulumi up` is admin already)." },
  { group: "Cluster", key: "logRetentionDays", kind: "integer", range: { min: 1, max: 3_653, integer: true }, default: 30, description: "Retention of the control-plane logs in CloudWatch, days (a CloudWatch retention value)." },
  { group: "Cluster", key: "metricsRetentionDays", kind: "integer", range: { min: 1, max: 400, integer: true }, default: 30, description: "Days of metrics Prometheus keeps: the longest window `hostwise report` can cover (at most 400, about 13 months). Sizes Prometheus' volume (priced in the cost)." },
  // Nodes
  { group: "Nodes", key: "gpuCapacityType", kind: "string", default: "", oneOf: ["on-demand", "spot"], description: "Deprecated: use `gpuPurchaseOption` (`spot` here means `gpuPurchaseOption: spot`; a conflicting pair is an error)." },
  { group: "Nodes", key: "systemInstanceType", kind: "string", default: "m6i.large", description: "Instance type of the small on-demand node group that runs the cluster add-ons." },
  { group: "Nodes", key: "systemNodeCount", kind: "integer", range: { min: 1, max: 100, integer: true }, default: 2, description: "Nodes in the system node group." },
  // Inference endpoint
  { group: "Inference endpoint", key: "vllmImage", kind: "string", default: "vllm/vllm-openai:v0.31.0", description: "vLLM server image, pinned to a version tag (never `latest`)." },
  { group: "Inference endpoint", key: "loadBalancer", kind: "string", default: "none", oneOf: ["none", "internal", "internet-facing"], description: "Expose the endpoint through a Network Load Balancer: `internal` (VPC and peered networks) or `internet-facing` (needs `inferenceAllowedCidrs` and a VPC the stack creates); `none` = in-cluster only." },
  { group: "Inference endpoint", key: "inferenceCertificateArn", kind: "string", default: "", description: "ACM certificate (this region) the load balancer terminates TLS with, on port 443; required for internet-facing, optional for internal (plain HTTP on 8000 without it)." },
  { group: "Inference endpoint", key: "inferenceAllowedCidrs", kind: "stringArray", default: [], description: "CIDRs allowed to call the endpoint through the load balancer (never 0.0.0.0/0)." },
  { group: "Inference endpoint", key: "inferenceClientNamespaces", kind: "stringArray", default: [], description: "Namespaces whose pods may call the endpoint in-cluster (the NetworkPolicy denies all others)." },
  // Entry point (infra/k8s/entry-objects.ts): wakes vLLM from zero, holds requests, overflows to a hosted API
  { group: "Entry point", key: "coldHoldSeconds", kind: "integer", range: { min: 1, max: 300, integer: true }, default: 60, description: "How long the entry point holds a request while no replica (or gateway) is ready before it answers `503` with `Retry-After`, 1–300 (the load balancer's idle timeout is 350 s)." },
  { group: "Entry point", key: "fallbackApi", kind: "string", default: "", description: "Hosted API (`provider/model` from the catalog) that serves requests while vLLM is cold, full or failing (hybrid): adds the LiteLLM gateway; needs `egress: nat`; empty = no fallback." },
  { group: "Entry point", key: "fallbackApiKey", kind: "string", default: "", secret: true, description: "The fallback API's key (`pulumi config set --secret`); required for every provider but `bedrock/*`, which calls Bedrock with the gateway's own IAM role." },
  { group: "Entry point", key: "overflowQueueDepth", kind: "optionalInteger", range: { min: 1, max: 10_000, integer: true }, default: "", description: "With a fallback: requests each replica may queue beyond `maxNumSeqs` before new ones go to the hosted API (vLLM `--max-num-queued-reqs`); empty = `queueDepthPerReplica` rounded up." },
  // Cost assumptions (usage-priced items; every output labels them as assumptions)
  { group: "Cost assumptions", key: "expectedUtilization", kind: "number", range: { min: 0, minExclusive: true, max: 1 }, default: "0.5", description: "Share of the peak fleet's capacity used on average over a month, in (0, 1]: sets the expected node count and the $ per 1M tokens." },
  { group: "Cost assumptions", key: "natDataGbPerMonth", kind: "number", range: { min: 0, max: 10_000_000 }, default: "100", description: "Data through each NAT gateway per month, GB (image pulls, weight downloads)." },
  { group: "Cost assumptions", key: "endpointDataGbPerMonth", kind: "number", range: { min: 0, max: 10_000_000 }, default: "10", description: "Data through each VPC interface endpoint per month, GB (egress none)." },
  { group: "Cost assumptions", key: "logIngestionGbPerMonth", kind: "number", range: { min: 0, max: 10_000_000 }, default: "10", description: "Control-plane logs ingested into CloudWatch per month, GB." },
  { group: "Cost assumptions", key: "nlbCapacityUnits", kind: "number", range: { min: 0, max: 1_000_000 }, default: "1", description: "Average Network Load Balancer capacity units (NLCU) in use." },
  { group: "Cost assumptions", key: "internetDataOutGbPerMonth", kind: "number", range: { min: 0, max: 10_000_000 }, default: "10", description: "Data an internet-facing load balancer sends to clients per month, GB (responses; AWS bills data out to the internet, not in). Priced only with loadBalancer internet-facing." },
  { group: "Cost assumptions", key: "engineerHoursPerMonth", kind: "number", range: { min: 0, max: 100_000 }, default: "", description: "People cost: engineer hours a month spent running the stack; empty = left out." },
  { group: "Cost assumptions", key: "engineerHourlyUsd", kind: "number", range: { min: 0, max: 10_000 }, default: "", description: "People cost: loaded cost of an engineer hour, USD." },
  // Hosted API
  { group: "Hosted API", key: "hostedApi", kind: "string", default: "", description: "Hosted API to compare with, `provider/model` from the catalog; empty = Bedrock Llama 3.3 70B for 20B+ models, Llama 3.1 8B below." },
  { group: "Hosted API", key: "hostedApiInputPrice", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "", description: "Override the hosted API's input price, USD per 1M tokens." },
  { group: "Hosted API", key: "hostedApiOutputPrice", kind: "number", range: { min: 0, minExclusive: true, max: 10_000 }, default: "", description: "Override the hosted API's output price, USD per 1M tokens." },
];

/** Each hostwise:instancePrices entry's price, USD per instance-hour (the dearest GPU instance lists below $100). */
export const INSTANCE_PRICE_RANGE = { min: 0, minExclusive: true, max: 1_000 } as const;

/** Provider keys a stack must set; Pulumi.yaml cannot declare them, so they are documented in the README. */
export const REGION_KEY = "aws:region";
/** The AWS CLI profile the provider uses; the kubeconfig's `aws eks get-token` uses it too. */
export const PROFILE_KEY = "aws:profile";

/**
 * Every config key of the aws provider hostwise uses (the default provider reads them): the names declared in
 * node_modules/@pulumi/aws/config/vars.d.ts of @pulumi/aws 7.48 (test/config.test.ts checks the list against
 * the installed package). Any other `aws:` key is a typo.
 */
export const AWS_PROVIDER_KEYS = [
  "accessKey", "allowedAccountIds", "assumeRoleWithWebIdentity", "assumeRoles", "customCaBundle", "defaultTags",
  "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints", "forbiddenAccountIds", "httpProxy",
  "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy", "profile", "region", "retryMode",
  "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey", "sharedConfigFiles", "sharedCredentialsFiles",
  "skipCredentialsValidation", "skipMetadataApiCheck", "skipRegionValidation", "skipRequestingAccountId", "stsRegion",
  "tagPolicyCompliance", "token", "tokenBucketRateLimiterCapacity", "useDualstackEndpoint", "useFipsEndpoint", "userAgents",
].map((k) => `aws:${k}`);

/** The engine's own namespace (pulumi:tags, pulumi:disable-default-providers, …): not checked by hostwise. */
export const ENGINE_NAMESPACE = "pulumi";

/** The type Pulumi.yaml declares for a kind. */
export function pulumiType(kind: ConfigKind): "string" | "integer" | "boolean" | "array" {
  switch (kind) {
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "stringArray":
      return "array";
    default:
      return "string";
  }
}

export function findConfigKey(key: string): ConfigKeySpec | undefined {
  return CONFIG_KEYS.find((k) => k.key === key);
}
