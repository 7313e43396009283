import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** EC2's answer to DescribeInstanceTypeOfferings (location type availability-zone): parallel lists. */
export interface Offerings {
  readonly instanceTypes: readonly string[];
  readonly locations: readonly string[];
}

/**
 * The zones to build in: available zones (in the order AWS lists them) where every required instance type is
 * offered, the first `count`. Throws an error that names the keys to change when fewer zones qualify: GPU
 * types are offered in few zones of some regions, and a subnet in a zone without them leaves the node group
 * unable to launch there.
 */
export function chooseZones(region: string, available: readonly string[], offerings: Offerings, required: readonly string[], count: number): string[] {
  const offeredIn = (type: string) => new Set(offerings.locations.filter((_, i) => offerings.instanceTypes[i] === type));
  const usable = available.filter((zone) => required.every((type) => offeredIn(type).has(zone)));
  if (usable.length < count) {
    const where = required.map((t) => `${t} in ${[...offeredIn(t)].filter((z) => available.includes(z)).join(", ") || "no zone"}`).join("; ");
    throw new pulumi.RunError(
      `hostwise: ${region} offers ${required.join(" and ")} together in ${usable.length} of its available zones (${where}); the stack needs ${count}.\n` +
        "  fix: lower hostwise:availabilityZoneCount (2 at least), pin another hostwise:instanceType, or deploy to another aws:region",
    );
  }
  return usable.slice(0, count);
}

/** Available zones (no Local Zones) where the instance types are offered, from two invokes at `pulumi up`. */
export function usableZones(region: string, instanceTypes: readonly string[], count: number): pulumi.Output<string[]> {
  const available = aws.getAvailabilityZonesOutput({
    state: "available",
    filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
  }).names;
  const offerings = aws.ec2.getInstanceTypeOfferingsOutput({
    locationType: "availability-zone",
    filters: [{ name: "instance-type", values: [...new Set(instanceTypes)] }],
  });
  return pulumi
    .all([available, offerings.instanceTypes, offerings.locations])
    .apply(([zones, types, locations]) => chooseZones(region, zones, { instanceTypes: types, locations }, [...new Set(instanceTypes)], count));
}

/** What `pulumi up` reads about a brought subnet. */
export interface SubnetFacts {
  readonly id: string;
  readonly vpcId: string;
  readonly zone: string;
}

/**
 * Checks a brought VPC against what the stack says and EKS needs: every subnet in that VPC, two zones at
 * least (EKS rejects a cluster in one), the VPC's primary range equal to hostwise:vpcCidr (NetworkPolicies and
 * the internal load balancer's source ranges use it), and each instance type offered in one of the zones.
 */
export function checkExistingSubnets(
  vpc: { readonly vpcId: string },
  vpcCidr: string,
  subnets: readonly SubnetFacts[],
  actualCidr: string,
  offerings: Offerings,
  instanceTypes: readonly string[],
): void {
  const problems: string[] = [];
  for (const s of subnets.filter((x) => x.vpcId !== vpc.vpcId)) problems.push(`hostwise:privateSubnetIds: ${s.id} is in ${s.vpcId}, not in ${vpc.vpcId}`);
  const zones = [...new Set(subnets.map((s) => s.zone))];
  if (zones.length < 2) problems.push(`hostwise:privateSubnetIds: the subnets are all in ${zones[0] ?? "no zone"}; EKS needs two availability zones at least`);
  if (actualCidr !== vpcCidr) problems.push(`hostwise:vpcCidr: ${vpc.vpcId}'s range is ${actualCidr}, not ${vpcCidr}`);
  for (const type of new Set(instanceTypes)) {
    const offered = offerings.locations.filter((z, i) => offerings.instanceTypes[i] === type && zones.includes(z));
    if (offered.length === 0) problems.push(`hostwise:privateSubnetIds: ${type} is offered in none of the subnets' zones (${zones.join(", ")})`);
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(`hostwise: the VPC this stack brings does not fit:\n${problems.map((p) => `  - ${p}`).join("\n")}\n  fix: point vpcId/privateSubnetIds/vpcCidr at the right VPC and subnets`);
  }
}
