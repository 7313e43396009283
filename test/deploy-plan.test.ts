import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cachedImages, cachePrefix, stackSlug, weightsBucketPrefix } from "../infra/aws/artifacts-plan";
import { localStorageStrategy, nodeConfigUserData } from "../infra/aws/node-user-data";
import { findInstanceType, type InstanceType } from "../infra/catalog/instances";
import { ECR_PREFIX, PULL_THROUGH_REGISTRIES } from "../infra/catalog/registries";
import { priceResources, type PriceContext } from "../infra/cost/pricebook";
import { BUILT_IN_CATALOG, RegionPrices } from "../infra/catalog/aws-prices";
import { ON_DEMAND } from "../infra/catalog/purchase-options";
import { CHART_FACTS, effectiveImages, splitImage } from "../infra/k8s/chart-facts";
import { listChartFolders, readChart } from "../infra/k8s/charts";
import { rolloutStrategy } from "../infra/k8s/inference-objects";
import { planSizing } from "../infra/sizing/choose";
import { coldStart } from "../infra/sizing/cold-start";
import { nodeStorage } from "../infra/sizing/node-storage";
import { specFor } from "./helpers";

// The pure planning behind the deployable stack: disks, cold start, image caches, nodeadm user data, chart
// facts. Figures checked against hand arithmetic.

const llama13Awq = { model: "meta-llama/Llama-2-13b-chat-hf", quantization: "awq", checkpoint: "TheBloke/Llama-2-13B-chat-AWQ", maxModelLen: 4096 };
const g6 = findInstanceType("g6.xlarge")!;
/** A g6.xlarge without instance store: exercises the gp3 path no catalog GPU instance takes today. */
const noNvme: InstanceType = { ...g6, instanceType: "g6.xlarge-ebs", localNvmeGB: 0 };

describe("node storage", () => {
  it("puts the model cache on NVMe and keeps a small root volume where the instance has local disks", () => {
    const s = nodeStorage(specFor(llama13Awq), g6, 1);
    // images (12.7 + 25 + 3 GB = 37.9 GiB) × 1.2 = 45.5 GiB + one 13 GiB cache = 58.5 → 59 GiB ≤ 250 GB of NVMe
    expect(s).toMatchObject({ modelCache: "nvme", weightsOnDisk: true, podCacheGiB: 13, containerAndPodGiB: 59 });
    expect(s.root).toEqual({ sizeGiB: 30, throughputMiBps: 125, iops: 3000 });
  });

  it("without NVMe, sizes the gp3 root for everything and provisions throughput to load the weights in two minutes", () => {
    const s = nodeStorage(specFor({ model: "Qwen/Qwen2.5-72B-Instruct" }), noNvme, 1);
    // 145.4 GB = 145,400 MB / 120 s = 1,211.7 MB/s = 1,155.6 MiB/s → capped at gp3's 1,000 MiB/s, 4,000 IOPS (0.25 MiB/s per IOPS)
    expect(s.modelCache).toBe("ebs");
    expect(s.root.throughputMiBps).toBe(1000);
    expect(s.root.iops).toBe(4000);
    // 135.4 GiB × 1.2 + 5 = 167.5 → 168 GiB cache; 45.5 + 168 = 213.5 → 214 GiB; root 20 + 10 + 214 = 244 → 250 GiB
    expect(s.root.sizeGiB).toBe(250);
    const small = nodeStorage(specFor(llama13Awq), noNvme, 1);
    // 7,150 MB / 120 s = 59.6 MB/s: the 125 MiB/s baseline already does it
    expect(small.root).toMatchObject({ throughputMiBps: 125, iops: 3000 });
  });

  it("keeps only the caches on disk when the weights stream from S3", () => {
    const s = nodeStorage(specFor({ ...llama13Awq, egress: "none", dockerHubCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/d-x", ghcrCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/g-x", nvcrMirror: "123456789012.dkr.ecr.us-east-1.amazonaws.com/nvcr" }), g6, 1);
    expect(s).toMatchObject({ weightsOnDisk: false, podCacheGiB: 5 });
  });
});

