import { findHostedApi } from "../../infra/catalog/hosted-apis";
import type { StackSpec } from "../../infra/config/spec";
import { SECONDS_PER_MONTH } from "../../infra/cost/curve";
import type { HybridPoint } from "../../infra/cost/hybrid";
import type { SizingPlan } from "../../infra/sizing/choose";

// The `pulumi config set` lines that deploy the hybrid `hostwise decide` priced: the base it chose on the
// instance type it priced, the fallback API, and the workload's traffic, so the stack's own cost estimate
// prices the same hybrid. Pure: decide prints them, the tests apply them to the stack and check the result.

export interface HybridDeployment {
  readonly baseNodes: number;
  readonly baseReplicas: number;
  readonly fallbackApi: string;
  readonly overflowShare: number;
  readonly worstCaseShare: number;
  readonly monthlyUsd: number;
  /** Shell lines, comments included, in the order to run them. */
  readonly configLines: readonly string[];
}

export interface HybridDeployInputs {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
  readonly hybrid: HybridPoint;
  /** The API decide compared with, and whether its prices are the catalog's. */
  readonly api: { readonly id: string; readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number; readonly fromCatalog: boolean };
  readonly monthlyOutputTokens: number;
  readonly peakToMean: number;
}

/** A decimal without float noise: at most `digits` places, trailing zeros dropped. */
const decimal = (n: number, digits: number) => String(Number(n.toFixed(digits)));

export function hybridDeployment(i: HybridDeployInputs): HybridDeployment {
  const { spec, plan, hybrid, api } = i;
  const set = (key: string, value: string | number) => `pulumi config set --stack ${spec.stack} hostwise:${key} ${value}`;
  const baseReplicas = hybrid.baseNodes * plan.replicasPerNode;
  const peakOutputTokensPerSecond = (i.monthlyOutputTokens * i.peakToMean) / SECONDS_PER_MONTH;
  const catalog = findHostedApi(api.id);
  const bedrock = catalog?.gateway.auth === "aws-iam";
  const traffic =
    spec.traffic.given === "requests"
      ? [set("peakRequestsPerSecond", decimal(peakOutputTokensPerSecond / spec.traffic.meanOutputTokens, 6))]
      : [set("peakOutputTokensPerSecond", decimal(peakOutputTokensPerSecond, 3))];
  const lines = [
    `# hybrid: ${hybrid.baseNodes} ${plan.instanceType} node(s) (${baseReplicas} replica(s)) always on, the peaks to ${api.id}`,
    ...(spec.network.egress === "none" ? ["# the gateway reaches the hosted API through the internet: a fallback needs NAT egress", set("egress", "nat")] : []),
    set("instanceType", plan.instanceType),
    set("tensorParallelSize", plan.tensorParallelSize),
    set("minReplicas", baseReplicas),
    set("maxReplicas", baseReplicas),
    set("fallbackApi", api.id),
    ...(bedrock
      ? [`# ${api.id}: no key; the gateway calls Bedrock with its own IAM role (EKS Pod Identity), from a us-* region`]
      : [`pulumi config set --stack ${spec.stack} --secret hostwise:fallbackApiKey   # no value: pulumi prompts for it, so the key stays out of your shell history`]),
    ...(api.fromCatalog ? [] : [set("hostedApi", api.id), set("hostedApiInputPrice", api.inputUsdPerMTok), set("hostedApiOutputPrice", api.outputUsdPerMTok)]),
    "# the workload decide priced, so the stack's cost estimate prices the same hybrid:",
    ...traffic,
    set("expectedUtilization", decimal(1 / i.peakToMean, 4)),
  ];
  return {
    baseNodes: hybrid.baseNodes,
    baseReplicas,
    fallbackApi: api.id,
    overflowShare: hybrid.overflowShare,
    worstCaseShare: hybrid.worstCaseShare,
    monthlyUsd: hybrid.monthlyUsd,
    configLines: lines,
  };
}

/** `hostwise:key value` pairs of the lines that set a plain value (what `--config key=value` takes). */
export function configOverrides(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const m = /^pulumi config set --stack \S+ hostwise:(\S+) (\S+)$/.exec(l);
    return m ? [`${m[1]}=${m[2]}`] : [];
  });
}
