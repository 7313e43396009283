import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../infra/cost/estimate";
import { resolveStack } from "../infra/resolve";
import { reportPrices } from "../scripts/report/price";
import { applyOverrides, readStackFile } from "../scripts/lib/stack-file";
import { expectPoliciesPass } from "./support/aws-assertions";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { dependenciesOf, evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// A hybrid stack: the dev stack with a fixed base of one replica and a fallback API for what it cannot serve
// (its peak needs more). The only program evaluation of a fallback stack; the rest is in test/entry.test.ts.

const FALLBACK_KEY = "fw-secret-test-value-3f9a";
const OVERRIDES = ["fallbackApi=fireworks/llama-3.3-70b", `fallbackApiKey=${FALLBACK_KEY}`, "minReplicas=1", "maxReplicas=1", "peakRequestsPerSecond=2"];
let resources: Registered[];
let outputs: Record<string, any>;
const { spec, plan } = resolveStack(applyOverrides(readStackFile(ROOT, "dev"), OVERRIDES), { stack: "dev", now: new Date() });
beforeAll(async () => {
  ({ resources, outputs } = await evaluateProgram("dev", OVERRIDES));
});

const policy = (name: string) => one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs.spec;

describe("a stack with a fallback API", () => {
  it("registers valid objects (the route against its CRD), passes every rule, and tears down in order", async () => {
    await expectKubernetesObjectsValid(resources);
    expectPoliciesPass(resources);
    expectTeardownOrder(resources, "dev");
  });

  it("keeps a fixed base below the peak: the rest overflows instead of failing the plan", () => {
    // 2 requests/s need 4 replicas of this g6.xlarge at capacity (0.59 requests/s each); maxReplicas 1 is the base
    expect(plan.replicas).toEqual({ min: 1, peak: 1, max: 1 });
    // vLLM rejects with 503 beyond its batch plus ceil(queueDepthPerReplica 2) waiting: the gateway then falls back
    const args = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm").inputs.spec.template.spec.containers[0].args;
    expect(args).toContain(`--max-num-queued-reqs=${plan.maxNumSeqs + 2}`);
  });

  it("routes the entry point to the LiteLLM gateway, which sends the model to vLLM and falls back to the hosted API", () => {
    expect(one(resources, "kubernetes:http.keda.sh/v1beta1:InterceptorRoute").inputs.spec.target).toEqual({ service: "gateway", port: 4000 });
    const config = parse(one(resources, "kubernetes:core/v1:ConfigMap", "dev-gateway").inputs.data["config.yaml"]);
    expect(config.model_list).toEqual([
      {
        model_name: "llama-2-13b-chat",
        litellm_params: { model: "hosted_vllm/llama-2-13b-chat", api_base: "http://vllm.inference.svc.cluster.local:8000/v1", api_key: "os.environ/VLLM_API_KEY", timeout: 530, stream_timeout: 530 },
        model_info: { id: "vllm" },
      },
      {
        model_name: "llama-2-13b-chat-fallback",
        litellm_params: { model: "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", api_key: "os.environ/FALLBACK_API_KEY", timeout: 530, stream_timeout: 530 },
        model_info: { id: "fallback" },
      },
    ]);
    expect(config.router_settings).toEqual({ fallbacks: [{ "llama-2-13b-chat": ["llama-2-13b-chat-fallback"] }], num_retries: 0, disable_cooldowns: true });
    expect(config.general_settings).toEqual({ master_key: "os.environ/LITELLM_MASTER_KEY" });
    expect(outputs.inferenceEndpoint.fallbackApi).toBe("fireworks/llama-3.3-70b");
  });

  it("keeps the fallback key a secret: in its own Secret, read through the environment, nowhere else", () => {
    const secrets = ofType(resources, "kubernetes:core/v1:Secret");
    expect(one(resources, "kubernetes:core/v1:Secret", "dev-gateway-credentials").inputs.stringData).toEqual({ "fallback-api-key": FALLBACK_KEY });
    const elsewhere = resources.filter((r) => !secrets.includes(r) && JSON.stringify(r.inputs).includes(FALLBACK_KEY));
    expect(elsewhere.map((r) => r.key)).toEqual([]);
    const container = one(resources, "kubernetes:apps/v1:Deployment", "dev-gateway").inputs.spec.template.spec.containers[0];
    expect(container.args).toEqual(["--config", "/etc/litellm/config.yaml", "--port", "4000", "--num_workers", "1"]);
    expect(container.env).toContainEqual({ name: "FALLBACK_API_KEY", valueFrom: { secretKeyRef: { name: "gateway-credentials", key: "fallback-api-key" } } });
    expect(container.env).toContainEqual({ name: "LITELLM_MASTER_KEY", valueFrom: { secretKeyRef: { name: "vllm-credentials", key: "api-key" } } });
  });

  it("lets only the gateway call vLLM, and only the gateway reach the internet on 443 besides vLLM's weights", () => {
    expect(policy("dev-allow-inference").ingress[0].from[0]).toEqual({ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway", "app.kubernetes.io/instance": "dev" } } });
    expect(policy("dev-allow-gateway").ingress[0].ports).toEqual([{ protocol: "TCP", port: 4000 }]);
    const egress = policy("dev-gateway-egress").egress;
    expect(egress.map((e: any) => e.ports.map((p: any) => `${p.protocol}/${p.port}`).join(","))).toEqual(["UDP/53,TCP/53", "TCP/8000", "TCP/443"]);
    // no Pod Identity agent: Fireworks takes a key, not an AWS role
    expect(JSON.stringify(egress)).not.toContain("169.254.170.23");
  });

  it("prices the overflow next to the stack, with the assumption shown", () => {
    const cost = estimateCost(spec, plan, resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })), new Date());
    const h = cost.hybrid!;
    // the traffic: 2 requests/s × 256 output tokens at peak, expectedUtilization 0.5 → a mean of 256 tokens/s, peak-to-mean 2
    expect(h.monthlyOutputTokens).toBeCloseTo(2 * 256 * 0.5 * 730 * 3600, 0);
    expect(h.peakToMean).toBe(2);
    // the 1-node base carries k = its month at capacity over the mean: the share is (2 − k)² / 4 below k = 2
    const k = cost.curves.selfHosted.outputTokensPerNodeMonth / h.monthlyOutputTokens;
    expect(h.overflowShare).toBeCloseTo((2 - k) ** 2 / 4, 12);
    // $0.90 in + 2 × $0.90 out per 1M output tokens (512 prompt tokens per 256 output)
    expect(h.apiMonthlyUsd).toBeCloseTo(h.overflowShare * (h.monthlyOutputTokens / 1e6) * 2.7, 6);
    expect(h.monthlyUsd).toBeCloseTo(cost.monthlyUsd.expected + h.apiMonthlyUsd, 6);
    expect(cost.assumptions.some((a) => a.startsWith("hybrid: peak-to-mean 2.00"))).toBe(true);
    // `hostwise report` prices what the gateway sent to the hosted API at the fallback's prices
    expect(reportPrices({ spec, plan, resources: [], cost }).fallbackApi).toEqual({ id: "fireworks/llama-3.3-70b", inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9 });
  });

  it("creates the gateway's objects before the route points at them", () => {
    const route = one(resources, "kubernetes:http.keda.sh/v1beta1:InterceptorRoute");
    const deps = dependenciesOf(resources, route.key);
    expect(deps.has("kubernetes:apps/v1:Deployment::dev-gateway")).toBe(true);
    expect(deps.has("kubernetes:core/v1:Service::dev-gateway")).toBe(true);
    expect(deps.has("kubernetes:core/v1:Service::dev-unavailable")).toBe(true);
  });
});
