import type { Source } from "./source";

/**
 * What a GPU node's root volume holds besides model weights: the AL2023 NVIDIA AMI with its container
 * runtime and add-on images, and the vLLM image (about 10 GB, shared/reference/vllm.md). Weights are
 * downloaded once per replica on the node (each pod keeps its own cache), then 20 % headroom for logs,
 * compile caches and image updates.
 */
export const NODE_DISK = {
  osAndAddOnImagesGiB: 20,
  vllmImageGiB: 10,
  headroom: 1.2,
  source: {
    ref: "hostwise shared/reference/vllm.md (vLLM image about 10 GB); AL2023 EKS AMI root volume defaults to 20 GiB",
    date: "2026-11-23",
  } satisfies Source,
} as const;

/** Bytes per parameter of the checkpoint on disk: fp8 is quantized at load time from a 16-bit checkpoint. */
export const CHECKPOINT_BYTES_PER_PARAM = { none: 2, fp8: 2, awq: 0.55, gptq: 0.55 } as const;

/**
 * How long a replica may take to become ready, for the startup probe's failure budget: a fixed part (image
 * pull of about 10 GB, CUDA graph capture) plus download and load time per GB of checkpoint. The download
 * rate is a conservative assumption for Hugging Face or S3 from one node (about 100 MB/s), the load rate one
 * GB/s from the node's gp3 root volume; measure yours with `hostwise canary` and the pod events.
 */
export const STARTUP_BUDGET = {
  fixedSeconds: 300,
  downloadSecondsPerGB: 10,
  loadSecondsPerGB: 1,
  source: {
    ref: "assumption: shared/reference/vllm.md names image pull and weight download/load as the cold-start terms; rates chosen conservatively",
    date: "2026-11-23",
  } satisfies Source,
} as const;
