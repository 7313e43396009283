import data from "./aws-gpu-instances.json";

/** An EC2 GPU instance shape, from aws-gpu-instances.json (see its `about`); prices are per region (aws-prices.ts). */
export interface InstanceType {
  readonly instanceType: string;
  readonly family: string;
  /** Key into GPUS. */
  readonly gpuName: string;
  readonly gpuCount: number;
  readonly vcpu: number;
  readonly memoryMiB: number;
  readonly localNvmeGB: number;
  /** Baseline network bandwidth, Mbit/s. */
  readonly networkMbps: number;
  /** Usable memory per GPU as the instance reports it. */
  readonly gpuMemoryMiBPerGpu: number;
  /** What the kubelet can hand to pods. */
  readonly allocatable: { readonly cpu: string; readonly memory: string; readonly pods: string };
}

export const INSTANCE_TYPES: readonly InstanceType[] = data.instances;

const byName = new Map(INSTANCE_TYPES.map((i) => [i.instanceType, i]));

export function findInstanceType(name: string): InstanceType | undefined {
  return byName.get(name);
}

