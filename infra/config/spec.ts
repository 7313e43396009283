import type { RegionPrices } from "../catalog/aws-prices";
import type { ModelArchitecture } from "../catalog/models";
import type { Purchase } from "../catalog/purchase-options";

export type Dtype = "auto" | "bfloat16" | "float16";
export type Quantization = "none" | "awq" | "gptq" | "fp8";
export type KvCacheDtype = "auto" | "fp8";

/** When a trial stack expires: a fixed time, or a duration after the stack is created. */
export type Expiry = { readonly kind: "at"; readonly at: Date } | { readonly kind: "after"; readonly hours: number; readonly text: string };

export interface ModelSpec {
  readonly id: string;
  /** Repository vLLM loads (`--model`). */
  readonly checkpoint: string;
  readonly servedModelName: string;
  readonly architecture: ModelArchitecture;
  /** Described by hostwise:custom* keys rather than the catalog. */
  readonly custom: boolean;
  /** Needs a Hugging Face token (catalog models only; custom ones are assumed open). */
  readonly gated: boolean;
}

export interface ServingSpec {
  readonly dtype: Dtype;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly maxModelLen: number;
  readonly minConcurrentSequences: number;
  readonly maxNumSeqs: number;
  readonly gpuMemoryUtilization: number;
  readonly enablePrefixCaching: boolean;
}

export interface PlacementSpec {
  readonly region: string;
  readonly instanceType?: string;
  readonly tensorParallelSize?: number;
}

/** Where the stack's prices come from and how its nodes are paid for. */
export interface PricingSpec {
  /** The stack's region's prices (the built-in catalog or hostwise:priceCatalogFile), and only that region's. */
  readonly prices: RegionPrices;
  /** On-Demand USD per hour by instance type in the stack's region, from hostwise:instancePrices. */
  readonly instancePrices: Readonly<Record<string, number>>;
  readonly gpu: Purchase;
  readonly system: Purchase;
}

export interface TrafficSpec {
  /** Peak load, normalised to requests/s; undefined = no traffic given (cheapest plan that fits). */
  readonly peakRequestsPerSecond?: number;
  /** What the stack gave, for display: requests/s or output tokens/s. */
  readonly given: "requests" | "outputTokens" | "none";
  readonly meanPromptTokens: number;
  readonly meanOutputTokens: number;
  readonly minTokensPerSecondPerStream: number;
}

export interface ScalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas?: number;
  readonly queueDepthPerReplica: number;
  readonly kvCacheUsageTarget: number;
  readonly activationThreshold: number;
  /** Given by the stack; undefined = derived from the cold start (sizing/scale-to-zero.ts). */
  readonly scaleToZeroCooldownSeconds?: number;
}

export interface InferenceSpec {
  readonly image: string;
  readonly loadBalancer: "none" | "internal" | "internet-facing";
  readonly allowedCidrs: readonly string[];
  readonly clientNamespaces: readonly string[];
  /** hostwise:huggingFaceToken is set (its value is read as a Pulumi secret where it is used). */
  readonly huggingFaceTokenSet: boolean;
  /** ACM certificate the load balancer terminates TLS with (required for internet-facing). */
  readonly certificateArn?: string;
  /** Where vLLM reads the weights: downloaded from Hugging Face, or streamed from the stack's S3 bucket. */
  readonly weightsSource: "huggingface" | "s3";
  /** Key prefix of the checkpoint in the weights bucket (s3 only). */
  readonly weightsPrefix: string;
}

/** The hosted API the entry point's gateway sends requests to while vLLM is cold, full or failing. */
export interface FallbackSpec {
  /** Catalog id (`provider/model`), hostwise:fallbackApi. */
  readonly api: string;
  /** The model id LiteLLM calls, and how it authenticates (hostwise:fallbackApiKey, or the gateway's IAM role). */
  readonly litellmModel: string;
  readonly auth: "api-key" | "aws-iam";
  /** Its prices, USD per 1M tokens: the catalog's, or hostedApiInput/OutputPrice when hostedApi is the same API. */
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** Requests a replica may queue beyond maxNumSeqs before vLLM answers 503 and the gateway falls back. */
  readonly overflowQueueDepth: number;
}

