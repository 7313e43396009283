import { describe, expect, it } from "vitest";
import { apiMonthlyUsd, breakEvenMonthlyOutputTokens, nodesFor, selfHostedMonthlyUsd, type HostedApiCostModel, type SelfHostedCostModel } from "../infra/cost/curve";
import { BUILT_IN_CATALOG, RegionPrices } from "../infra/catalog/aws-prices";
import { ON_DEMAND } from "../infra/catalog/purchase-options";
import { estimateCost } from "../infra/cost/estimate";
import { priceResources, type PriceContext } from "../infra/cost/pricebook";
import { planSizing } from "../infra/sizing/choose";
import { specFor } from "./helpers";

const CTX: PriceContext = {
  prices: RegionPrices.of(BUILT_IN_CATALOG, "us-east-1")!,
  gpu: ON_DEMAND("gpu"),
  system: ON_DEMAND("system"),
  now: new Date("2026-11-23T12:00:00Z"),
  usage: { expectedUtilization: 0.5, natDataGbPerMonth: 100, endpointDataGbPerMonth: 10, logIngestionGbPerMonth: 10, nlbCapacityUnits: 2, internetDataOutGbPerMonth: 40 },
  instancePrices: { "r7i.large": 0.1323 },
  expectedNodes: { gpu: 1.5 },
  launchTemplateDiskGiB: { gpu: 200 },
};

function price(type: string, props: Record<string, unknown>, name = "r") {
  return priceResources([{ type, name, props }], CTX);
}
const monthly = (type: string, props: Record<string, unknown>, name?: string) => price(type, props, name).priced[0]!.monthlyUsd;

