import { INSTANCE_SOURCE } from "../../infra/catalog/instances";
import type { Expiry, StackSpec } from "../../infra/config/spec";
import { resolveStack } from "../../infra/resolve";
import type { SizingPlan } from "../../infra/sizing/choose";
import type { OperatingPoint } from "../../infra/sizing/throughput";
import { evaluateProgram } from "../lib/evaluate-program";
import { renderInventory, summarizeResources, type ResourceInventory } from "../lib/inventory";
import { applyOverrides, readStackFile } from "../lib/stack-file";
import { renderTable, round, usd } from "../lib/table";

export const PLAN_HELP = `hostwise plan — the sizing decision for a stack, offline (no Pulumi CLI, no AWS credentials)

Usage: npm run plan -- [--stack NAME] [--config key=value ...] [--json] [--all]

Reads Pulumi.<stack>.yaml, validates it, and prints the model class, the memory budget per GPU, the chosen
instance type, tensor parallelism, replicas and nodes, the vLLM flags, the modeled throughput, the GPU cost
per hour and month, and the alternatives with why each lost. It then runs the real Pulumi program under
Pulumi's mock runtime and lists what \`pulumi up\` would create: AWS resources by type, Helm releases and
Kubernetes objects.

Options:
  --stack NAME          stack file to read: Pulumi.NAME.yaml (default: dev)
  --config key=value    override a config key for this run (repeatable): model, hostwise:maxModelLen,
                        aws:region, ...
  --dir PATH            project directory holding the stack files (default: the current directory)
  --json                print the stack spec and the plan as JSON
  --all                 list every alternative (default: the best 12)
  -h, --help            show this help

Exit codes: 0 planned, 1 invalid configuration (every error listed), 2 bad command line.`;

export interface PlanOptions {
  readonly stack: string;
  readonly dir: string;
  readonly overrides: readonly string[];
  readonly json: boolean;
  readonly all: boolean;
  readonly now: Date;
}

/**
 * Validates and sizes the stack, then evaluates the real Pulumi program under the mock runtime to list
 * everything `pulumi up` would create. Config errors surface before the program runs.
 */
export async function runPlan(o: PlanOptions): Promise<string> {
  const raw = applyOverrides(readStackFile(o.dir, o.stack), o.overrides);
  const { spec, plan } = resolveStack(raw, { stack: o.stack, now: o.now });
  const { resources } = await evaluateProgram(o.stack, raw);
  const inventory = summarizeResources(resources);
  return o.json ? JSON.stringify({ ...planJson(spec, plan, o.now), resources: inventory }, null, 2) : renderPlan(spec, plan, inventory, o);
}

/** When the stack expires, if it were created now. */
function expiresAt(expiry: Expiry, now: Date): Date {
  return expiry.kind === "at" ? expiry.at : new Date(now.getTime() + expiry.hours * 3_600_000);
}

export function planJson(spec: StackSpec, plan: SizingPlan, now: Date) {
  return {
    stack: spec.stack,
    region: spec.placement.region,
    environment: spec.environment,
    trial: spec.trial,
    expiry: spec.expiry && {
      ...(spec.expiry.kind === "at" ? { at: spec.expiry.at.toISOString() } : { afterCreation: spec.expiry.text }),
      ifCreatedNow: expiresAt(spec.expiry, now).toISOString(),
    },
    spec: { serving: spec.serving, traffic: spec.traffic, scaling: spec.scaling, hostedApi: spec.hostedApi },
    plan,
  };
}

function describeExpiry(expiry: Expiry | undefined, now: Date): string {
  if (!expiry) return "no expiry";
  if (expiry.kind === "at") return `expires ${expiry.at.toISOString()}`;
  return `expires ${expiry.text} after creation (${expiresAt(expiry, now).toISOString()} if created now)`;
}

function describePoint(p: OperatingPoint): string {
  return (
    `${round(p.perStreamTokensPerSecond)} tokens/s per stream, ${round(p.outputTokensPerSecond, 0)} output tokens/s, ` +
    `${round(p.requestsPerSecond, 2)} requests/s (${round(p.prefillShare * 100, 0)}% of GPU time on prefill, ${p.boundBy}-bound)`
  );
}

function describeTraffic(spec: StackSpec): string {
  const t = spec.traffic;
  const shape = `${t.meanPromptTokens} prompt + ${t.meanOutputTokens} output tokens per request, floor ${t.minTokensPerSecondPerStream} tokens/s per stream`;
  if (t.peakRequestsPerSecond === undefined) return `none given (cheapest plan that fits); ${shape}`;
  const peak =
    t.given === "outputTokens"
      ? `${round(t.peakRequestsPerSecond * t.meanOutputTokens, 0)} output tokens/s (${round(t.peakRequestsPerSecond, 2)} requests/s)`
      : `${round(t.peakRequestsPerSecond, 2)} requests/s`;
  return `peak ${peak}; ${shape}`;
}

