import { COLD_START, GP3, NODE_DISK, VLLM_IMAGE } from "../catalog/node-disk";
import type { InstanceType } from "../catalog/instances";
import type { StackSpec } from "../config/spec";
import { checkpointBytes, GiB } from "./memory";

/**
 * Where a GPU node keeps the vLLM image and each replica's model cache, and how large and fast its disks are.
 * Instances with local NVMe get it as one RAID0 array that nodeadm mounts under containerd's and the
 * kubelet's directories (so image layers and emptyDir volumes land on it); the gp3 root volume then holds the
 * OS only. Without NVMe, the root volume holds everything and is provisioned fast enough to load the weights.
 */
export interface NodeStorage {
  readonly modelCache: "nvme" | "ebs";
  /** Weights on the node's disk (downloaded from Hugging Face) or streamed from S3 into GPU memory. */
  readonly weightsOnDisk: boolean;
  /** What the containerd and kubelet directories must hold, GiB (images during a pull + every replica's cache). */
  readonly containerAndPodGiB: number;
  /** Each replica's cache volume (emptyDir sizeLimit), GiB. */
  readonly podCacheGiB: number;
  readonly localNvmeGB: number;
  readonly root: { readonly sizeGiB: number; readonly throughputMiBps: number; readonly iops: number };
  /** Read rate where the weights are loaded from, MB/s. */
  readonly weightsReadMBps: number;
}

const MiBps = 1024 ** 2 / 1e6; // MB/s in one MiB/s
/** Load the weights from gp3 within this long when there is no NVMe: sets the throughput provisioned. */
const EBS_LOAD_TARGET_SECONDS = 120;

export function nodeStorage(spec: StackSpec, instance: InstanceType, replicasPerNode: number): NodeStorage {
  const weightsOnDisk = spec.inference.weightsSource === "huggingface";
  const checkpointGiB = checkpointBytes(spec.model.architecture, spec.serving.quantization) / GiB;
  const podCacheGiB = Math.ceil((weightsOnDisk ? checkpointGiB : 0) * NODE_DISK.headroom + NODE_DISK.podCachesGiB);
  const imagesGiB = ((VLLM_IMAGE.compressedGB + VLLM_IMAGE.unpackedGB + NODE_DISK.addOnImagesGB) * 1e9) / GiB;
  const containerAndPodGiB = Math.ceil(imagesGiB * NODE_DISK.headroom + podCacheGiB * replicasPerNode);
  const nvmeGiB = (instance.localNvmeGB * 1e9) / GiB;
  const roundUp = (gib: number) => Math.ceil(gib / 10) * 10;

  if (nvmeGiB >= containerAndPodGiB) {
    return {
      modelCache: "nvme",
      weightsOnDisk,
      containerAndPodGiB,
      podCacheGiB,
      localNvmeGB: instance.localNvmeGB,
      root: { sizeGiB: roundUp(NODE_DISK.osGiB + NODE_DISK.logsGiB), throughputMiBps: GP3.baselineMiBps, iops: GP3.baselineIops },
      weightsReadMBps: COLD_START.nvmeReadMBps,
    };
  }
  const checkpointMB = checkpointBytes(spec.model.architecture, spec.serving.quantization) / 1e6;
  const wantedMiBps = weightsOnDisk ? checkpointMB / EBS_LOAD_TARGET_SECONDS / MiBps : GP3.baselineMiBps;
  const throughputMiBps = Math.min(GP3.maxMiBps, Math.max(GP3.baselineMiBps, Math.ceil(wantedMiBps / 25) * 25));
  const iops = Math.max(GP3.baselineIops, Math.ceil(throughputMiBps / GP3.mibpsPerIops));
  return {
    modelCache: "ebs",
    weightsOnDisk,
    containerAndPodGiB,
    podCacheGiB,
    localNvmeGB: instance.localNvmeGB,
    root: { sizeGiB: roundUp(NODE_DISK.osGiB + NODE_DISK.logsGiB + containerAndPodGiB), throughputMiBps, iops },
    weightsReadMBps: throughputMiBps * MiBps,
  };
}
