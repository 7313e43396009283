import { BUILT_IN_CATALOG, RegionPrices } from "../catalog/aws-prices";
import { findInstanceType, INSTANCE_TYPES } from "../catalog/instances";
import type { NodesSpec } from "../config/spec";

// Pure decisions about the GPU node group (labels, instance types, desired size), shared by the node groups
// and the policy rules that check them.

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

/**
 * Instance types of the GPU group. On-demand: the plan's type. Spot: the plan's type first, then the catalog
 * types with the same GPU model and count, at least its GPU memory, vCPUs and memory, and at most 1.5× its
 * On-Demand price, so the group can draw on more spot pools. cluster-autoscaler builds its template from the
 * first type, so it never assumes more room per node than the plan's type has.
 */
export function gpuInstanceTypes(instanceType: string, capacityType: NodesSpec["gpuCapacityType"]): string[] {
  const first = findInstanceType(instanceType);
  if (capacityType !== "spot" || !first) return [instanceType];
  const usEast1 = RegionPrices.of(BUILT_IN_CATALOG, "us-east-1")!;
  const price = (t: typeof first) => usEast1.instance(t.instanceType)?.onDemand?.usd ?? Infinity;
  const similar = INSTANCE_TYPES.filter((t) =>
    t.instanceType !== first.instanceType && t.gpuName === first.gpuName && t.gpuCount === first.gpuCount &&
    t.gpuMemoryMiBPerGpu >= first.gpuMemoryMiBPerGpu && t.vcpu >= first.vcpu && t.memoryMiB >= first.memoryMiB &&
    price(t) <= 1.5 * price(first));
  return [first.instanceType, ...similar.sort((a, b) => price(a) - price(b)).map((t) => t.instanceType)];
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