function renderPlan(spec: StackSpec, plan: SizingPlan, inventory: ResourceInventory, o: PlanOptions): string {
  const s = spec.serving;
  const m = plan.memory;
  const t = plan.throughput;
  const c = plan.gpuCost;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const shared = plan.replicasPerNode > 1 ? ` (${plan.replicasPerNode} replicas can share one node)` : "";
  const priceNote =
    c.priceSource === "catalog"
      ? `catalog On-Demand price, ${spec.placement.region}, ${INSTANCE_SOURCE.date}`
      : "price from hostwise:instancePrices";
  const alternatives = o.all ? plan.alternatives : plan.alternatives.slice(0, 12);
  const lines = [
    `hostwise plan — stack ${spec.stack} (${spec.placement.region}, ${spec.trial ? "trial" : "long-lived"}, ${describeExpiry(spec.expiry, o.now)})`,
    "",
    `Model        ${plan.model.id} — ${plan.modelClass}, served as "${plan.model.servedModelName}"${plan.model.custom ? " (custom architecture)" : ""}`,
    `Serving      dtype ${plan.dtype} · quantization ${s.quantization} · KV cache ${s.kvCacheDtype} · max-model-len ${s.maxModelLen} · ${plural(s.minConcurrentSequences, "full-length sequence")} guaranteed`,
    `Traffic      ${describeTraffic(spec)}`,
    "",
    `Chosen       ${plan.instanceType}: ${plan.gpu.perNode} × ${plan.gpu.name} (${round(plan.gpu.memoryGiB)} GiB each) · TP ${plan.tensorParallelSize}${shared}`,
    `Replicas     min ${plan.replicas.min} · peak ${plan.replicas.peak} · max ${plan.replicas.max}`,
    `Nodes        min ${plan.nodes.min} · peak ${plan.nodes.peak} · max ${plan.nodes.max} · ${plan.nodeDiskGiB} GiB root volume each`,
    "",
    `Memory per GPU (GiB, at gpuMemoryUtilization ${s.gpuMemoryUtilization})`,
    `  usable ${round(m.usableGiB)} = weights ${round(m.weightsGiB)} + KV cache ${round(m.kvCacheGiB)} + runtime overhead ${round(m.overheadGiB)} + free ${round(m.freeGiB)}`,
    `  the KV pool holds ${m.kvCapacityTokens.toLocaleString("en-US")} tokens per replica`,
    "",
    "Throughput per replica (modeled)",
    `  capacity     ${t.maxConcurrency} concurrent (limited by ${t.limitedBy}): ${describePoint(t.capacity)}`,
    t.atPeak
      ? `  at peak      ${round(t.atPeak.concurrency)} concurrent: ${describePoint(t.atPeak)}`
      : "  at peak      no traffic given",
    `  fleet        ${round(t.fleetCapacityOutputTokensPerSecond, 0)} output tokens/s at capacity with ${plural(plan.replicas.peak, "replica")}`,
    "",
    `GPU cost     ${usd(c.hourlyUsdPerNode)}/h per node (${priceNote})`,
    `  per hour   min ${usd(c.hourlyUsd.min)} · peak ${usd(c.hourlyUsd.peak)} · max ${usd(c.hourlyUsd.max)}`,
    `  per month  min ${usd(c.monthlyUsd.min)} · peak ${usd(c.monthlyUsd.peak)} · max ${usd(c.monthlyUsd.max)} (730 h)`,
    `  ${usd(c.usdPerMillionOutputTokensAtCapacity)} per 1M output tokens with the peak fleet busy at capacity; ` +
      `hosted ${spec.hostedApi.id}: ${usd(spec.hostedApi.outputUsdPerMTok)} per 1M output tokens${spec.hostedApi.overridden ? " (price from config)" : ""}`,
    "",
    "vLLM flags",
    ...plan.vllmArgs.map((a) => `  ${a}`),
    "",
    `Alternatives (${alternatives.length} of ${plan.alternatives.length}, best first${o.all ? "" : "; --all lists every one"})`,
    indent(
      renderTable(
        ["instance type", "TP", "replicas", "nodes", "$/hour", "why not chosen"],
        alternatives.map((a) => [
          a.instanceType,
          String(a.tensorParallelSize),
          a.replicas === undefined ? "-" : String(a.replicas),
          a.nodes === undefined ? "-" : String(a.nodes),
          a.hourlyUsd === undefined ? "-" : usd(a.hourlyUsd),
          a.why,
        ]),
        [1, 2, 3, 4],
      ),
    ),
  ];
  lines.push("", ...renderInventory(inventory));
  if (plan.excluded.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const e of plan.excluded) byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e.instanceType]);
    lines.push("", "Not evaluated", ...[...byReason].map(([reason, types]) => `  ${types.join(", ")}: ${reason}`));
  }
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