/** The stack's entry point: the KEDA HTTP interceptor, and the gateway when there is a fallback. */
export interface EntrySpec {
  /** Longest a request waits for a ready backend before the responder's 503 + Retry-After. */
  readonly coldHoldSeconds: number;
  readonly fallback?: FallbackSpec;
}

/** Where images come from when the nodes have no internet route (egress none). */
export interface RegistrySpec {
  /** Secrets Manager secrets for the pull-through cache rules of registries that require credentials. */
  readonly dockerHubCredentialArn?: string;
  readonly ghcrCredentialArn?: string;
  /** ECR path holding copies of the nvcr.io images (ECR cannot cache nvcr.io). */
  readonly nvcrMirror?: string;
}

/** A VPC the stack brings (hostwise:vpcId): hostwise creates nothing in it but the cluster and its nodes. */
export interface ExistingVpc {
  readonly vpcId: string;
  readonly privateSubnetIds: readonly string[];
}

export interface NetworkSpec {
  readonly egress: "nat" | "none";
  /** Zones the kit's VPC spans; with an existing VPC, the number of private subnets given. */
  readonly availabilityZoneCount: number;
  readonly vpcCidr: string;
  /** One NAT gateway (trial stacks) or one per availability zone; none without NAT egress or with an existing VPC. */
  readonly natGateways: "single" | "perZone" | "none";
  readonly registries: RegistrySpec;
  /** Set when the stack brings its own VPC; absent = hostwise creates the VPC. */
  readonly existingVpc?: ExistingVpc;
}

export interface ClusterSpec {
  readonly kubernetesVersion: string;
  /** EKS upgradePolicy.supportType; the cost estimate prices the same tier. */
  readonly supportType: "standard" | "extended";
  /** Empty = private API endpoint only (unless publicAccessFromDeployer). */
  readonly publicAccessCidrs: readonly string[];
  /** Add the deployer's own egress address, resolved at the first `pulumi up`, to the public allowlist. */
  readonly publicAccessFromDeployer: boolean;
  /** Connected networks admitted on 443 to the cluster security group (the private endpoint). */
  readonly privateAccessCidrs: readonly string[];
  readonly adminArns: readonly string[];
  readonly logRetentionDays: number;
  /** The stack's aws:profile, which the kubeconfig's `aws eks get-token` must use too. */
  readonly awsProfile?: string;
  /** Days of metrics Prometheus keeps (its retention and volume follow). */
  readonly metricsRetentionDays: number;
}

export interface NodesSpec {
  /** SPOT capacity when the GPU purchase option is spot. */
  readonly gpuCapacityType: "on-demand" | "spot";
  readonly systemInstanceType: string;
  readonly systemNodeCount: number;
}

/** Usage assumptions for usage-priced items, and the optional people cost. */
export interface UsageSpec {
  readonly expectedUtilization: number;
  readonly natDataGbPerMonth: number;
  readonly endpointDataGbPerMonth: number;
  readonly logIngestionGbPerMonth: number;
  readonly nlbCapacityUnits: number;
  /** GB an internet-facing load balancer sends to clients a month (data transfer out to the internet). */
  readonly internetDataOutGbPerMonth: number;
  readonly people?: { readonly hoursPerMonth: number; readonly hourlyUsd: number };
}

export interface HostedApiSpec {
  readonly id: string;
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
  /** A price came from stack config rather than the catalog. */
  readonly overridden: boolean;
}

/** A stack's validated configuration: everything downstream reads this, never raw config. */
export interface StackSpec {
  readonly stack: string;
  readonly environment: string;
  readonly owner: string;
  readonly costCenter: string;
  readonly trial: boolean;
  readonly expiry?: Expiry;
  readonly model: ModelSpec;
  readonly serving: ServingSpec;
  readonly placement: PlacementSpec;
  readonly pricing: PricingSpec;
  readonly traffic: TrafficSpec;
  readonly scaling: ScalingSpec;
  readonly network: NetworkSpec;
  readonly cluster: ClusterSpec;
  readonly nodes: NodesSpec;
  readonly inference: InferenceSpec;
  readonly entry: EntrySpec;
  readonly usage: UsageSpec;
  readonly hostedApi: HostedApiSpec;
}
