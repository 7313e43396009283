import { EKS_ADDON_VERSIONS, hasAddonVersions } from "../catalog/eks-addons";
import { supportTier, EKS_VERSIONS } from "../catalog/eks-versions";
import type { Purchase } from "../catalog/purchase-options";
import { parseCidr, isPrivate } from "./cidr";
import type { ConfigReader } from "./read";
import { setHint } from "./read";
import type { ClusterSpec, ExistingVpc, InferenceSpec, ModelSpec, NetworkSpec, NodesSpec, RegistrySpec } from "./spec";
import { qualified } from "./read";

// Readers for the deployment side of the stack config: network, cluster, node groups, inference endpoint.

/**
 * What every AWS service accepts in a tag value (IAM's tagValueType, the strictest of the tagged services):
 * letters, numbers and spaces in any script, and _ . : / = + - @, at most 256 characters.
 */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** A stack key that becomes an AWS tag value on every resource (owner, costCenter, environment). */
export function checkTagValue(r: ConfigReader, key: string, value: string | undefined, example: string): void {
  if (value === undefined || TAG_VALUE.test(value)) return;
  const what = value.length > 256 ? `is ${value.length} characters; AWS tag values take 256` : `"${value}" has characters AWS rejects in a tag value`;
  r.fail(key, `${what} (every resource carries it as a tag: letters, digits, spaces and _ . : / = + - @ only)`, setHint(key, example));
}

