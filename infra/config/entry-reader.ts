import { findHostedApi, HOSTED_API_PRICES } from "../catalog/hosted-apis";
import { qualified, setHint, type ConfigReader } from "./read";
import type { EntrySpec, FallbackSpec, HostedApiSpec, ScalingSpec } from "./spec";

/** vLLM release that added --max-num-queued-reqs (vllm-project/vllm#49445, in v0.29.0). */
export const ADMISSION_CONTROL_VLLM = [0, 29] as const;

/** "vllm/vllm-openai:v0.31.0" → [0, 31]; undefined for a digest or a tag without a version. */
export function vllmVersion(image: string): [number, number] | undefined {
  const m = /:v?(\d+)\.(\d+)\.\d+[^/@]*$/.exec(image);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export interface EntryContext {
  readonly region?: string;
  readonly egress?: string;
  readonly scaling?: ScalingSpec;
  readonly vllmImage?: string;
  /** The API the stack is compared with: its prices (overrides included) price the fallback when it is the same one. */
  readonly hostedApi?: HostedApiSpec;
}

/**
 * The entry point's keys: the hold, and the fallback API with its key and overflow threshold. A fallback
 * needs internet egress (the hosted API is outside AWS, or Bedrock through the internet), a key unless it
 * is Bedrock (IAM), a US region for Bedrock's US inference profiles, and a vLLM with admission control.
 */
export function readEntry(r: ConfigReader, c: EntryContext): EntrySpec | undefined {
  // At most 300 s (schema range): a load balancer drops a connection idle for 350 s, before the 503 arrives.
  const coldHoldSeconds = r.number("coldHoldSeconds");
  const fallback = readFallback(r, c);
  if (coldHoldSeconds === undefined || fallback === null) return undefined;
  return { coldHoldSeconds, ...(fallback ? { fallback } : {}) };
}

/** The fallback, undefined when none is configured, null when its keys are invalid. */
function readFallback(r: ConfigReader, c: EntryContext): FallbackSpec | undefined | null {
  const id = r.string("fallbackApi");
  const keySet = r.isSet("fallbackApiKey");
  const depth = r.number("overflowQueueDepth");
  if (id === undefined) {
    if (keySet) r.fail("fallbackApiKey", "is set but hostwise:fallbackApi is not: nothing would use it", `pulumi config rm ${qualified("fallbackApiKey")}, or ${setHint("fallbackApi", "fireworks/llama-3.3-70b")}`);
    if (r.isSet("overflowQueueDepth")) r.fail("overflowQueueDepth", "only applies with a fallback API (without one vLLM's queue is unbounded)", `pulumi config rm ${qualified("overflowQueueDepth")}, or ${setHint("fallbackApi", "fireworks/llama-3.3-70b")}`);
    return undefined;
  }
  const before = r.issues.length;
  const api = findHostedApi(id);
  if (!api) {
    r.fail("fallbackApi", `"${id}" is not in the hosted API catalog`, `use one of ${HOSTED_API_PRICES.map((p) => p.id).join(", ")}`);
    return null;
  }
  if (c.egress === "none") {
    r.fail("fallbackApi", "needs outbound internet to reach the hosted API, but hostwise:egress is none",
      `${setHint("egress", "nat")}, or pulumi config rm ${qualified("fallbackApi")} (requests then wait for vLLM, or get 503 + Retry-After)`);
  }
  const iam = api.gateway.auth === "aws-iam";
  if (iam && keySet) {
    r.fail("fallbackApiKey", `${id} is called with the gateway's IAM role (EKS Pod Identity), not a key`, `pulumi config rm ${qualified("fallbackApiKey")}`);
  } else if (!iam && !keySet) {
    r.fail("fallbackApiKey", `${id} needs an API key`, `pulumi config set --secret ${qualified("fallbackApiKey")}   (no value: pulumi prompts for it, so it stays out of your shell history)`);
  }
  if (iam && c.region && !c.region.startsWith("us-")) {
    r.fail("fallbackApi", `${api.gateway.litellmModel.slice("bedrock/".length)} is a US cross-region inference profile, callable only from a US region, and the stack is in ${c.region}`,
      "use a non-Bedrock fallback, or deploy to a us-* region");
  }
  const version = c.vllmImage ? vllmVersion(c.vllmImage) : undefined;
  const [major, minor] = ADMISSION_CONTROL_VLLM;
  if (version && (version[0] < major || (version[0] === major && version[1] < minor))) {
    r.fail("vllmImage", `${c.vllmImage} predates vLLM ${major}.${minor}, which added --max-num-queued-reqs: without it a full replica never hands requests to the fallback`,
      setHint("vllmImage", "vllm/vllm-openai:v0.31.0"));
  }
  const queueDepth = c.scaling?.queueDepthPerReplica;
  const overflowQueueDepth = depth ?? (queueDepth !== undefined ? Math.ceil(queueDepth) : undefined);
  const fixedBase = c.scaling !== undefined && c.scaling.maxReplicas === c.scaling.minReplicas;
  if (depth !== undefined && queueDepth !== undefined && depth < queueDepth && !fixedBase) {
    r.fail("overflowQueueDepth", `${depth} is below queueDepthPerReplica (${queueDepth}): requests would go to the hosted API before the queue reaches the autoscaling target`,
      `${setHint("overflowQueueDepth", Math.ceil(queueDepth))}, or fix the replica count (minReplicas = maxReplicas) for a hybrid base`);
  }
  if (r.issues.length > before || overflowQueueDepth === undefined) return null;
  const prices = c.hostedApi?.id === id ? c.hostedApi : api;
  return {
    api: id,
    litellmModel: api.gateway.litellmModel,
    auth: api.gateway.auth,
    inputUsdPerMTok: prices.inputUsdPerMTok,
    outputUsdPerMTok: prices.outputUsdPerMTok,
    overflowQueueDepth,
  };
}
