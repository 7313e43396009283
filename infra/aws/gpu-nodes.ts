import type { RegionPrices } from "../catalog/aws-prices";
import { findInstanceType, INSTANCE_TYPES, type InstanceType } from "../catalog/instances";
import type { NodesSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";

// Pure decisions about the node groups (labels, taint, autoscaler tags, instance types, desired size), shared
// by the node groups, the pods that select them, and the policy rules that check them (no Pulumi import).

/** Taint that keeps everything but GPU workloads off the GPU nodes. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;

/** The node label that tells system nodes from GPU nodes; the add-ons and the entry point's pods select system. */
export const NODE_ROLE_LABEL = "hostwise.dev/node-role";
export const SYSTEM_NODE_LABELS = { [NODE_ROLE_LABEL]: "system" } as const;

export const CA_TAG = "k8s.io/cluster-autoscaler";
export const nodeTemplateLabelTag = (label: string) => `${CA_TAG}/node-template/label/${label}`;

/**
 * cluster-autoscaler's AWS provider treats a node labelled k8s.amazonaws.com/accelerator as a GPU node
 * (cloudprovider/aws GPULabel): it waits for the GPUs to be advertised instead of adding more nodes meanwhile,
 * and reads the label from the node-template tags when scaling up from zero. Values follow its
 * availableGPUTypes list (nvidia-tesla-t4, nvidia-a10g, nvidia-l4, nvidia-l40s, nvidia-tesla-a100 …).
 */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
const ACCELERATOR_VALUES: Readonly<Record<string, string>> = {
  t4: "nvidia-tesla-t4",
  a10g: "nvidia-a10g",
  l4: "nvidia-l4",
  l40s: "nvidia-l40s",
  a100: "nvidia-tesla-a100",
  h100: "nvidia-h100",
  h200: "nvidia-h200",
};

export function acceleratorLabel(instanceType: string): Record<string, string> {
  const gpu = findInstanceType(instanceType)?.gpuName ?? "";
  return { [ACCELERATOR_LABEL]: ACCELERATOR_VALUES[gpu] ?? `nvidia-${gpu}` };
}

/** Whether a type can stand in for the plan's in a spot group: the same GPUs, and no less room anywhere. */
export function sameGpuShape(first: InstanceType, t: InstanceType): boolean {
  return t.gpuName === first.gpuName && t.gpuCount === first.gpuCount && t.gpuMemoryMiBPerGpu >= first.gpuMemoryMiBPerGpu && t.vcpu >= first.vcpu && t.memoryMiB >= first.memoryMiB;
}

/**
 * Instance types of the GPU group. On-demand: the plan's type. Spot: the plan's type first, then the catalog
 * types of the same GPU shape that the stack's region offers, at most 1.5× the plan type's On-Demand price
 * there, so the group can draw on more spot pools (EKS refuses a node group listing a type the region does
 * not have). cluster-autoscaler builds its template from the first type, so it never assumes more room per
 * node than the plan's type has.
 */
export function gpuInstanceTypes(instanceType: string, capacityType: NodesSpec["gpuCapacityType"], prices: RegionPrices): string[] {
  const first = findInstanceType(instanceType);
  const price = (t: InstanceType) => prices.instance(t.instanceType)?.onDemand?.usd;
  const firstPrice = first && price(first);
  if (capacityType !== "spot" || !first || firstPrice === undefined) return [instanceType];
  const similar = INSTANCE_TYPES.filter((t) => {
    const p = price(t);
    return t.instanceType !== first.instanceType && sameGpuShape(first, t) && p !== undefined && p <= 1.5 * firstPrice;
  });
  return [first.instanceType, ...similar.sort((a, b) => price(a)! - price(b)!).map((t) => t.instanceType)];
}

/**
 * The GPU group's desired size. EKS rejects a scaling update whose desired size is outside [min, max], and the
 * provider sends the desired size on every scaling update. So instead of ignoring it (which sends a stale
 * value and resets what cluster-autoscaler set, or fails when minReplicas rises above it), the program reads
 * the live size of the group's Auto Scaling group and keeps it, clamped into the plan's new bounds.
 */
export function gpuDesiredSize(min: number, max: number, live: number | undefined): number {
  return live === undefined ? min : Math.min(max, Math.max(min, live));
}

/** Node labels of the GPU group: what the inference pods select on. */
export function gpuNodeLabels(plan: SizingPlan): Record<string, string> {
  return {
    [NODE_ROLE_LABEL]: "gpu",
    "hostwise.dev/model-class": plan.modelClass.split(" ")[0]!.toLowerCase(),
    "hostwise.dev/plan": `${plan.instanceType}-tp${plan.tensorParallelSize}`,
  };
}

/**
 * Tags cluster-autoscaler reads on the node group's Auto Scaling group: discovery, and a node template (GPUs,
 * labels, taint) so it can scale a group up from zero nodes without a running node to copy.
 */
export function autoscalerTags(clusterName: string, plan: SizingPlan): Record<string, string> {
  const gpus = findInstanceType(plan.instanceType)?.gpuCount ?? plan.gpu.perNode;
  return {
    [`${CA_TAG}/enabled`]: "true",
    [`${CA_TAG}/${clusterName}`]: "owned",
    [`${CA_TAG}/node-template/resources/nvidia.com/gpu`]: String(gpus),
    ...Object.fromEntries(Object.entries({ ...gpuNodeLabels(plan), ...acceleratorLabel(plan.instanceType) }).map(([k, v]) => [nodeTemplateLabelTag(k), v])),
    [`${CA_TAG}/node-template/taint/${GPU_TAINT.key}`]: `${GPU_TAINT.value}:${GPU_TAINT.effect}`,
  };
}
