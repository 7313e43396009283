import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ExistingVpc, NetworkSpec } from "../config/spec";
import { INTERFACE_ENDPOINT_SERVICES, planSubnets } from "./network-plan";
import { named, type Tags } from "./tags";
import { checkExistingSubnets, type SubnetFacts } from "./zones";

export interface NetworkArgs {
  readonly network: NetworkSpec;
  readonly region: string;
  /** The zones to build in (usableZones); the first `availabilityZoneCount` are used. Unused with an existing VPC. */
  readonly zones: pulumi.Input<string[]>;
  /** Instance types the nodes need: a brought VPC's subnets must be in zones that offer them. */
  readonly instanceTypes: readonly string[];
  /** The stack has an internal load balancer: a VPC the stack creates gives it subnets of its own. */
  readonly internalLoadBalancer: boolean;
  readonly tags: Tags;
}

/**
 * A VPC whose nodes live in private subnets only. With NAT egress, small public subnets hold the NAT
 * gateway(s); without egress there is no internet gateway and no default route at all, and the AWS APIs the
 * cluster needs are reached through VPC endpoints.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** The public subnets (NAT egress in a VPC the stack creates; none in a brought VPC) and their ranges. */
  readonly publicSubnetIds: pulumi.Output<string>[] = [];
  readonly publicSubnetCidrs: string[] = [];
  /**
   * Where an internal load balancer sits: small private subnets of its own in a VPC the stack creates (no pod
   * has an address there), the private subnets in a brought VPC.
   */
  readonly loadBalancerSubnetIds: pulumi.Output<string>[];
  readonly loadBalancerSubnetCidrs: pulumi.Input<string>[];
  /**
   * The subnets' way out (route table associations, routes through NAT and the internet gateway, VPC
   * endpoints): node groups wait for it, so `pulumi destroy` removes it only after every node and everything
   * running on them, while the load balancer controller and the EBS CSI driver still call AWS through it to
   * delete the NLB and the volumes they created. Empty for a brought VPC.
   */
  readonly egress: pulumi.Resource[] = [];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:aws:Network", name, {}, opts);
    const parent = { parent: this };
    const { network, tags } = args;
    this.vpcCidr = network.vpcCidr;
    if (network.existingVpc) {
      this.vpcId = pulumi.output(network.existingVpc.vpcId);
      const checked = this.checkedSubnets(network.existingVpc, args);
      this.privateSubnetIds = checked.map((s) => s.id);
      this.loadBalancerSubnetIds = this.privateSubnetIds;
      this.loadBalancerSubnetCidrs = checked.map((s) => s.cidr); // as `pulumi up` reads them
      this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
      return;
    }
    const withNat = network.egress === "nat";
    const subnets = planSubnets(network.vpcCidr, network.availabilityZoneCount, withNat, args.internalLoadBalancer);
    const zone = (i: number) =>
      pulumi.output(args.zones).apply((zones) => {
        if (zones.length < subnets.length) {
          throw new Error(`${args.region} offers ${zones.length} availability zones; hostwise:availabilityZoneCount asks for ${subnets.length}`);
        }
        return zones[i]!;
      });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: network.vpcCidr,
      enableDnsHostnames: true, // required for private EKS endpoints and interface endpoints
      enableDnsSupport: true,
      tags: named(tags, `${name}-vpc`),
    }, parent);
    this.vpcId = vpc.id;

    const privateSubnets = subnets.map((s, i) => new aws.ec2.Subnet(`${name}-private-${i}`, {
      vpcId: vpc.id,
      cidrBlock: s.privateCidr,
      availabilityZone: zone(i),
      mapPublicIpOnLaunch: false,
      tags: named(tags, `${name}-private-${i}`, { "kubernetes.io/role/internal-elb": "1", tier: "private" }),
    }, parent));
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const privateRouteTables = subnets.map((_, i) => {
      const table = new aws.ec2.RouteTable(`${name}-private-${i}`, { vpcId: vpc.id, tags: named(tags, `${name}-private-${i}`) }, parent);
      this.egress.push(new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: privateSubnets[i]!.id, routeTableId: table.id }, parent));
      return table;
    });

    // An internal NLB's subnets route like the private ones (routes to peered networks a team adds there apply).
    const loadBalancerSubnets = subnets.flatMap((s, i) => {
      if (!s.loadBalancerCidr) return [];
      const lb = new aws.ec2.Subnet(`${name}-lb-${i}`, {
        vpcId: vpc.id,
        cidrBlock: s.loadBalancerCidr,
        availabilityZone: zone(i),
        mapPublicIpOnLaunch: false,
        tags: named(tags, `${name}-lb-${i}`, { "kubernetes.io/role/internal-elb": "1", tier: "private" }),
      }, parent);
      this.egress.push(new aws.ec2.RouteTableAssociation(`${name}-lb-${i}`, { subnetId: lb.id, routeTableId: privateRouteTables[i]!.id }, parent));
      return [lb];
    });
    this.loadBalancerSubnetIds = loadBalancerSubnets.map((s) => s.id);
    this.loadBalancerSubnetCidrs = subnets.flatMap((s) => (s.loadBalancerCidr ? [s.loadBalancerCidr] : []));

    if (withNat) {
      const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named(tags, `${name}-igw`) }, parent);
      const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: named(tags, `${name}-public`) }, parent);
      this.egress.push(new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent));
      const publicSubnets = subnets.map((s, i) => {
        const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
          vpcId: vpc.id,
          cidrBlock: s.publicCidr!,
          availabilityZone: zone(i),
          mapPublicIpOnLaunch: false, // nothing here needs an automatic public IP: NAT gateways get Elastic IPs
          tags: named(tags, `${name}-public-${i}`, { "kubernetes.io/role/elb": "1", tier: "public" }),
        }, parent);
        this.egress.push(new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicTable.id }, parent));
        return subnet;
      });
      this.publicSubnetIds = publicSubnets.map((s) => s.id);
      this.publicSubnetCidrs = subnets.map((s) => s.publicCidr!);

      // One NAT gateway for trial stacks (cheap; a zone outage cuts egress), one per zone in production.
      const natCount = network.natGateways === "single" ? 1 : subnets.length;
      const nats = Array.from({ length: natCount }, (_, i) => {
        const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: named(tags, `${name}-nat-${i}`) }, { ...parent, dependsOn: [igw] });
        return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
          allocationId: eip.id,
          subnetId: publicSubnets[i]!.id,
          tags: named(tags, `${name}-nat-${i}`),
        }, parent);
      });
      privateRouteTables.forEach((table, i) => {
        this.egress.push(new aws.ec2.Route(`${name}-private-${i}-egress`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: nats[Math.min(i, nats.length - 1)]!.id,
        }, parent));
      });
    } else {
      this.createEndpoints(name, args, vpc, privateSubnets, privateRouteTables);
    }

    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }

  /**
   * A brought VPC creates nothing: its subnets are read at `pulumi up` and checked (in that VPC, two zones at
   * least, the instance types offered there, the VPC's range as hostwise:vpcCidr says) before the cluster and
   * the nodes, which take their ids from this check, are created.
   */
  private checkedSubnets(vpc: ExistingVpc, args: NetworkArgs): Array<{ id: pulumi.Output<string>; cidr: pulumi.Output<string> }> {
    const subnets = vpc.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }));
    const facts = pulumi.all(subnets.map((s) => pulumi.all([s.id, s.vpcId, s.availabilityZone]))).apply((rows) =>
      rows.map(([id, vpcId, zone]): SubnetFacts => ({ id, vpcId, zone })));
    const vpcRange = aws.ec2.getVpcOutput({ id: vpc.vpcId }, { parent: this }).cidrBlock;
    const offerings = aws.ec2.getInstanceTypeOfferingsOutput({
      locationType: "availability-zone",
      filters: [{ name: "instance-type", values: [...new Set(args.instanceTypes)] }],
    }, { parent: this });
    const checked = pulumi
      .all([facts, vpcRange, offerings.instanceTypes, offerings.locations])
      .apply(([rows, cidr, types, locations]) => checkExistingSubnets(vpc, args.network.vpcCidr, rows, cidr, { instanceTypes: types, locations }, args.instanceTypes));
    return vpc.privateSubnetIds.map((id, i) => ({ id: checked.apply(() => id), cidr: pulumi.all([checked, subnets[i]!.cidrBlock]).apply(([, cidr]) => cidr) }));
  }

  /** S3 through a gateway endpoint on the private route tables; the other AWS APIs through interface endpoints. */
  private createEndpoints(name: string, args: NetworkArgs, vpc: aws.ec2.Vpc, subnets: aws.ec2.Subnet[], routeTables: aws.ec2.RouteTable[]): void {
    const parent = { parent: this };
    this.egress.push(new aws.ec2.VpcEndpoint(`${name}-s3`, {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${args.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: routeTables.map((t) => t.id),
      tags: named(args.tags, `${name}-s3`),
    }, parent));
    const endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
      vpcId: vpc.id,
      description: "HTTPS from inside the VPC to the AWS API interface endpoints",
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.network.vpcCidr], description: "HTTPS from the VPC" }],
      tags: named(args.tags, `${name}-endpoints`),
    }, parent);
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      this.egress.push(new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${args.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: subnets.map((s) => s.id),
        securityGroupIds: [endpointSg.id],
        tags: named(args.tags, `${name}-${service}`),
      }, parent));
    }
  }
}