describe("cold start", () => {
  it("adds the node, the image, the download, the load and the engine, with 1.5× headroom", () => {
    const spec = specFor(llama13Awq);
    const c = coldStart(spec, g6, 1, nodeStorage(spec, g6, 1));
    expect(c.terms.map((t) => [t.name, t.seconds])).toEqual([
      ["node", 300],
      ["image", 294], // 12,700 MB at 100 MB/s = 127 s + 25,000 MB at 150 MB/s = 166.7 s
      ["weights", 72], // 7,150 MB from Hugging Face at min(100, 2,500 Mbit/s ÷ 8 = 312.5) MB/s = 71.5 s
      ["load", 8], // 7,150 MB from NVMe at 1,000 MB/s
      ["engine", 120],
    ]);
    expect(c.startupSeconds).toBe(300); // (72 + 8 + 120) × 1.5
    expect(c.totalSeconds).toBe(1191); // 794 × 1.5
  });

  it("streams from S3 at the node's network rate, shared by the replicas on it", () => {
    const spec = specFor({ model: "Qwen/Qwen2.5-7B-Instruct", weightsSource: "s3" });
    const g612 = findInstanceType("g6.12xlarge")!; // 40 Gbit/s = 5,000 MB/s for 4 replicas: 1,250 MB/s each
    const c = coldStart(spec, g612, 4, nodeStorage(spec, g612, 4));
    // 7.6e9 × 2 B = 15,200 MB at min(1,780 measured, 1,250) MB/s = 12.2 s; no download step
    expect(c.terms.find((t) => t.name === "load")).toMatchObject({ seconds: 13, inContainer: true });
    expect(c.terms.some((t) => t.name === "weights")).toBe(false);
  });
});

describe("rollouts", () => {
  it("surge only with a spare GPU slot at max replicas, never on trial stacks", () => {
    // 2 × g6.12xlarge hold 8 TP-1 replicas: max 7 leaves one slot
    const roomy = specFor({ model: "Qwen/Qwen2.5-7B-Instruct", instanceType: "g6.12xlarge", tensorParallelSize: 1, maxReplicas: 7 });
    expect(rolloutStrategy(roomy, planSizing(roomy))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const full = specFor({ model: "Qwen/Qwen2.5-7B-Instruct", instanceType: "g6.12xlarge", tensorParallelSize: 1, maxReplicas: 8 });
    expect(rolloutStrategy(full, planSizing(full))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    const trial = specFor({ model: "Qwen/Qwen2.5-7B-Instruct", instanceType: "g6.12xlarge", tensorParallelSize: 1, maxReplicas: 7, trial: true, expiresAt: "6h" });
    expect(rolloutStrategy(trial, planSizing(trial))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
});

describe("ECR pull-through cache names", () => {
  it("gives each stack its own prefixes, within ECR's 30 characters and naming rule", () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 80 }), (stack) => {
      for (const registry of Object.values(PULL_THROUGH_REGISTRIES)) {
        const prefix = cachePrefix(stack, registry);
        expect(prefix.length).toBeLessThanOrEqual(30);
        expect(prefix).toMatch(ECR_PREFIX);
      }
      expect(weightsBucketPrefix(stack).length).toBeLessThanOrEqual(37); // S3 adds 26 characters, names end at 63
    }));
    expect(stackSlug("dev")).toBe("hw-dev");
    // long names are cut and hashed, so two long stacks sharing a start still differ
    expect(stackSlug("production-eu-west-1-inference")).not.toBe(stackSlug("production-eu-west-1-inference-b"));
  });

  it("caches every image except the nvcr.io ones and those already in this region's ECR", () => {
    const upstream = cachedImages("dev", "vllm/vllm-openai:v0.31.0", "us-east-1").map((i) => i.upstream);
    expect(upstream).toContain("vllm/vllm-openai:v0.31.0");
    expect(upstream.some((i) => i.startsWith("nvcr.io/"))).toBe(false);
    expect(cachedImages("dev", "123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v0.31.0", "us-east-1").map((i) => i.upstream)).not.toContain("123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:v0.31.0");
  });
});