/** CloudWatch Logs accepts only these retention periods, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** A pull-through cache credential: a Secrets Manager secret named ecr-pullthroughcache/… (AWS's constraint). */
const CACHE_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;
/** A private ECR registry path: <account>.dkr.ecr.<region>.amazonaws.com[/<prefix>]. */
const ECR_PATH = /^\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com((?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)$/;

/** An ARN or ECR path whose region must be the stack's (`region` undefined: reported on aws:region). */
function readRegional(r: ConfigReader, key: string, pattern: RegExp, region: string | undefined, what: string, example: string): string | undefined {
  const value = r.string(key);
  if (value === undefined) return undefined;
  const m = pattern.exec(value);
  if (!m) return r.fail(key, `"${value}" is not ${what}`, setHint(key, example));
  if (region && m[1] !== region) return r.fail(key, `${value} is in ${m[1]}, not the stack's region ${region}`, `use one in ${region}: ${setHint(key, example.replace("us-east-1", region))}`);
  return value;
}

export function readRegistries(r: ConfigReader, region: string | undefined): RegistrySpec {
  const secret = (key: string) => readRegional(r, key, CACHE_SECRET_ARN, region, "a Secrets Manager secret ARN named ecr-pullthroughcache/…",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/registry-AbCdEf");
  const dockerHubCredentialArn = secret("dockerHubCredentialArn");
  const ghcrCredentialArn = secret("ghcrCredentialArn");
  const nvcrMirror = readRegional(r, "nvcrMirror", ECR_PATH, region, "an ECR registry path (<account>.dkr.ecr.<region>.amazonaws.com/<prefix>)",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr");
  return {
    ...(dockerHubCredentialArn ? { dockerHubCredentialArn } : {}),
    ...(ghcrCredentialArn ? { ghcrCredentialArn } : {}),
    ...(nvcrMirror ? { nvcrMirror } : {}),
  };
}

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** hostwise:vpcId and privateSubnetIds: both or neither, well-formed, two subnets at least (EKS needs two zones). */
function readExistingVpc(r: ConfigReader): ExistingVpc | undefined | "invalid" {
  const vpcId = r.string("vpcId");
  const subnetIds = r.stringList("privateSubnetIds");
  if (vpcId === undefined && subnetIds.length === 0) return undefined;
  const issues = r.issues.length;
  if (vpcId === undefined) r.fail("vpcId", "is not set, and privateSubnetIds only applies to a VPC you bring", `${setHint("vpcId", "vpc-0123456789abcdef0")}, or remove privateSubnetIds`);
  else if (!VPC_ID.test(vpcId)) r.fail("vpcId", `"${vpcId}" is not a VPC id`, setHint("vpcId", "vpc-0123456789abcdef0"));
  if (vpcId !== undefined && subnetIds.length === 0) {
    r.fail("privateSubnetIds", "is empty: a VPC you bring needs the private subnets for the cluster and nodes", `list them: pulumi config set --path '${qualified("privateSubnetIds")}[0]' subnet-…`);
  }
  for (const id of subnetIds) if (!SUBNET_ID.test(id)) r.fail("privateSubnetIds", `"${id}" is not a subnet id`, "list subnet ids like subnet-0123456789abcdef0");
  if (new Set(subnetIds).size !== subnetIds.length) r.fail("privateSubnetIds", "lists a subnet twice", "list each private subnet once");
  if (subnetIds.length === 1) r.fail("privateSubnetIds", "lists one subnet; EKS needs subnets in at least two availability zones", "add a private subnet in another zone");
  if (r.isSet("availabilityZoneCount")) {
    r.fail("availabilityZoneCount", "applies only to the VPC hostwise creates; with vpcId the zones are those of privateSubnetIds", `pulumi config rm ${qualified("availabilityZoneCount")}`);
  }
  if (!r.isExplicit("vpcCidr")) {
    r.fail("vpcCidr", "must be given with vpcId: the primary IPv4 range of that VPC (the default 10.0.0.0/16 would only be a guess)", `${setHint("vpcCidr", "<the VPC's CIDR>")} (aws ec2 describe-vpcs --vpc-ids <vpcId>)`);
  }
  return r.issues.length > issues ? "invalid" : { vpcId: vpcId!, privateSubnetIds: subnetIds };
}


export function readNetwork(r: ConfigReader, trial: boolean | undefined, region: string | undefined): NetworkSpec | undefined {
  const egress = r.string("egress") as NetworkSpec["egress"] | undefined;
  const zones = r.number("availabilityZoneCount");
  const vpcCidr = r.string("vpcCidr");
  const registries = readRegistries(r, region);
  if (egress === "nat") {
    for (const key of ["dockerHubCredentialArn", "ghcrCredentialArn", "nvcrMirror"]) {
      if (r.isSet(key)) r.fail(key, "is only used with egress none (images then come through ECR); with NAT egress the nodes pull from the upstream registries", `pulumi config rm ${qualified(key)}, or ${setHint("egress", "none")}`);
    }
  }
  const cidr = vpcCidr === undefined ? undefined : parseCidr(vpcCidr);
  if (vpcCidr !== undefined && !cidr) r.fail("vpcCidr", `"${vpcCidr}" is not an IPv4 network in CIDR form`, setHint("vpcCidr", "10.0.0.0/16"));
  else if (cidr && (cidr.prefix < 16 || cidr.prefix > 20)) r.fail("vpcCidr", `/${cidr.prefix} is outside /16 to /20 (AWS allows /16 at most; /20 leaves room for three zones' subnets)`, setHint("vpcCidr", "10.0.0.0/16"));
  const existingVpc = readExistingVpc(r);
  if (!egress || trial === undefined || !cidr || cidr.prefix < 16 || cidr.prefix > 20 || (r.isSet("availabilityZoneCount") && zones === undefined) || existingVpc === "invalid") return undefined;
  if (existingVpc) {
    return { egress, availabilityZoneCount: existingVpc.privateSubnetIds.length, vpcCidr: vpcCidr!, natGateways: "none", registries, existingVpc };
  }
  return {
    egress,
    availabilityZoneCount: zones ?? (trial ? 2 : 3),
    vpcCidr: vpcCidr!,
    natGateways: egress === "none" ? "none" : trial ? "single" : "perZone",
    registries,
  };
}

export function readCluster(r: ConfigReader, now: Date, awsProfile: string | undefined): ClusterSpec | undefined {
  const version = r.string("kubernetesVersion");
  const supportType = r.string("kubernetesSupportType") as ClusterSpec["supportType"] | undefined;
  if (version !== undefined) {
    const known = EKS_VERSIONS.map((v) => v.version);
    const newest = known[known.length - 1]!;
    if (!/^1\.\d+$/.test(version)) {
      r.fail("kubernetesVersion", `"${version}" is not a Kubernetes minor version like ${newest}`, setHint("kubernetesVersion", newest));
    } else {
      const tier = supportTier(version, now);
      const standard = known.filter((v) => supportTier(v, now) === "standard");
      if (tier === undefined || tier === "ended") {
        r.fail("kubernetesVersion", `${version} is no longer supported by EKS`, `use ${standard.join(" or ")}: ${setHint("kubernetesVersion", newest)}`);
      } else if (tier === "extended" && supportType === "standard") {
        r.fail("kubernetesVersion", `${version} has left EKS standard support, and kubernetesSupportType standard lets EKS upgrade the control plane itself`,
          `upgrade: ${setHint("kubernetesVersion", standard[standard.length - 1] ?? newest)}, or keep it at the extended-support price: ${setHint("kubernetesSupportType", "extended")}`);
      } else if (!hasAddonVersions(version)) {
        r.fail("kubernetesVersion", `${version} has no pinned EKS add-on versions in infra/catalog/eks-addons.ts (kube-proxy and CoreDNS are built per Kubernetes version)`,
          `use ${Object.keys(EKS_ADDON_VERSIONS).filter((v) => supportTier(v, now) === "standard").join(" or ")}, or add the versions from \`aws eks describe-addon-versions --kubernetes-version ${version}\` to the catalog`);
      }
    }
  }
  const publicAccessCidrs = r.stringList("clusterPublicAccessCidrs");
  const publicAccessFromDeployer = r.boolean("clusterPublicAccessFromDeployer");
  for (const text of publicAccessCidrs) {
    const cidr = parseCidr(text);
    if (!cidr) r.fail("clusterPublicAccessCidrs", `"${text}" is not an IPv4 network in CIDR form`, "list your office or VPN egress ranges, e.g. [\"203.0.113.0/24\"]");
    else if (cidr.prefix === 0) r.fail("clusterPublicAccessCidrs", `${text} would open the Kubernetes API to the whole internet`, "list only the ranges that must reach the API, or leave the list empty to keep the endpoint private");
    else if (isPrivate(cidr)) r.fail("clusterPublicAccessCidrs", `${text} is a private range, which never reaches a public endpoint`, "private networks reach the API through the private endpoint already: remove it");
  }
  const privateAccessCidrs = r.stringList("clusterPrivateAccessCidrs");
  for (const text of privateAccessCidrs) {
    const cidr = parseCidr(text);
    if (!cidr) r.fail("clusterPrivateAccessCidrs", `"${text}" is not an IPv4 network in CIDR form`, "list your VPN or runner ranges, e.g. [\"10.20.0.0/16\"]");
    else if (cidr.prefix === 0) r.fail("clusterPrivateAccessCidrs", `${text} would admit every address to the Kubernetes API`, "list only the networks that must reach the API");
  }
  const adminArns = r.stringList("clusterAdminArns");
  for (const arn of adminArns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
      r.fail("clusterAdminArns", `"${arn}" is not an IAM role or user ARN`, "use arn:aws:iam::<account>:role/<name> (not an assumed-role session ARN)");
    }
  }
  const logRetentionDays = r.number("logRetentionDays");
  if (logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    r.fail("logRetentionDays", `${logRetentionDays} is not a CloudWatch Logs retention period`, `use one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  const metricsRetentionDays = r.number("metricsRetentionDays");
  if (version === undefined || supportType === undefined || publicAccessFromDeployer === undefined || logRetentionDays === undefined || metricsRetentionDays === undefined) return undefined;
  return {
    kubernetesVersion: version,
    supportType,
    publicAccessCidrs,
    publicAccessFromDeployer,
    privateAccessCidrs,
    adminArns,
    logRetentionDays,
    metricsRetentionDays,
    ...(awsProfile ? { awsProfile } : {}),
  };
}

/**
 * The first `pulumi up` installs Kubernetes objects right after creating the cluster, from the machine running
 * it: that machine needs a route to the API. A VPC the stack creates has no VPN or runner in it yet, so only a
 * public allowlist (given, or the deployer's own address) reaches it; a VPC the stack brings can be reached
 * from connected networks admitted on 443.
 */
export function checkDeployerRoute(r: ConfigReader, network: NetworkSpec, cluster: ClusterSpec): void {
  const publicRoute = cluster.publicAccessCidrs.length > 0 || cluster.publicAccessFromDeployer;
  if (publicRoute) return;
  const allowlist = `pulumi config set --path '${qualified("clusterPublicAccessCidrs")}[0]' <your egress>/32`;
  if (!network.existingVpc) {
    r.fail("clusterPublicAccessCidrs",
      "is empty, so nothing can reach the cluster API on the first pulumi up: the endpoint is private and this stack creates its VPC, which no VPN or CI runner can be in yet " +
      "(keys: clusterPublicAccessCidrs, clusterPublicAccessFromDeployer, vpcId + privateSubnetIds + clusterPrivateAccessCidrs)",
      `allow your egress range: ${allowlist}; or ${setHint("clusterPublicAccessFromDeployer", "true")}; or bring a VPC your network reaches (vpcId, privateSubnetIds) and admit it with clusterPrivateAccessCidrs`);
  } else if (cluster.privateAccessCidrs.length === 0) {
    r.fail("clusterPrivateAccessCidrs",
      `is empty, so nothing reaches the private API endpoint in ${network.existingVpc.vpcId}: the cluster security group admits only itself ` +
      "(keys: clusterPrivateAccessCidrs, clusterPublicAccessCidrs, clusterPublicAccessFromDeployer)",
      `admit the network pulumi runs from (VPN, CI runner subnet): pulumi config set --path '${qualified("clusterPrivateAccessCidrs")}[0]' 10.20.0.0/16; or ${allowlist}`);
  }
}

/** The node groups; the GPU group runs SPOT capacity when its purchase option is spot. */
export function readNodes(r: ConfigReader, gpu: Purchase | undefined): NodesSpec | undefined {
  const gpuCapacityType = gpu && (gpu.option === "spot" ? "spot" : "on-demand");
  const systemInstanceType = r.string("systemInstanceType");
  if (systemInstanceType !== undefined && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(systemInstanceType)) {
    r.fail("systemInstanceType", `"${systemInstanceType}" is not an EC2 instance type`, setHint("systemInstanceType", "m6i.large"));
  }
  const systemNodeCount = r.number("systemNodeCount");
  if (!gpuCapacityType || !systemInstanceType || systemNodeCount === undefined) return undefined;
  return { gpuCapacityType, systemInstanceType, systemNodeCount };
}

/** A pinned image reference: a version tag (v0.11.0, 0.11.0-cu128) or a digest, never `latest`. */
const PINNED_IMAGE = /^[a-z0-9][a-z0-9./_-]*(:v?\d+\.\d+\.\d+[A-Za-z0-9._-]*|@sha256:[a-f0-9]{64})$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** S3 object key prefix: printable key characters, no empty or ".." segment. */
const S3_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

export function readInference(r: ConfigReader, model: ModelSpec | undefined, region: string | undefined, egress: string | undefined): InferenceSpec | undefined {
  const image = r.string("vllmImage");
  if (image !== undefined && !PINNED_IMAGE.test(image)) {
    r.fail("vllmImage", `"${image}" is not pinned to a version tag or digest`, setHint("vllmImage", "vllm/vllm-openai:v0.31.0"));
  }
  const loadBalancer = r.string("loadBalancer") as InferenceSpec["loadBalancer"] | undefined;
  const allowedCidrs = r.stringList("inferenceAllowedCidrs");
  for (const text of allowedCidrs) {
    const cidr = parseCidr(text);
    if (!cidr) r.fail("inferenceAllowedCidrs", `"${text}" is not an IPv4 network in CIDR form`, "list the client ranges, e.g. [\"10.20.0.0/16\"]");
    else if (cidr.prefix === 0) r.fail("inferenceAllowedCidrs", `${text} would open the endpoint to everyone`, "list only the client ranges that must call the endpoint");
  }
  if (loadBalancer === "internet-facing" && allowedCidrs.length === 0) {
    r.fail("inferenceAllowedCidrs", "is empty, and an internet-facing load balancer needs an allowlist", `set the client ranges: pulumi config set --path '${qualified("inferenceAllowedCidrs")}[0]' 203.0.113.0/24, or use loadBalancer internal`);
  }
  const clientNamespaces = r.stringList("inferenceClientNamespaces");
  for (const ns of clientNamespaces) {
    if (!DNS_LABEL.test(ns)) r.fail("inferenceClientNamespaces", `"${ns}" is not a Kubernetes namespace name`, "use lower-case letters, digits and '-'");
  }
  const certificateArn = readRegional(r, "inferenceCertificateArn", CERTIFICATE_ARN, region, "an ACM certificate ARN",
    "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  if (loadBalancer === "internet-facing" && !r.isSet("inferenceCertificateArn")) {
    r.fail("inferenceCertificateArn", "is required for an internet-facing load balancer: without it the API key would cross the internet in plain HTTP",
      `request or import a certificate in ACM for the endpoint's name, then ${setHint("inferenceCertificateArn", "arn:aws:acm:<region>:<account>:certificate/<id>")}`);
  }
  if (loadBalancer === "none" && r.isSet("inferenceCertificateArn")) {
    r.fail("inferenceCertificateArn", "is set but there is no load balancer to terminate TLS on", `pulumi config rm ${qualified("inferenceCertificateArn")}, or ${setHint("loadBalancer", "internal")}`);
  }
  const weightsSource = (r.string("weightsSource") ?? (egress === "none" ? "s3" : "huggingface")) as InferenceSpec["weightsSource"];
  if (egress === "none" && weightsSource === "huggingface") {
    r.fail("weightsSource", "huggingface needs internet egress, and egress none has no route to Hugging Face",
      `${setHint("weightsSource", "s3")} and copy the checkpoint into the stack's weights bucket (README: egress modes), or ${setHint("egress", "nat")}`);
  }
  const prefixText = r.string("weightsPrefix");
  if (prefixText !== undefined && !S3_PREFIX.test(prefixText)) {
    r.fail("weightsPrefix", `"${prefixText}" is not an S3 key prefix (no leading or trailing '/', no empty or '..' part)`, setHint("weightsPrefix", "TheBloke/Llama-2-13B-chat-AWQ"));
  } else if (prefixText !== undefined && prefixText.split("/").includes("..")) {
    r.fail("weightsPrefix", `"${prefixText}" has a '..' part`, setHint("weightsPrefix", "TheBloke/Llama-2-13B-chat-AWQ"));
  }
  if (prefixText !== undefined && weightsSource !== "s3") {
    r.fail("weightsPrefix", "is only used when vLLM streams the weights from S3", `pulumi config rm ${qualified("weightsPrefix")}, or ${setHint("weightsSource", "s3")}`);
  }
  const huggingFaceTokenSet = r.isSet("huggingFaceToken");
  if (weightsSource === "huggingface" && model && model.gated && model.checkpoint === model.id && !huggingFaceTokenSet) {
    r.fail("huggingFaceToken", `${model.id} is gated on Hugging Face: vLLM needs a token of an account that accepted its licence`,
      `pulumi config set --secret ${qualified("huggingFaceToken")} hf_... (or point hostwise:checkpoint at an ungated copy)`);
  }
  if (!image || !loadBalancer || !model) return undefined;
  return {
    image, loadBalancer, allowedCidrs, clientNamespaces, huggingFaceTokenSet, weightsSource,
    weightsPrefix: prefixText ?? model.checkpoint,
    ...(certificateArn ? { certificateArn } : {}),
  };
}