// Each entry against a cost worked out by hand (730 hours a month).
describe("price book entries", () => {
  it("node group: instances × nodes at min / expected / max, plus each node's gp3 root volume", () => {
    const cost = monthly("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["p5.48xlarge"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 } }, "gpu");
    // p5.48xlarge $55.04/h × 730 = $40,179.20 a node; volume 200 GiB × $0.08 = $16 a node; expected 1.5 nodes
    expect(cost.min).toBeCloseTo(40179.2 + 16, 6);
    expect(cost.expected).toBeCloseTo(1.5 * (40179.2 + 16), 6);
    expect(cost.max).toBeCloseTo(2 * (40179.2 + 16), 6);
  });

  it("node group: without an expected count it uses the desired size; system types and overrides are priced", () => {
    const system = monthly("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["m6i.large"], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 2 }, diskSize: 50 }, "system");
    expect(system.expected).toBeCloseTo(2 * (0.096 * 730 + 50 * 0.08), 6); // $148.16
    const overridden = monthly("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["r7i.large"], scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 1 } }, "x");
    expect(overridden.expected).toBeCloseTo(0.1323 * 730 + 20 * 0.08, 6);
    const spot = price("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g5.xlarge"], capacityType: "SPOT", scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 1 } }).priced[0]!;
    // SPOT capacity at the region's spot snapshot: g5.xlarge $0.436/h (median of the us-east-1 zones) × 730 + 20 GiB × $0.08
    expect(spot.components[0]!.name).toBe("g5.xlarge instances (spot)");
    expect(spot.monthlyUsd.expected).toBeCloseTo(0.436 * 730 + 1.6, 6);
    expect(spot.components[0]!.assumption).toMatch(/g5\.xlarge spot in us-east-1: \$0\.436\/h \(57% below On-Demand \$1\.006\/h\).*two-minute notice/);
  });

  it("EKS control plane: standard $0.10/h, extended support $0.60/h by the version's date and the support type", () => {
    expect(monthly("aws:eks/cluster:Cluster", { version: "1.35" }).expected).toBeCloseTo(73, 6);
    expect(monthly("aws:eks/cluster:Cluster", { version: "1.33" }).expected).toBeCloseTo(438, 6); // standard support ended 2026-07-29
    expect(monthly("aws:eks/cluster:Cluster", { version: "1.33", upgradePolicy: { supportType: "EXTENDED" } }).expected).toBeCloseTo(438, 6);
    // STANDARD: EKS upgrades the control plane instead of billing extended support
    expect(monthly("aws:eks/cluster:Cluster", { version: "1.33", upgradePolicy: { supportType: "STANDARD" } }).expected).toBeCloseTo(73, 6);
  });

  it("NAT gateway: $0.045/h plus $0.045/GB of the assumed data, labelled as an assumption", () => {
    const p = price("aws:ec2/natGateway:NatGateway", {}).priced[0]!;
    expect(p.monthlyUsd.expected).toBeCloseTo(32.85 + 4.5, 6);
    expect(p.components[1]!.assumption).toBe("natDataGbPerMonth = 100 GB through this gateway");
  });

  it("Elastic IP: public IPv4 at $0.005/h", () => {
    expect(monthly("aws:ec2/eip:Eip", { domain: "vpc" }).expected).toBeCloseTo(3.65, 6);
  });

  it("VPC endpoints: interface $0.01/h per subnet plus data; gateway free", () => {
    expect(monthly("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", subnetIds: ["a", "b"] }).expected).toBeCloseTo(14.6 + 0.1, 6);
    expect(price("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway" }).free).toHaveLength(1);
  });

  it("KMS key $1/month; log group $0.50/GB ingested", () => {
    expect(monthly("aws:kms/key:Key", {}).expected).toBe(1);
    expect(monthly("aws:cloudwatch/logGroup:LogGroup", {}).expected).toBeCloseTo(5, 6);
  });

  it("a LoadBalancer Service is a Network Load Balancer: $0.0225/h plus $0.006 per NLCU-hour; other Services are free", () => {
    expect(monthly("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } }).expected).toBeCloseTo(16.425 + 2 * 4.38, 6);
    expect(price("kubernetes:core/v1:Service", { spec: { type: "ClusterIP" } }).free).toHaveLength(1);
  });

  it("an internet-facing NLB also sends its responses out of AWS: $0.09 per GB of the assumed data; an internal one does not", () => {
    const scheme = (s: string) => ({ metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": s } }, spec: { type: "LoadBalancer" } });
    const open = price("kubernetes:core/v1:Service", scheme("internet-facing")).priced[0]!;
    // $16.425 + 2 NLCU × $4.38 + 40 GB × $0.09 (us-east-1's first paid tier) = $28.785
    expect(open.monthlyUsd.expected).toBeCloseTo(16.425 + 2 * 4.38 + 40 * 0.09, 6);
    const out = open.components[2]!;
    expect([out.name, out.unit, out.unitPriceUsd, out.assumption]).toEqual([
      "data transfer out to the internet", "GB out to the internet", 0.09, "internetDataOutGbPerMonth = 40 GB of responses to clients on the internet",
    ]);
    expect(out.source.ref).toMatch(/data_transfer_test\.golden/);
    // internal (the controller's default when the annotation is absent): the traffic stays in AWS
    expect(price("kubernetes:core/v1:Service", scheme("internal")).priced[0]!.components.map((c) => c.name)).toEqual(["Network Load Balancer", "NLB capacity units"]);
  });

  it("persistent volumes: PVCs and the Prometheus chart's volume at $0.08/GB-month", () => {
    expect(monthly("kubernetes:core/v1:PersistentVolumeClaim", { spec: { resources: { requests: { storage: "100Gi" } } } }).expected).toBeCloseTo(8, 6);
    expect(monthly("kubernetes:helm.sh/v3:Release", { chart: "prometheus", values: { server: { persistentVolume: { size: "20Gi" } } } }).expected).toBeCloseTo(1.6, 6);
    expect(price("kubernetes:helm.sh/v3:Release", { chart: "keda", values: {} }).free).toHaveLength(1);
  });

  it("lists unknown types and unpriceable inputs as not priced, never drops them", () => {
    const r = priceResources(
      [
        { type: "aws:s3/bucket:Bucket", name: "b", props: {} },
        { type: "aws:eks/nodeGroup:NodeGroup", name: "n", props: { instanceTypes: ["x9.huge"], scalingConfig: {} } },
        { type: "pulumi:providers:aws", name: "default", props: {} },
      ],
      CTX,
    );
    expect(r.notPriced.map((n) => [n.name, n.reason])).toEqual([
      ["b", "no price-book entry for this resource type"],
      ["n", "x9.huge has no price in the built-in catalog (in no region)"],
    ]);
    expect(r.priced).toHaveLength(0);
  });
});

describe("cost curves", () => {
  // fixed $500, $2,000 a node carrying 1B output tokens a month; API $1 per 1M output + $0.10 per 1M input, 2 inputs per output
  const self: SelfHostedCostModel = { fixedMonthlyUsd: 500, gpuNodeMonthlyUsd: 2000, outputTokensPerNodeMonth: 1e9, minNodes: 0, peopleMonthlyUsd: 0, peakToMean: 1 };
  const api: HostedApiCostModel = { inputUsdPerMTok: 0.1, outputUsdPerMTok: 1, inputPerOutputToken: 2 };

  it("steps self-hosting a node at a time and prices the API linearly", () => {
    expect(nodesFor(self, 0)).toBe(0);
    expect(nodesFor(self, 1e9)).toBe(1);
    expect(nodesFor(self, 1e9 + 1)).toBe(2);
    expect(selfHostedMonthlyUsd(self, 1.5e9)).toBe(500 + 2 * 2000);
    expect(apiMonthlyUsd(api, 1e9)).toBeCloseTo(1200, 6); // 1,000 × ($1 + 2 × $0.10)
  });

  it("finds the break-even where the API line meets the stepped curve", () => {
    // 1 node: $2,500 flat up to 1B; API reaches $2,500 at 2,500 / 1.2e-6 = 2.083B > 1B. 2 nodes: $4,500 up to 2B: crosses at 3.75B > 2B.
    // 3 nodes: $6,500 up to 3B: crosses at 5.417B. Never: the API earns $1,200 per node-volume, a node costs $2,000.
    expect(breakEvenMonthlyOutputTokens(self, api)).toBeUndefined();
    const cheapNodes = { ...self, gpuNodeMonthlyUsd: 1000 }; // node $1,000 < API $1,200 for its volume
    // k nodes cost 500 + 1000k; crossing at (500 + 1000k) / 1.2e-6 within ((k−1)·1e9, k·1e9]: k = 3 → 3.5B/1.2 = 2.9167B ∈ (2B, 3B]
    const v = breakEvenMonthlyOutputTokens(cheapNodes, api)!;
    expect(v).toBeCloseTo(3500 / 1.2e-6, -3);
    expect(apiMonthlyUsd(api, v)).toBeCloseTo(selfHostedMonthlyUsd(cheapNodes, v), 6);
    expect(apiMonthlyUsd(api, v * 0.99)).toBeLessThan(selfHostedMonthlyUsd(cheapNodes, v * 0.99));
  });
});

describe("a stack's cost curve", () => {
  /** The stack priced with its GPU node group (root volumes 50 GiB) as the only resource. */
  function curve(config: Record<string, unknown>) {
    const spec = specFor({ instanceType: "g5.12xlarge", tensorParallelSize: 1, ...config });
    const plan = planSizing(spec);
    const gpu = { instanceTypes: ["g5.12xlarge"], scalingConfig: { minSize: plan.nodes.min, desiredSize: plan.nodes.min, maxSize: plan.nodes.max }, diskSize: 50 };
    return { plan, cost: estimateCost(spec, plan, [{ type: "aws:eks/nodeGroup:NodeGroup", name: "test-gpu", props: gpu }], new Date("2026-11-23T12:00:00Z")) };
  }

  it("counts a GPU node's month as every replica it holds, also when the peak fleet leaves part of a node idle", () => {
    // 6 requests/s of Llama-3.1-8B need 5 one-GPU replicas on 4-GPU g5.12xlarge nodes: 2 nodes, 3 GPUs of the second idle
    const { plan, cost } = curve({ peakRequestsPerSecond: 6 });
    expect([plan.replicasPerNode, plan.replicas.peak, plan.nodes.peak]).toEqual([4, 5, 2]);
    const replicaMonth = plan.throughput.capacity.outputTokensPerSecond * 730 * 3600;
    // a node carries 4 replicas' month (not the 5 replicas' fleet spread over 2 nodes, 2.5 each)
    expect(cost.curves.selfHosted.outputTokensPerNodeMonth).toBeCloseTo(4 * replicaMonth, 0);
    expect(plan.throughput.fleetCapacityOutputTokensPerSecond).toBeCloseTo(5 * plan.throughput.capacity.outputTokensPerSecond, 9);
    // $5.672/h × 730 + 50 GiB × $0.08 = $4,144.56 a node
    expect(cost.curves.selfHosted.gpuNodeMonthlyUsd).toBeCloseTo(4144.56, 6);
  });

  it("counts a fallback stack's base in replicas: maxReplicas 3 on a 4-GPU node overflows above 3 replicas, not 4", () => {
    const { plan, cost } = curve({ peakRequestsPerSecond: 8, maxReplicas: 3, fallbackApi: "fireworks/llama-3.3-70b", fallbackApiKey: "fw-test-key" });
    expect([plan.replicas.max, plan.nodes.max]).toEqual([3, 1]);
    const h = cost.hybrid!;
    // mean 8 requests/s × 256 output tokens × 0.5 utilization = 1,024 tokens/s: 2,691,072,000 a month at peak-to-mean 2
    expect(h.monthlyOutputTokens).toBeCloseTo(1024 * 730 * 3600, 0);
    // k = 3 replicas' month over the mean; the share above it is (2 − k)² / (4 × (2 − 1)) for 0 ≤ k ≤ 2
    const k = (3 * plan.throughput.capacity.outputTokensPerSecond * 730 * 3600) / h.monthlyOutputTokens;
    expect(k).toBeLessThan(2);
    expect(h.overflowShare).toBeCloseTo((2 - k) ** 2 / 4, 12);
  });
});
