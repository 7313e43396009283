import { REQUIRED_TAG_KEYS } from "../aws/tags";
import { DEPLOY_RULES, DEPLOY_STACK_RULES } from "./deploy-rules";
import { DEPLOYABLE_RULES, DEPLOYABLE_STACK_RULES } from "./deployable-rules";
import { isGpuNodeGroup, list, parseJson, T, type Rule, type StackRule } from "./rule-kit";

// The kit's guardrails as pure functions over a resource's type and inputs: tests run them in-process over
// what the program registers, and policies.ts wraps them for `pulumi preview --policy-pack infra/policy`.

export type { ResourceView, Rule, StackResourceView, StackRule } from "./rule-kit";

/** AWS resource types that take no tags. */
export const UNTAGGABLE_TYPES = new Set([
  "aws:ec2/route:Route",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  "aws:autoscaling/tag:Tag",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
]);

const OPEN_CIDRS = new Set(["0.0.0.0/0", "::/0"]);

export const privateClusterEndpoint: Rule = {
  name: "eks-private-endpoint",
  description: "EKS API endpoints are private; a public endpoint needs a CIDR allowlist without 0.0.0.0/0.",
  check: (r) => {
    if (r.type !== T.cluster) return [];
    const vpc = r.props.vpcConfig ?? {};
    const out: string[] = [];
    if (vpc.endpointPrivateAccess !== true) out.push("the private API endpoint is off");
    if (vpc.endpointPublicAccess !== false) {
      const cidrs = list(vpc.publicAccessCidrs);
      if (cidrs.length === 0) out.push("the public API endpoint is on without a CIDR allowlist");
      if (cidrs.some((c) => OPEN_CIDRS.has(c))) out.push("the public API endpoint is open to 0.0.0.0/0");
    }
    return out;
  },
};

export const imdsV2Required: Rule = {
  name: "imdsv2-required",
  description: "Launch templates require IMDSv2 session tokens.",
  check: (r) =>
    r.type === T.launchTemplate && r.props.metadataOptions?.httpTokens !== "required"
      ? ["metadataOptions.httpTokens is not \"required\" (IMDSv1 stays reachable)"]
      : [],
};

export const encryptionAtRest: Rule = {
  name: "encryption-at-rest",
  description: "EBS volumes and Kubernetes secrets are encrypted at rest.",
  check: (r) => {
    switch (r.type) {
      case T.launchTemplate:
        return list(r.props.blockDeviceMappings)
          .filter((b) => b.ebs && String(b.ebs.encrypted) !== "true")
          .map((b) => `volume ${b.deviceName ?? "?"} is not encrypted`);
      case "aws:ebs/volume:Volume":
        return r.props.encrypted === true ? [] : ["the EBS volume is not encrypted"];
      case T.cluster:
        return list(r.props.encryptionConfig).some((c) => list(c.resources).includes("secrets") && c.provider?.keyArn)
          ? []
          : ["Kubernetes secrets are not envelope-encrypted with a KMS key"];
      default:
        return [];
    }
  },
};

export const noOpenIngress: Rule = {
  name: "no-open-ingress",
  description: "No security group admits traffic from 0.0.0.0/0 or ::/0.",
  check: (r) => {
    const open = (cidrs: unknown) => list(cidrs).some((c) => OPEN_CIDRS.has(c));
    switch (r.type) {
      case "aws:ec2/securityGroup:SecurityGroup":
        return list(r.props.ingress)
          .filter((i) => open(i.cidrBlocks) || open(i.ipv6CidrBlocks))
          .map((i) => `ingress on ports ${i.fromPort}-${i.toPort} is open to the internet`);
      case "aws:ec2/securityGroupRule:SecurityGroupRule":
        return r.props.type === "ingress" && (open(r.props.cidrBlocks) || open(r.props.ipv6CidrBlocks)) ? ["ingress rule open to the internet"] : [];
      case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        return open(r.props.cidrIpv4) || open(r.props.cidrIpv6) ? ["ingress rule open to the internet"] : [];
      default:
        return [];
    }
  },
};

