import { COLD_START, VLLM_IMAGE } from "../catalog/node-disk";
import type { InstanceType } from "../catalog/instances";
import type { StackSpec } from "../config/spec";
import { checkpointBytes } from "./memory";
import type { NodeStorage } from "./node-storage";

/** One step of a replica's cold start, in the order they happen. */
export interface ColdStartTerm {
  readonly name: "node" | "image" | "weights" | "load" | "engine";
  readonly seconds: number;
  /** How the figure was reached, for the plan and the README. */
  readonly basis: string;
  /** Runs inside the container (counts against the startup probe) or before it starts. */
  readonly inContainer: boolean;
}

export interface ColdStart {
  readonly terms: readonly ColdStartTerm[];
  /** Container start → model served: what the startup probe must allow, with headroom. */
  readonly startupSeconds: number;
  /** Pending pod on a GPU node group at zero → model served, with headroom: what a create may wait. */
  readonly totalSeconds: number;
}

const round = (s: number) => Math.ceil(s);

/**
 * The cold start of one replica on a new GPU node, term by term: the node, the vLLM image (download, then
 * unpack), the weights (a Hugging Face download to the model cache, or the Run:ai streamer from S3 straight
 * to GPU memory), loading them from the cache, and the engine's start. Replicas sharing a node share its
 * network. The one source of the startup probe budget and of every timeout that waits for a replica.
 */
export function coldStart(spec: StackSpec, instance: InstanceType, replicasPerNode: number, storage: NodeStorage): ColdStart {
  const networkMBps = instance.networkMbps / 8;
  const perPodNetwork = networkMBps / replicasPerNode;
  const checkpointMB = checkpointBytes(spec.model.architecture, spec.serving.quantization) / 1e6;
  const pullMBps = Math.min(COLD_START.registryMBps, networkMBps);
  const image: ColdStartTerm = {
    name: "image",
    seconds: round((VLLM_IMAGE.compressedGB * 1000) / pullMBps + (VLLM_IMAGE.unpackedGB * 1000) / COLD_START.unpackMBps),
    basis: `${VLLM_IMAGE.compressedGB} GB at ${pullMBps} MB/s, unpacked ${VLLM_IMAGE.unpackedGB} GB at ${COLD_START.unpackMBps} MB/s`,
    inContainer: false,
  };
  const weights: ColdStartTerm[] = storage.weightsOnDisk
    ? [
        {
          name: "weights",
          seconds: round(checkpointMB / Math.min(COLD_START.huggingFaceMBps, perPodNetwork)),
          basis: `${(checkpointMB / 1000).toFixed(1)} GB from Hugging Face at ${Math.round(Math.min(COLD_START.huggingFaceMBps, perPodNetwork))} MB/s`,
          inContainer: true,
        },
        {
          name: "load",
          seconds: round(checkpointMB / storage.weightsReadMBps),
          basis: `read from ${storage.modelCache === "nvme" ? "local NVMe" : "the gp3 root volume"} at ${Math.round(storage.weightsReadMBps)} MB/s`,
          inContainer: true,
        },
      ]
    : [
        {
          name: "load",
          seconds: round(checkpointMB / Math.min(COLD_START.s3StreamMBps, perPodNetwork)),
          basis: `${(checkpointMB / 1000).toFixed(1)} GB streamed from S3 at ${Math.round(Math.min(COLD_START.s3StreamMBps, perPodNetwork))} MB/s`,
          inContainer: true,
        },
      ];
  const terms: ColdStartTerm[] = [
    { name: "node", seconds: COLD_START.nodeSeconds, basis: "GPU node from zero to Ready with GPUs allocatable", inContainer: false },
    image,
    ...weights,
    { name: "engine", seconds: COLD_START.engineSeconds, basis: "torch.compile, CUDA graphs, first responses", inContainer: true },
  ];
  const sum = (ts: readonly ColdStartTerm[]) => ts.reduce((s, t) => s + t.seconds, 0);
  return {
    terms,
    startupSeconds: round(sum(terms.filter((t) => t.inContainer)) * COLD_START.headroom),
    totalSeconds: round(sum(terms) * COLD_START.headroom),
  };
}
