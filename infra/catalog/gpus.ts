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
  /** Dense FP8 tensor-core TFLOPS where the GPU has FP8 tensor cores (Ada, Hopper): what W8A8 runs at. */
  readonly denseTflops8?: number;
  readonly supportsBf16: boolean;
  /** FP8 W8A8 (FP8 tensor cores): Ada and Hopper. Ampere only runs weight-only FP8. */
  readonly supportsFp8: boolean;
  /** How the GPUs of one AWS instance talk to each other for tensor-parallel all-reduces. */
  readonly interconnect: Interconnect;
  readonly source: Source;
}

/** GPU-to-GPU link inside an instance, per GPU and direction. */
export interface Interconnect {
  readonly kind: "pcie" | "nvlink";
  /** Per-direction bandwidth one GPU can drive, GB/s. */
  readonly bandwidthGBps: number;
}

/**
 * g4dn/g5/g6/g6e GPUs sit on PCIe (no NVLink on these instances); p4d/p4de and p5/p5e/p5en connect all
 * eight GPUs through NVSwitch. Per-direction figures: PCIe Gen3 x16 about 16 GB/s and Gen4 x16 about
 * 32 GB/s; NVLink 3 (A100) 600 GB/s and NVLink 4 (H100/H200) 900 GB/s total, i.e. 300 and 450 per direction.
 */
const PCIE_GEN3: Interconnect = { kind: "pcie", bandwidthGBps: 16 };
const PCIE_GEN4: Interconnect = { kind: "pcie", bandwidthGBps: 32 };
const NVLINK_A100: Interconnect = { kind: "nvlink", bandwidthGBps: 300 };
const NVLINK_HOPPER: Interconnect = { kind: "nvlink", bandwidthGBps: 450 };

const DATASHEETS: Source = {
  ref:
    "NVIDIA datasheets as collected in github.com/astroC86/gpu-datasheet (bandwidth) and " +
    "github.com/winston-zhang-orz/gpu-specs data/specs.json (dense vs sparse TFLOPS, FP8, interconnect type), " +
    "via hostwise shared/reference/gpu-specs.md; NVLink and PCIe link rates from the same datasheets",
  date: "2026-11-23",
};

/**
 * GPUs hostwise can size for. Left out on purpose: the RTX PRO 6000 Blackwell Server (g7e) and B200
 * (p6-b200), whose bandwidth and dense TFLOPS have no confirmed source yet; their instances stay in the
 * instance catalog but are never candidates (the plan lists them as excluded).
 */
export const GPUS: Readonly<Record<string, GpuSpec>> = {
  t4: {
    id: "t4", name: "NVIDIA T4", architecture: "Turing", computeCapability: "7.5",
    memoryBandwidthGBps: 320, denseTflops16: 65, supportsBf16: false, supportsFp8: false, interconnect: PCIE_GEN3,
    source: { ...DATASHEETS, note: "65 TFLOPS is the FP16 figure; Turing has no BF16" },
  },
  a10g: {
    id: "a10g", name: "NVIDIA A10G", architecture: "Ampere", computeCapability: "8.6",
    memoryBandwidthGBps: 600, denseTflops16: 125, supportsBf16: true, supportsFp8: false, interconnect: PCIE_GEN4,
    source: { ...DATASHEETS, note: "125 TFLOPS is the A10 figure; AWS publishes none for the A10G" },
  },
  l4: {
    id: "l4", name: "NVIDIA L4", architecture: "Ada", computeCapability: "8.9",
    memoryBandwidthGBps: 300, denseTflops16: 121, denseTflops8: 242, supportsBf16: true, supportsFp8: true, interconnect: PCIE_GEN4,
    source: { ...DATASHEETS, note: "121 BF16 / 242 FP8 dense; 242 / 485 are the sparse figures" },
  },
  l40s: {
    id: "l40s", name: "NVIDIA L40S", architecture: "Ada", computeCapability: "8.9",
    memoryBandwidthGBps: 864, denseTflops16: 362, denseTflops8: 733, supportsBf16: true, supportsFp8: true, interconnect: PCIE_GEN4,
    source: { ...DATASHEETS, note: "362 BF16 / 733 FP8 dense; 733 / 1,466 are the sparse figures" },
  },
  a100: {
    id: "a100", name: "NVIDIA A100 SXM", architecture: "Ampere", computeCapability: "8.0",
    // p4d carries the 40 GB part (1,555 GB/s), p4de the 80 GB part (2,039 GB/s): see memoryBandwidthGBps.
    memoryBandwidthGBps: 1555, denseTflops16: 312, supportsBf16: true, supportsFp8: false, interconnect: NVLINK_A100,
    source: { ...DATASHEETS, note: "40 GB HBM2 1,555 GB/s; 80 GB HBM2e 2,039 GB/s" },
  },
  h100: {
    id: "h100", name: "NVIDIA H100 SXM", architecture: "Hopper", computeCapability: "9.0",
    memoryBandwidthGBps: 3350, denseTflops16: 989, denseTflops8: 1979, supportsBf16: true, supportsFp8: true, interconnect: NVLINK_HOPPER,
    source: { ...DATASHEETS, note: "SXM: 989 BF16 / 1,979 FP8 dense (1,979 / 3,958 with sparsity)" },
  },
  h200: {
    id: "h200", name: "NVIDIA H200", architecture: "Hopper", computeCapability: "9.0",
    memoryBandwidthGBps: 4800, denseTflops16: 989, denseTflops8: 1979, supportsBf16: true, supportsFp8: true, interconnect: NVLINK_HOPPER,
    source: { ...DATASHEETS, note: "same Hopper die as the H100 SXM: 989 BF16 / 1,979 FP8 dense" },
  },
};

/** The A100 comes in two memory sizes with different HBM: the 80 GB part is faster. */
const A100_80GB_BANDWIDTH_GBPS = 2039;

/** Bandwidth of a GPU as fitted in an instance (the A100's depends on its memory size). */
export function memoryBandwidthGBps(gpu: GpuSpec, gpuMemoryMiB: number): number {
  if (gpu.id === "a100" && gpuMemoryMiB >= 80 * 1024) return A100_80GB_BANDWIDTH_GBPS;
  return gpu.memoryBandwidthGBps;
}
