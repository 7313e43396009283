import { formatCidr, parseCidr, subnet } from "../config/cidr";

export interface SubnetPlan {
  readonly privateCidr: string;
  /** Present when the network has public subnets (NAT egress). */
  readonly publicCidr?: string;
  /** Present when an internal load balancer gets subnets of its own. */
  readonly loadBalancerCidr?: string;
}

/** The most zones a stack spans (hostwise:availabilityZoneCount). */
const MAX_ZONES = 3;

/**
 * Carves the VPC range, zone by zone, into one private subnet per zone (an eighth of the VPC each: pods take
 * VPC addresses under the VPC CNI, so private subnets get the room) and, when needed, small subnets (1/256 of
 * the VPC each, enough for NAT gateways and load balancers) from the top of the range: public ones, then
 * private ones for an internal load balancer. No pod or node has an address in those, so a NetworkPolicy can
 * admit a load balancer by its subnets' ranges without admitting every pod.
 */
export function planSubnets(vpcCidr: string, zoneCount: number, withPublic: boolean, withLoadBalancer = false): SubnetPlan[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`invalid VPC CIDR ${vpcCidr}`);
  const lastSmall = 2 ** 8 - 1;
  return Array.from({ length: zoneCount }, (_, i) => ({
    privateCidr: formatCidr(subnet(vpc, vpc.prefix + 3, i)),
    ...(withPublic ? { publicCidr: formatCidr(subnet(vpc, vpc.prefix + 8, lastSmall - i)) } : {}),
    ...(withLoadBalancer ? { loadBalancerCidr: formatCidr(subnet(vpc, vpc.prefix + 8, lastSmall - MAX_ZONES - i)) } : {}),
  }));
}

/** Interface endpoints a VPC without internet egress needs for nodes to join and add-ons to work. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api", // image manifests
  "ecr.dkr", // image layers (stored in S3: the gateway endpoint)
  "sts", // AssumeRole for pod identity and the AWS SDKs
  "ec2", // VPC CNI and node bootstrap
  "elasticloadbalancing", // AWS Load Balancer Controller
  "logs", // CloudWatch Logs
  "autoscaling", // cluster-autoscaler resizes the GPU node group
  "eks-auth", // EKS Pod Identity credentials
  "eks", // cluster-autoscaler reads the managed node groups (eks:DescribeNodegroup) to scale them from zero
] as const;