describe("nodeadm user data", () => {
  it("asks for RAID0 local storage in a MIME part EKS merges with its own, only where there is NVMe", () => {
    const spec = specFor(llama13Awq);
    const text = nodeConfigUserData(nodeStorage(spec, g6, 1))!;
    expect(text).toMatch(/^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="HOSTWISE"\n/);
    expect(text).toContain("Content-Type: application/node.eks.aws");
    expect(text).toContain("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  instance:\n    localStorage:\n      strategy: RAID0");
    expect(text.trimEnd().endsWith("--HOSTWISE--")).toBe(true);
    expect(localStorageStrategy(Buffer.from(text).toString("base64"))).toBe("RAID0");
    expect(nodeConfigUserData(nodeStorage(spec, noNvme, 1))).toBeUndefined();
  });
});

describe("chart facts", () => {
  it("cover every pinned chart, with the chart's image tags", () => {
    expect(Object.keys(CHART_FACTS).sort()).toEqual(listChartFolders());
    // images follow the pinned versions: the LBC and KEDA tag their images with the chart version
    expect(CHART_FACTS["aws-load-balancer-controller"]!.images[0]!.upstream).toBe(`public.ecr.aws/eks/aws-load-balancer-controller:v${readChart("aws-load-balancer-controller").version}`);
    for (const i of CHART_FACTS.keda!.images) expect(splitImage(i.upstream).tag).toBe(readChart("keda").version);
    expect(splitImage(CHART_FACTS["nvidia-device-plugin"]!.images[0]!.upstream).tag).toBe(`v${readChart("nvidia-device-plugin").version}`);
  });

  it("read the images a release really pulls from its values", () => {
    expect(effectiveImages("keda", { global: { image: { registry: "1.dkr.ecr.r.amazonaws.com/p" } } })[0]).toBe("1.dkr.ecr.r.amazonaws.com/p/kedacore/keda:2.20.2");
    expect(effectiveImages("prometheus", { server: { image: { repository: "x/prom" } } })).toEqual(["x/prom:v3.14.0", "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1"]);
    expect(splitImage("vllm/vllm-openai:v0.31.0")).toEqual({ host: "docker.io", repository: "vllm/vllm-openai", tag: "v0.31.0" });
    expect(splitImage("ubuntu:24.04")).toEqual({ host: "docker.io", repository: "library/ubuntu", tag: "24.04" });
  });

  it("the shipped values turn the load balancer controller's Service webhook off and scrape every 15 s", () => {
    expect(readChart("aws-load-balancer-controller").values.enableServiceMutatorWebhook).toBe(false);
    expect((readChart("prometheus").values as any).server.global.scrape_interval).toBe("15s");
  });
});

describe("gp3 pricing", () => {
  it("bills throughput above 125 MiB/s and IOPS above 3,000 on every node's root volume", () => {
    const ctx: PriceContext = {
      prices: RegionPrices.of(BUILT_IN_CATALOG, "us-east-1")!, gpu: ON_DEMAND("gpu"), system: ON_DEMAND("system"), now: new Date("2026-11-23T12:00:00Z"),
      usage: { expectedUtilization: 0.5, natDataGbPerMonth: 0, endpointDataGbPerMonth: 0, logIngestionGbPerMonth: 0, nlbCapacityUnits: 0, internetDataOutGbPerMonth: 0 },
      instancePrices: {}, expectedNodes: { gpu: 1 }, launchTemplateDiskGiB: { gpu: 250 }, launchTemplateGp3: { gpu: { throughputMiBps: 1000, iops: 4000 } },
    };
    const [group] = priceResources([{ type: "aws:eks/nodeGroup:NodeGroup", name: "gpu", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 2 } } }], ctx).priced;
    const byName = Object.fromEntries(group!.components.map((c) => [c.name.split(" (")[0], c.monthlyUsd.max]));
    // 2 nodes: 875 MiB/s × $0.04 = $35 each; 1,000 IOPS × $0.005 = $5 each
    expect(byName["root volume throughput above 125 MiB/s"]).toBeCloseTo(70, 6);
    expect(byName["root volume IOPS above 3000"]).toBeCloseTo(10, 6);
  });
});
