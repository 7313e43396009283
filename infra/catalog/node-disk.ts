import type { Source } from "./source";

/** Bytes per parameter of the checkpoint on disk: fp8 is quantized at load time from a 16-bit checkpoint. */
export const CHECKPOINT_BYTES_PER_PARAM = { none: 2, fp8: 2, awq: 0.55, gptq: 0.55 } as const;

/**
 * The vLLM image: containerd keeps the compressed layers it downloaded and the unpacked snapshot while it
 * pulls, so a node needs room for both. Sizes of recent vllm/vllm-openai releases (the pinned tag's exact
 * figures: `crane manifest` / `docker manifest inspect`); hostwise budgets these for any vLLM image.
 */
export const VLLM_IMAGE = {
  compressedGB: 12.7,
  unpackedGB: 25,
  source: {
    ref: "compressed: 'Current vLLM docker image size is 12.64GB' (discuss.vllm.ai/t/1204, cited in vllm-project/vllm#27154, 2025-10-18); unpacked: vllm-project/vllm#17163 'up to 25GB … causing the ephemeral storage to run out in 50GB SSD nodes' (2025-04-25)",
    date: "2026-11-25",
  } satisfies Source,
} as const;

/**
 * What else a GPU node's disks hold: the AL2023 EKS AMI's root filesystem (its snapshot is 20 GiB), logs,
 * and the images of the add-ons that run on every GPU node (device plugin, DCGM exporter, VPC CNI, kube-proxy,
 * Pod Identity agent). Each pod's cache volume also holds vLLM's torch.compile / Triton caches, the Hugging
 * Face Xet shard cache (capped at 1 GiB by the pod's env) and the config and tokenizer files.
 */
export const NODE_DISK = {
  osGiB: 20,
  logsGiB: 10,
  addOnImagesGB: 3,
  podCachesGiB: 5,
  xetShardCacheBytes: 1024 ** 3,
  /** Margin on every estimate of bytes on disk. */
  headroom: 1.2,
  source: {
    ref: "AL2023 EKS-optimized AMI root volume 20 GiB (awslabs/amazon-eks-ami); Hugging Face Xet caches: chunk cache 10 GB and shard cache 4 GB by default, set with HF_XET_CHUNK_CACHE_SIZE_BYTES and HF_XET_SHARD_CACHE_SIZE_LIMIT (huggingface_hub docs, storage backends); add-on images and compile caches: assumption",
    date: "2026-11-25",
  } satisfies Source,
} as const;

/** gp3: the baseline every volume gets, the most it can be provisioned with, and their prices' baseline. */
export const GP3 = {
  baselineMiBps: 125,
  baselineIops: 3000,
  maxMiBps: 1000,
  /** Throughput may be at most 0.25 MiB/s per provisioned IOPS. */
  mibpsPerIops: 0.25,
  source: { ref: "Amazon EBS User Guide, General Purpose SSD volumes (gp3): baseline 3,000 IOPS and 125 MiB/s, throughput up to 0.25 MiB/s per IOPS", date: "2026-11-25" } satisfies Source,
} as const;

/**
 * Rates and durations of a replica's cold start (see sizing/cold-start.ts). Measured where a measurement
 * exists; the rest are conservative assumptions to be replaced by what `hostwise canary --wake` and the pod
 * events show on your account.
 */
export const COLD_START = {
  /** Pending pod → GPU node Ready with nvidia.com/gpu allocatable: scan, EC2 launch, boot, join, driver, device plugin. */
  nodeSeconds: 300,
  /** Image layers from the registry (or the ECR cache) to the node, per node. */
  registryMBps: 100,
  /** containerd decompressing and writing layers. */
  unpackMBps: 150,
  /** Hugging Face download per pod (hf_xet), before disk and network limits. */
  huggingFaceMBps: 100,
  /** Run:ai model streamer from S3 in the same region, concurrency 16: 15 GB in 8.45 s. */
  s3StreamMBps: 1780,
  /** Sequential read of the instance-store NVMe array the model cache sits on. */
  nvmeReadMBps: 1000,
  /** Engine start after the weights are in GPU memory: torch.compile, CUDA graph capture, first requests. */
  engineSeconds: 120,
  /** Margin on the whole estimate for probe budgets and `pulumi up` timeouts. */
  headroom: 1.5,
  source: {
    ref: "s3StreamMBps: Run:ai Model Streamer benchmarks (run-ai/runai-model-streamer docs/src/benchmarks.md, Appendix C: Llama-3-8B 15 GB from S3 in 8.45 s at concurrency 16 on g5.12xlarge; vLLM ready 23 s after a 4.9 s load, so ~18 s engine start for vLLM 0.5.5). Node, registry, unpack, Hugging Face, NVMe and engine (torch.compile in vLLM V1) figures: assumptions",
    date: "2026-11-25",
  } satisfies Source,
} as const;
