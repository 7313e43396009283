import { supportTier, EKS_VERSIONS } from "../catalog/eks-versions";
import { parseCidr, isPrivate } from "./cidr";
import type { ConfigReader } from "./read";
import { setHint } from "./read";
import type { ClusterSpec, NetworkSpec, NodesSpec } from "./spec";

// Readers for the AWS side of the stack config: network, cluster and node groups.

/** CloudWatch Logs accepts only these retention periods, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export function readNetwork(r: ConfigReader, trial: boolean | undefined): NetworkSpec | undefined {
  const egress = r.string("egress") as NetworkSpec["egress"] | undefined;
  let zones = r.integer("availabilityZoneCount", 1);
  if (zones !== undefined && (zones < 2 || zones > 3)) {
    zones = r.fail("availabilityZoneCount", `must be 2 or 3, got ${zones}`, setHint("availabilityZoneCount", 3));
  }
  const vpcCidr = r.string("vpcCidr");
  const cidr = vpcCidr === undefined ? undefined : parseCidr(vpcCidr);
  if (vpcCidr !== undefined && !cidr) r.fail("vpcCidr", `"${vpcCidr}" is not an IPv4 network in CIDR form`, setHint("vpcCidr", "10.0.0.0/16"));
  else if (cidr && (cidr.prefix < 16 || cidr.prefix > 20)) r.fail("vpcCidr", `/${cidr.prefix} is outside /16 to /20 (AWS allows /16 at most; /20 leaves room for three zones' subnets)`, setHint("vpcCidr", "10.0.0.0/16"));
  if (!egress || trial === undefined || !cidr || cidr.prefix < 16 || cidr.prefix > 20 || (r.isSet("availabilityZoneCount") && zones === undefined)) return undefined;
  return {
    egress,
    availabilityZoneCount: zones ?? (trial ? 2 : 3),
    vpcCidr: vpcCidr!,
    natGateways: egress === "none" ? "none" : trial ? "single" : "perZone",
  };
}

export function readCluster(r: ConfigReader, now: Date): ClusterSpec | undefined {
  const version = r.string("kubernetesVersion");
  if (version !== undefined) {
    const known = EKS_VERSIONS.map((v) => v.version);
    const newest = known[known.length - 1]!;
    if (!/^1\.\d+$/.test(version)) {
      r.fail("kubernetesVersion", `"${version}" is not a Kubernetes minor version like ${newest}`, setHint("kubernetesVersion", newest));
    } else {
      const tier = supportTier(version, now);
      if (tier === undefined || tier === "ended") {
        r.fail("kubernetesVersion", `${version} is no longer supported by EKS`, `use ${known.filter((v) => supportTier(v, now) === "standard").join(" or ")}: ${setHint("kubernetesVersion", newest)}`);
      }
    }
  }
  const publicAccessCidrs = r.stringList("clusterPublicAccessCidrs");
  for (const text of publicAccessCidrs) {
    const cidr = parseCidr(text);
    if (!cidr) r.fail("clusterPublicAccessCidrs", `"${text}" is not an IPv4 network in CIDR form`, "list your office or VPN egress ranges, e.g. [\"203.0.113.0/24\"]");
    else if (cidr.prefix === 0) r.fail("clusterPublicAccessCidrs", `${text} would open the Kubernetes API to the whole internet`, "list only the ranges that must reach the API, or leave the list empty to keep the endpoint private");
    else if (isPrivate(cidr)) r.fail("clusterPublicAccessCidrs", `${text} is a private range, which never reaches a public endpoint`, "private networks reach the API through the private endpoint already: remove it");
  }
  const adminArns = r.stringList("clusterAdminArns");
  for (const arn of adminArns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
      r.fail("clusterAdminArns", `"${arn}" is not an IAM role or user ARN`, "use arn:aws:iam::<account>:role/<name> (not an assumed-role session ARN)");
    }
  }
  const logRetentionDays = r.integer("logRetentionDays", 1);
  if (logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    r.fail("logRetentionDays", `${logRetentionDays} is not a CloudWatch Logs retention period`, `use one of ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  if (version === undefined || logRetentionDays === undefined) return undefined;
  return { kubernetesVersion: version, publicAccessCidrs, adminArns, logRetentionDays };
}

export function readNodes(r: ConfigReader): NodesSpec | undefined {
  const gpuCapacityType = r.string("gpuCapacityType") as NodesSpec["gpuCapacityType"] | undefined;
  const systemInstanceType = r.string("systemInstanceType");
  if (systemInstanceType !== undefined && !/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(systemInstanceType)) {
    r.fail("systemInstanceType", `"${systemInstanceType}" is not an EC2 instance type`, setHint("systemInstanceType", "m6i.large"));
  }
  const systemNodeCount = r.integer("systemNodeCount", 1);
  if (!gpuCapacityType || !systemInstanceType || systemNodeCount === undefined) return undefined;
  return { gpuCapacityType, systemInstanceType, systemNodeCount };
}
