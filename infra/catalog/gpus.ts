import type { Source } from "./source";

/** Per-GPU specifications the sizing engine needs. Memory comes from the instance catalog (usable MiB). */
export interface GpuSpec {
  /** Key used by the instance catalog's `gpuName`. */
  readonly id: string;
  readonly name: string;
  readonly architecture: "Turing" | "Ampere" | "Ada" | "Hopper";
  readonly computeCapability: string;
  /** Peak memory bandwidth, GB/s (10^9 bytes per second). */
  readonly memoryBandwidthGBps: number;
  /** Dense (not sparse) BF16/FP16 tensor-core TFLOPS. */
  readonly denseTflops16: number;
  readonly supportsBf16: boolean;
  /** FP8 W8A8 (FP8 tensor cores): Ada and Hopper. Ampere only runs weight-only FP8. */
  readonly supportsFp8: boolean;
  readonly source: Source;
}

const DATASHEETS: Source = {
  ref:
    "NVIDIA datasheets as collected in github.com/astroC86/gpu-datasheet (bandwidth) and " +
    "github.com/winston-zhang-orz/gpu-specs (dense vs sparse TFLOPS), via hostwise shared/reference/gpu-specs.md",
  date: "2026-08-21",
};

/**
 * GPUs hostwise can size for. Left out on purpose: the RTX PRO 6000 Blackwell Server (g7e) and B200
 * (p6-b200), whose bandwidth and dense TFLOPS have no confirmed source yet; their instances stay in the
 * instance catalog but are never candidates (the plan lists them as excluded).
 */
export const GPUS: Readonly<Record<string, GpuSpec>> = {
  t4: {
    id: "t4", name: "NVIDIA T4", architecture: "Turing", computeCapability: "7.5",
    memoryBandwidthGBps: 320, denseTflops16: 65, supportsBf16: false, supportsFp8: false,
    source: { ...DATASHEETS, note: "65 TFLOPS is the FP16 figure; Turing has no BF16" },
  },
  a10g: {
    id: "a10g", name: "NVIDIA A10G", architecture: "Ampere", computeCapability: "8.6",
    memoryBandwidthGBps: 600, denseTflops16: 125, supportsBf16: true, supportsFp8: false,
    source: { ...DATASHEETS, note: "125 TFLOPS is the A10 figure; AWS publishes none for the A10G" },
  },
  l4: {
    id: "l4", name: "NVIDIA L4", architecture: "Ada", computeCapability: "8.9",
    memoryBandwidthGBps: 300, denseTflops16: 121, supportsBf16: true, supportsFp8: true,
    source: { ...DATASHEETS, note: "121 dense; 242 is the sparse figure" },
  },
  l40s: {
    id: "l40s", name: "NVIDIA L40S", architecture: "Ada", computeCapability: "8.9",
    memoryBandwidthGBps: 864, denseTflops16: 362, supportsBf16: true, supportsFp8: true,
    source: DATASHEETS,
  },
  a100: {
    id: "a100", name: "NVIDIA A100 SXM", architecture: "Ampere", computeCapability: "8.0",
    // p4d carries the 40 GB part (1,555 GB/s), p4de the 80 GB part (2,039 GB/s): see bandwidthByMemory.
    memoryBandwidthGBps: 1555, denseTflops16: 312, supportsBf16: true, supportsFp8: false,
    source: { ...DATASHEETS, note: "40 GB HBM2 1,555 GB/s; 80 GB HBM2e 2,039 GB/s" },
  },
  h100: {
    id: "h100", name: "NVIDIA H100 SXM", architecture: "Hopper", computeCapability: "9.0",
    memoryBandwidthGBps: 3350, denseTflops16: 989, supportsBf16: true, supportsFp8: true,
    source: DATASHEETS,
  },
  h200: {
    id: "h200", name: "NVIDIA H200", architecture: "Hopper", computeCapability: "9.0",
    memoryBandwidthGBps: 4800, denseTflops16: 989, supportsBf16: true, supportsFp8: true,
    source: DATASHEETS,
  },
};

/** The A100 comes in two memory sizes with different HBM: the 80 GB part is faster. */
const A100_80GB_BANDWIDTH_GBPS = 2039;

/** Bandwidth of a GPU as fitted in an instance (the A100's depends on its memory size). */
export function memoryBandwidthGBps(gpu: GpuSpec, gpuMemoryMiB: number): number {
  if (gpu.id === "a100" && gpuMemoryMiB >= 80 * 1024) return A100_80GB_BANDWIDTH_GBPS;
  return gpu.memoryBandwidthGBps;
}