export const gpuNodesTainted: Rule = {
  name: "gpu-nodes-tainted",
  description: "GPU node groups carry the nvidia.com/gpu NoSchedule taint, so only GPU workloads land on them.",
  check: (r) => {
    if (!isGpuNodeGroup(r)) return [];
    return list(r.props.taints).some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")
      ? []
      : ["GPU node group without the nvidia.com/gpu NoSchedule taint"];
  },
};

export const requiredTags: Rule = {
  name: "required-tags",
  description: `Every taggable AWS resource carries the kit's tags: ${REQUIRED_TAG_KEYS.join(", ")}.`,
  check: (r) => {
    if (!r.type.startsWith("aws:") || UNTAGGABLE_TYPES.has(r.type)) return [];
    const tags = r.props.tags ?? {};
    const missing = REQUIRED_TAG_KEYS.filter((k) => typeof tags[k] !== "string" || tags[k] === "");
    return missing.length > 0 ? [`missing tags: ${missing.join(", ")}`] : [];
  },
};

const POLICY_DOCUMENT_TYPES = new Set([
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
]);

export const noWildcardIam: Rule = {
  name: "no-wildcard-iam",
  description: "No IAM policy allows every action on every resource, and no role gets AdministratorAccess.",
  check: (r) => {
    if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
      return String(r.props.policyArn ?? "").endsWith(":policy/AdministratorAccess") ? ["AdministratorAccess attached"] : [];
    }
    if (!POLICY_DOCUMENT_TYPES.has(r.type)) return [];
    const doc = parseJson(r.props.policy);
    return list(doc?.Statement)
      .filter((s) => s.Effect === "Allow" && list(s.Action).includes("*") && list(s.Resource).includes("*"))
      .map(() => "a statement allows \"*\" actions on \"*\" resources");
  },
};

/** "20Gi", "512Mi" (Kubernetes) or "16GB", "819MB" (Prometheus: powers of two) → bytes; undefined if unreadable. */
function storageBytes(quantity: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|KB|MB|GB|TB)$/.exec(String(quantity ?? "").trim());
  if (!m) return undefined;
  const power = { K: 1, M: 2, G: 3, T: 4 }[m[2]![0] as "K" | "M" | "G" | "T"];
  return Number(m[1]) * 1024 ** power;
}

/** The Prometheus docs' advice: a retention size of at most 80–85% of the disk, leaving the rest for the WAL and compaction. */
const MAX_RETENTION_SIZE_SHARE = 0.85;

export const prometheusBoundedStorage: Rule = {
  name: "prometheus-bounded-storage",
  description: "Prometheus has a retention time and a retention size within its volume: a full volume drops the oldest blocks instead of stopping ingestion.",
  check: (r) => {
    if (r.type !== T.release || r.props.chart !== "prometheus") return [];
    const server = r.props.values?.server ?? {};
    const out: string[] = [];
    if (!server.retention) out.push("server.retention is unset: the chart keeps 15 days, less than a month's report");
    if (server.persistentVolume?.enabled === false) return out;
    const size = server.persistentVolume?.size ?? "8Gi"; // the chart's default
    const volume = storageBytes(size);
    const cap = storageBytes(server.retentionSize);
    if (!server.retentionSize) out.push(`server.retentionSize is unset: when the ${size} volume fills, Prometheus can no longer write`);
    else if (cap === undefined || volume === undefined) out.push(`cannot compare server.retentionSize ${server.retentionSize} with the volume size ${size}`);
    else if (cap > volume * MAX_RETENTION_SIZE_SHARE) out.push(`server.retentionSize ${server.retentionSize} leaves less than ${Math.round((1 - MAX_RETENTION_SIZE_SHARE) * 100)}% of the ${size} volume for the WAL and compaction`);
    return out;
  },
};

export const RULES: readonly Rule[] = [
  privateClusterEndpoint,
  imdsV2Required,
  encryptionAtRest,
  noOpenIngress,
  gpuNodesTainted,
  requiredTags,
  noWildcardIam,
  prometheusBoundedStorage,
  ...DEPLOY_RULES,
  ...DEPLOYABLE_RULES,
];

/** Rules over the whole stack (see StackRule). */
export const STACK_RULES: readonly StackRule[] = [...DEPLOY_STACK_RULES, ...DEPLOYABLE_STACK_RULES];
