import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RegionPrices } from "../catalog/aws-prices";
import type { NodesSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";
import type { NodeStorage } from "../sizing/node-storage";
import { nodeConfigUserData } from "./node-user-data";
import { acceleratorLabel, autoscalerTags, CA_TAG, GPU_TAINT, gpuDesiredSize, gpuInstanceTypes, gpuNodeLabels, NODE_ROLE_LABEL, nodeTemplateLabelTag, SYSTEM_NODE_LABELS } from "./gpu-nodes";
import { MANAGED_POLICIES, serviceRole } from "./iam";
import { named, type Tags } from "./tags";

export interface NodeGroupsArgs {
  /** Fixed at deploy time: cluster-autoscaler's discovery tag key contains it. */
  readonly clusterName: string;
  /** The cluster's name as an output, so node groups wait for the cluster. */
  readonly cluster: pulumi.Output<string>;
  readonly kubernetesVersion: string;
  readonly privateSubnetIds: pulumi.Input<string>[];
  readonly plan: SizingPlan;
  readonly nodes: NodesSpec;
  /** The stack's region's prices: a spot group lists only types the region offers. */
  readonly prices: RegionPrices;
  /** What nodes need before they join and run pods: the VPC CNI and Pod Identity agent add-ons, the subnets' egress. */
  readonly dependsOn: pulumi.Resource[];
  readonly tags: Tags;
}

/** The EKS API spells taint effects in upper snake case. */
const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE" } as const;
const GPU_AMI_TYPE = "AL2023_x86_64_NVIDIA";
const SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD";
const SYSTEM_DISK_GIB = 50;

/**
 * The desired capacity cluster-autoscaler left on this cluster's GPU Auto Scaling group; undefined before it
 * exists. EKS tags every managed node group's Auto Scaling group with the discovery tags, the system group's
 * too, so the GPU group is told apart by the node-template label tag only it carries (autoscalerTags).
 */
function liveGpuDesiredSize(clusterName: string, parent: pulumi.Resource): pulumi.Output<number | undefined> {
  const groups = aws.autoscaling.getAmiIdsOutput({
    filters: [
      { name: `tag:${CA_TAG}/${clusterName}`, values: ["owned"] },
      { name: `tag:${nodeTemplateLabelTag(NODE_ROLE_LABEL)}`, values: ["gpu"] },
    ],
  }, { parent });
  return groups.names.apply((names) =>
    names.length === 0
      ? pulumi.output<number | undefined>(undefined)
      : pulumi.all(names.map((name) => aws.autoscaling.getGroupOutput({ name }, { parent }).desiredCapacity)).apply((sizes) => Math.max(...sizes)));
}

/**
 * The node groups: a small on-demand system group for the add-ons, and the GPU group exactly as the sizing
 * plan says (instance type, scaling, disk). Both use launch templates that require IMDSv2 and encrypt their
 * gp3 volumes.
 */
export class NodeGroups extends pulumi.ComponentResource {
  readonly system: aws.eks.NodeGroup;
  readonly gpu: aws.eks.NodeGroup;

  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:aws:NodeGroups", name, {}, opts);
    const parent = { parent: this };
    const { plan, nodes, tags } = args;

    const nodeRole = serviceRole(`${name}-node`, {
      service: "ec2.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.eksWorkerNode, MANAGED_POLICIES.ecrPullOnly],
      description: `Worker nodes of ${args.clusterName}`,
      tags,
    }, this);

    // System nodes: one IMDS hop too, so no pod reaches node credentials. No add-on needs more: the load
    // balancer controller and cluster-autoscaler get region and VPC from their values, the EBS CSI driver
    // falls back to Kubernetes metadata (its docs: IMDS, then the Node object), and aws-node, kube-proxy and the
    // Pod Identity agent run on the host network. A pod that needs IMDS must be named here before raising it.
    const systemTemplate = this.launchTemplate(`${name}-system`, SYSTEM_DISK_GIB, 1, tags);
    this.system = new aws.eks.NodeGroup(`${name}-system`, {
      clusterName: args.cluster,
      version: args.kubernetesVersion,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      amiType: SYSTEM_AMI_TYPE,
      capacityType: "ON_DEMAND",
      instanceTypes: [nodes.systemInstanceType],
      scalingConfig: { minSize: nodes.systemNodeCount, desiredSize: nodes.systemNodeCount, maxSize: nodes.systemNodeCount },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: systemTemplate.id, version: systemTemplate.latestVersion.apply(String) },
      labels: SYSTEM_NODE_LABELS,
      tags: named(tags, `${name}-system`),
    }, { ...parent, dependsOn: args.dependsOn });

    // GPU nodes: inference pods never need node credentials, so IMDS stays at one hop (unreachable from pods).
    const gpuTemplate = this.launchTemplate(`${name}-gpu`, plan.nodeDiskGiB, 1, tags, plan.nodeStorage);
    const caTags = autoscalerTags(args.clusterName, plan);
    this.gpu = new aws.eks.NodeGroup(`${name}-gpu`, {
      clusterName: args.cluster,
      version: args.kubernetesVersion,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.privateSubnetIds,
      amiType: GPU_AMI_TYPE,
      capacityType: nodes.gpuCapacityType === "spot" ? "SPOT" : "ON_DEMAND",
      instanceTypes: gpuInstanceTypes(plan.instanceType, nodes.gpuCapacityType, args.prices),
      scalingConfig: {
        minSize: plan.nodes.min,
        desiredSize: liveGpuDesiredSize(args.clusterName, this).apply((live) => gpuDesiredSize(plan.nodes.min, plan.nodes.max, live)),
        maxSize: plan.nodes.max,
      },
      // MINIMAL: an AMI or launch template update replaces GPU nodes in place instead of launching a surge of
      // new ones first (scarce, expensive capacity; the default strategy adds up to twice the zone count).
      updateConfig: { maxUnavailable: 1, updateStrategy: "MINIMAL" },
      launchTemplate: { id: gpuTemplate.id, version: gpuTemplate.latestVersion.apply(String) },
      labels: { ...gpuNodeLabels(plan), ...acceleratorLabel(plan.instanceType) },
      taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: EKS_TAINT_EFFECT[GPU_TAINT.effect] }],
      tags: named(tags, `${name}-gpu`, caTags),
    }, { ...parent, dependsOn: args.dependsOn });

    // Managed node groups do not copy their tags to the Auto Scaling group, where cluster-autoscaler looks.
    const asgName = this.gpu.resources.apply((r) => r[0]?.autoscalingGroups?.[0]?.name ?? "");
    Object.entries(caTags).forEach(([key, value], i) => {
      new aws.autoscaling.Tag(`${name}-gpu-asg-${i}`, {
        autoscalingGroupName: asgName,
        tag: { key, value, propagateAtLaunch: false },
      }, parent);
    });

    this.registerOutputs({ system: this.system.nodeGroupName, gpu: this.gpu.nodeGroupName });
  }

  /**
   * A launch template with IMDSv2 required and an encrypted gp3 root volume; instances and volumes tagged. GPU
   * nodes (`storage`) get the root volume's throughput and IOPS the plan sized, and nodeadm user data that
   * puts containerd and the kubelet (the model cache) on the local NVMe array where there is one.
   */
  private launchTemplate(name: string, diskGiB: number, hopLimit: number, tags: Tags, storage?: NodeStorage): aws.ec2.LaunchTemplate {
    const userData = storage ? nodeConfigUserData(storage) : undefined;
    return new aws.ec2.LaunchTemplate(name, {
      description: `hostwise ${name} nodes`,
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: hopLimit },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda", // the AL2023 root volume
        ebs: {
          volumeSize: diskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true",
          ...(storage ? { throughput: storage.root.throughputMiBps, iops: storage.root.iops } : {}),
        },
      }],
      ...(userData ? { userData: Buffer.from(userData, "utf8").toString("base64") } : {}),
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: named(tags, name) })),
      updateDefaultVersion: true,
      tags: named(tags, name),
    }, { parent: this });
  }
}
