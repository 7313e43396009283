import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../infra/config/errors";
import { gatewayConfig, type GatewayConfig } from "../infra/k8s/gateway-config";
import {
  bedrockInvokePolicy, gatewayDeployment, gatewayEgress, interceptorRoute, responderConfig, RETRY_AFTER_SECONDS, vllmBaseUrl,
} from "../infra/k8s/entry-objects";
import { routeRequest, ROUTING_TABLE, type RequestSituation } from "../infra/k8s/entry-routing";
import { BACKEND_LABEL, BACKENDS, ENTRYPOINT_METRICS } from "../infra/k8s/entrypoint-metrics";
import { vllmScaledObject } from "../infra/k8s/inference-objects";
import { entryNeverHangs, entryReachableOnlyByClients, gatewayKeepsSecrets, scaleFromZero } from "../infra/policy/entry-rules";
import { durationSeconds } from "../infra/policy/rule-kit";
import type { StackResourceView } from "../infra/resource-view";
import { resolveStack } from "../infra/resolve";
import { planSizing } from "../infra/sizing/choose";
import { scaleToZeroTimers } from "../infra/sizing/scale-to-zero";
import { bucketQueries } from "../scripts/report/queries";
import { DAY } from "../scripts/report/window";
import { BASE, issuesFor, NOW, specFor } from "./helpers";
import { crdViolations } from "./support/crd-schema";

// The entry point's pure parts: the route against its CRD, the gateway's config against LiteLLM's documented
// keys, the routing decision against what the configuration makes the components do, the config errors, the
// scale-to-zero timers and the rules. The dev stack's and a fallback stack's programs are in k8s-dev and
// k8s-fallback.

const ROUTE = "kubernetes:http.keda.sh/v1beta1:InterceptorRoute";
const llama13 = { model: "meta-llama/Llama-2-13b-chat-hf", quantization: "awq", checkpoint: "TheBloke/Llama-2-13B-chat-AWQ", maxModelLen: 4096, huggingFaceToken: "" };
const hybrid = { ...llama13, fallbackApi: "fireworks/llama-3.3-70b", fallbackApiKey: "[secret]" };

describe("the InterceptorRoute against the add-on's CRD (v0.15.0)", () => {
  const spec = specFor(llama13);
  const route = interceptorRoute(spec, planSizing(spec));

  it("is valid as generated", () => {
    expect(crdViolations(ROUTE, route)).toEqual([]);
  });

  it("catches typos the API server would prune, and each CEL rule", () => {
    const { scalingMetric, ...rest } = route.spec;
    expect(crdViolations(ROUTE, { ...route, spec: { ...rest, scallingMetric: scalingMetric } })).toEqual([
      "spec: scalingMetric is required",
      "spec.scallingMetric: unknown field (the API server would drop it)",
    ]);
    expect(crdViolations(ROUTE, { ...route, spec: { ...route.spec, target: { service: "vllm", port: 8000, portName: "http" } } })).toEqual(["spec.target: exactly one of 'port' or 'portName' must be set"]);
    expect(crdViolations(ROUTE, { ...route, spec: { ...route.spec, coldStart: {} } })).toEqual(["spec.coldStart: at least one of 'fallback' or 'placeholder' must be set"]);
    expect(crdViolations(ROUTE, { ...route, spec: { ...route.spec, scalingMetric: {} } })).toEqual(["spec.scalingMetric: at least one of 'concurrency' or 'requestRate' must be set"]);
    expect(crdViolations(ROUTE, { ...route, spec: { ...route.spec, scalingMetric: { concurrency: { targetValue: 0 } } } })).toEqual(["spec.scalingMetric.concurrency.targetValue: 0 is below 1"]);
    expect(crdViolations(ROUTE, { ...route, spec: { ...route.spec, rules: [{ headers: [{ name: "A" }, { name: "A" }] }] } })).toEqual(["spec.rules[0].headers: a map list with duplicate keys"]);
  });
});

describe("the gateway's LiteLLM config", () => {
  const documented = JSON.parse(readFileSync(join(__dirname, "fixtures", "litellm-config-keys.json"), "utf8")).sections as Record<string, string[]>;
  const keysIn = (o: Record<string, unknown> | undefined) => Object.keys(o ?? {});

  it("uses only keys LiteLLM documents", () => {
    const spec = specFor(hybrid);
    const config: GatewayConfig = gatewayConfig({ spec, fallback: spec.entry.fallback!, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: 530 });
    const bedrockSpec = specFor({ ...llama13, fallbackApi: "bedrock/llama-3.3-70b" });
    const bedrock = gatewayConfig({ spec: bedrockSpec, fallback: bedrockSpec.entry.fallback!, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: 530 });
    for (const c of [config, bedrock]) {
      const used: Record<string, string[]> = {
        top: keysIn(c as unknown as Record<string, unknown>),
        "model_list[]": c.model_list.flatMap((m) => keysIn(m as unknown as Record<string, unknown>)),
        "model_list[].litellm_params": c.model_list.flatMap((m) => keysIn(m.litellm_params)),
        "model_list[].model_info": c.model_list.flatMap((m) => keysIn(m.model_info)),
        litellm_settings: keysIn(c.litellm_settings),
        general_settings: keysIn(c.general_settings),
        router_settings: keysIn(c.router_settings),
      };
      for (const [section, keys] of Object.entries(used)) for (const key of keys) expect(documented[section], `${section}.${key}`).toContain(key);
    }
    // Bedrock: the region, no key (the gateway's IAM role); the others: a key from the environment
    expect(bedrock.model_list[1]!.litellm_params).toMatchObject({ model: "bedrock/us.meta.llama3-3-70b-instruct-v1:0", aws_region_name: "us-east-1" });
    expect(bedrock.model_list[1]!.litellm_params.api_key).toBeUndefined();
    expect(config.model_list[1]!.litellm_params.api_key).toBe("os.environ/FALLBACK_API_KEY");
  });

  it("calls Bedrock through Pod Identity: the agent's address in its egress, InvokeModel on the one profile", () => {
    const spec = specFor({ ...llama13, fallbackApi: "bedrock/llama-3.3-70b" });
    expect(JSON.stringify((gatewayEgress(spec, "10.0.0.0/16") as any).spec.egress)).toContain("169.254.170.23/32");
    const env = (gatewayDeployment(spec) as any).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "AWS_REGION", value: "us-east-1" });
    expect(env.some((e: any) => e.name === "FALLBACK_API_KEY")).toBe(false);
    expect(JSON.parse(bedrockInvokePolicy("bedrock/us.meta.llama3-3-70b-instruct-v1:0", "us-east-1")).Statement[0]).toEqual({
      Sid: "InvokeFallbackModel",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: ["arn:aws:bedrock:us-east-1:*:inference-profile/us.meta.llama3-3-70b-instruct-v1:0", "arn:aws:bedrock:us-*::foundation-model/meta.llama3-3-70b-instruct-v1:0"],
    });
  });
});

describe("routing decisions", () => {
  const base: RequestSituation = {
    fallback: false, path: "/v1/chat/completions", authorization: true, targetReady: true, vllmReady: true,
    heldSeconds: 0, holdSeconds: 60, inFlight: 0,
  };
  const hybridBase: RequestSituation = { ...base, fallback: true, admissionCap: 20 };

  it("follows the table, row by row", () => {
    expect(routeRequest({ ...base, path: "/metrics" })).toEqual({ kind: "not-routed", status: 404 });
    expect(routeRequest({ ...base, authorization: false })).toEqual({ kind: "not-routed", status: 404 });
    expect(routeRequest({ ...base, targetReady: false, heldSeconds: 59 })).toEqual({ kind: "hold" });
    expect(routeRequest({ ...base, targetReady: false, heldSeconds: 60 })).toEqual({ kind: "unavailable", status: 503, retryAfterSeconds: 30, backend: "none" });
    expect(routeRequest(base)).toEqual({ kind: "serve", backend: "vllm" });
    // without a fallback vLLM's queue has no bound: a deep queue is still served by vLLM
    expect(routeRequest({ ...base, inFlight: 10_000 })).toEqual({ kind: "serve", backend: "vllm" });
    expect(routeRequest({ ...base, upstreamFailure: { status: 500, afterContent: false, contextWindow: false } })).toEqual({ kind: "pass", status: 500, backend: "vllm" });
    expect(routeRequest({ ...hybridBase, vllmReady: false })).toEqual({ kind: "serve", backend: "fallback", reason: "cold" });
    // the gateway itself not ready: held, then 503, like vLLM on a stack without a fallback
    expect(routeRequest({ ...hybridBase, targetReady: false, heldSeconds: 61 })).toMatchObject({ kind: "unavailable", status: 503 });
    expect(routeRequest({ ...hybridBase, inFlight: 20 })).toEqual({ kind: "serve", backend: "fallback", reason: "full" });
    expect(routeRequest({ ...hybridBase, inFlight: 19 })).toEqual({ kind: "serve", backend: "vllm" });
    expect(routeRequest({ ...hybridBase, upstreamFailure: { status: 429, afterContent: false, contextWindow: false } })).toEqual({ kind: "serve", backend: "fallback", reason: "upstream-error" });
    expect(routeRequest({ ...hybridBase, upstreamFailure: { status: 503, afterContent: true, contextWindow: false } })).toEqual({ kind: "pass", status: 503, backend: "vllm" });
    expect(routeRequest({ ...hybridBase, upstreamFailure: { status: 400, afterContent: false, contextWindow: true } })).toEqual({ kind: "serve", backend: "fallback", reason: "context-window" });
    expect(routeRequest({ ...hybridBase, upstreamFailure: { status: 400, afterContent: false, contextWindow: false } })).toEqual({ kind: "pass", status: 400, backend: "vllm" });
    expect(ROUTING_TABLE).toHaveLength(9);
  });

  it("never switches a stream that has sent content, never answers an unauthenticated request, never holds past the bound", () => {
    const situation = fc.record({
      fallback: fc.boolean(), path: fc.constantFrom("/v1/chat/completions", "/v1/models", "/health", "/"), authorization: fc.boolean(),
      targetReady: fc.boolean(), vllmReady: fc.boolean(), heldSeconds: fc.integer({ min: 0, max: 400 }), holdSeconds: fc.integer({ min: 1, max: 300 }),
      inFlight: fc.integer({ min: 0, max: 600 }), admissionCap: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
      upstreamFailure: fc.option(fc.record({ status: fc.constantFrom(400, 401, 404, 429, 500, 502, 503), afterContent: fc.boolean(), contextWindow: fc.boolean() }), { nil: undefined }),
    });
    fc.assert(fc.property(situation, (s) => {
      const action = routeRequest(s);
      if (s.upstreamFailure?.afterContent && s.targetReady && s.vllmReady && s.authorization && s.path.startsWith("/v1/") && !(s.admissionCap !== undefined && s.inFlight >= s.admissionCap && s.fallback)) {
        expect(action).toMatchObject({ kind: "pass" });
      }
      if (!s.authorization) expect(action.kind).toBe("not-routed");
      if (action.kind === "hold") expect(s.heldSeconds).toBeLessThan(s.holdSeconds);
      if (action.kind === "serve" && action.backend === "fallback") expect(s.fallback).toBe(true);
    }));
  });

  it("is what the generated configuration makes the components do", () => {
    const spec = specFor(hybrid);
    const plan = planSizing(spec);
    const route = interceptorRoute(spec, plan);
    // rows 2–3: the interceptor holds for coldHoldSeconds, then hands the request to the responder, which says 503 + Retry-After
    expect(durationSeconds(route.spec.timeouts.readiness)).toBe(spec.entry.coldHoldSeconds);
    expect(route.spec.coldStart.fallback.service.name).toBe("unavailable");
    expect(responderConfig(spec)).toContain(`add_header Retry-After ${RETRY_AFTER_SECONDS} always;`);
    expect(responderConfig(spec)).toMatch(/return 503 '/);
    // row 1: unauthenticated or off-path requests match no route (404, not counted)
    expect(route.spec.rules).toEqual([{ paths: [{ value: "/v1/" }], headers: [{ name: "Authorization" }] }]);
    // rows 5–7: the gateway falls back without retrying vLLM, and vLLM's admission cap is its batch plus the overflow depth
    const config = gatewayConfig({ spec, fallback: spec.entry.fallback!, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: 530 });
    expect(config.router_settings).toMatchObject({ num_retries: 0, disable_cooldowns: true, fallbacks: [{ "llama-2-13b-chat-hf": ["llama-2-13b-chat-hf-fallback"] }] });
    expect(plan.vllmArgs).toContain(`--max-num-queued-reqs=${plan.maxNumSeqs + spec.entry.fallback!.overflowQueueDepth}`);
    // without a fallback: no cap (row 4: the queue has no bound) and the route targets vLLM
    const plain = specFor(llama13);
    expect(planSizing(plain).vllmArgs.some((a) => a.startsWith("--max-num-queued-reqs"))).toBe(false);
    expect(interceptorRoute(plain, planSizing(plain)).spec.target).toEqual({ service: "vllm", port: 8000 });
  });

  it("emits what `hostwise report` prices the overflow from: the gateway's deployment ids are the report's backends", () => {
    const spec = specFor(hybrid);
    const config = gatewayConfig({ spec, fallback: spec.entry.fallback!, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: 530 });
    expect(config.litellm_settings.callbacks).toContain("prometheus");
    expect(config.model_list.map((m) => m.model_info.id).sort()).toEqual([BACKENDS.hostedApi, BACKENDS.selfHosted].sort());
    expect(BACKEND_LABEL).toBe("model_id"); // LiteLLM labels deployment and token series with the deployment's model_info.id
    const overflow = bucketQueries({ stack: "dev", servedModelName: "m" }, DAY).filter((q) => q.name.startsWith("overflow"));
    expect(overflow.map((q) => q.promql)).toEqual([
      `sum by (model_id) (increase(${ENTRYPOINT_METRICS.requests}[1d]))`,
      "sum by (model_id) (increase(litellm_input_tokens_metric_total[1d]))",
      "sum by (model_id) (increase(litellm_output_tokens_metric_total[1d]))",
    ]);
    expect(ENTRYPOINT_METRICS.requests).toBe("litellm_deployment_success_responses_total");
  });
});

describe("entry config", () => {
  it("reads the fallback with its prices and an overflow depth from the queue target", () => {
    expect(specFor(hybrid).entry).toEqual({
      coldHoldSeconds: 60,
      fallback: { api: "fireworks/llama-3.3-70b", litellmModel: "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", auth: "api-key", inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9, overflowQueueDepth: 2 },
    });
    // the comparison defaults to the fallback; a price override of the same API prices the overflow too
    expect(specFor(hybrid).hostedApi.id).toBe("fireworks/llama-3.3-70b");
    expect(specFor({ ...hybrid, hostedApi: "fireworks/llama-3.3-70b", hostedApiOutputPrice: "1.2" }).entry.fallback!.outputUsdPerMTok).toBe(1.2);
  });

  it("rejects a fallback that could not work, each error naming its key and the fix", () => {
    const keys = (o: Record<string, unknown>) => issuesFor(o).map((i) => i.key);
    expect(issuesFor({ ...hybrid, fallbackApi: "fireworks/llama-9" })[0]!.message).toMatch(/is not in the hosted API catalog/);
    const none = issuesFor({ ...hybrid, egress: "none", weightsSource: "s3" }).find((i) => i.key === "hostwise:fallbackApi")!;
    expect(none.message).toMatch(/needs outbound internet .* hostwise:egress is none/);
    expect(none.hint).toMatch(/pulumi config set hostwise:egress nat/);
    expect(issuesFor({ ...llama13, fallbackApi: "fireworks/llama-3.3-70b" })[0]).toMatchObject({ key: "hostwise:fallbackApiKey", message: "fireworks/llama-3.3-70b needs an API key" });
    expect(keys({ ...llama13, fallbackApi: "bedrock/llama-3.3-70b", fallbackApiKey: "[secret]" })).toEqual(["hostwise:fallbackApiKey"]);
    expect(keys({ ...llama13, fallbackApiKey: "[secret]" })).toEqual(["hostwise:fallbackApiKey"]);
    expect(keys({ ...llama13, overflowQueueDepth: "4" })).toEqual(["hostwise:overflowQueueDepth"]);
    expect(keys({ ...llama13, coldHoldSeconds: "301" })).toEqual(["hostwise:coldHoldSeconds"]);
    // Bedrock's US inference profiles from eu-west-1
    expect(issuesFor({ ...llama13, "aws:region": "eu-west-1", instancePrices: '["g6.xlarge=0.9","m6i.large=0.1"]', fallbackApi: "bedrock/llama-3.3-70b" })[0]!.message).toMatch(/US cross-region inference profile/);
    // vLLM before admission control
    expect(issuesFor({ ...hybrid, vllmImage: "vllm/vllm-openai:v0.20.0" })[0]).toMatchObject({ key: "hostwise:vllmImage" });
    // overflowing before the queue reaches the autoscaling target, on a stack that can scale out
    expect(issuesFor({ ...hybrid, queueDepthPerReplica: "4", overflowQueueDepth: "2" })[0]!.message).toMatch(/below queueDepthPerReplica/);
    expect(specFor({ ...hybrid, queueDepthPerReplica: "4", overflowQueueDepth: "2", minReplicas: 2, maxReplicas: 2 }).entry.fallback!.overflowQueueDepth).toBe(2);
  });
});

describe("scale to zero", () => {
  const coldStart = { terms: [], startupSeconds: 300, totalSeconds: 1191 };

  it("keeps a replica at least its cold start, and the first one its cold start plus the idle time", () => {
    expect(scaleToZeroTimers({}, coldStart)).toEqual({ wakeBudgetSeconds: 1191, cooldownSeconds: 1191, initialCooldownSeconds: 2382 });
    expect(scaleToZeroTimers({}, { ...coldStart, totalSeconds: 600 })).toEqual({ wakeBudgetSeconds: 600, cooldownSeconds: 900, initialCooldownSeconds: 1500 });
    expect(scaleToZeroTimers({ scaleToZeroCooldownSeconds: 1800 }, coldStart).cooldownSeconds).toBe(1800);
  });

  it("refuses an idle time shorter than the cold start on a scale-to-zero stack, before anything is created", () => {
    const raw = { ...BASE, ...llama13, trial: true, expiresAt: "6h", minReplicas: 0, scaleToZeroCooldownSeconds: 600 };
    let error: unknown;
    try {
      resolveStack(raw, { stack: "test", now: NOW });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    // node 300 + image 294 + weights 72 + load 8 + engine 120 = 794 s × 1.5 = 1,191 s
    expect(issue.key).toBe("hostwise:scaleToZeroCooldownSeconds");
    expect(issue.message).toMatch(/600 s is shorter than a replica's cold start \(1191 s: node 300 s \+ image 294 s/);
    expect(issue.hint).toMatch(/pulumi config set hostwise:scaleToZeroCooldownSeconds 1191/);
    // a stack that never scales to zero does not use it
    expect(() => resolveStack({ ...raw, minReplicas: 1, trial: false }, { stack: "test", now: NOW })).not.toThrow();
  });
});

describe("entry rules", () => {
  const r = (type: string, name: string, props: Record<string, any>, extra: Partial<StackResourceView> = {}): StackResourceView =>
    ({ type, name, key: `${type}::${name}`, props, dependencies: [], opts: {}, ...extra });
  const spec = specFor({ ...llama13, trial: true, expiresAt: "6h", minReplicas: 0 });
  const plan = planSizing(spec);
  const deployment = r("kubernetes:apps/v1:Deployment", "vllm", {
    metadata: { name: "vllm", namespace: "inference", annotations: { "hostwise.dev/cold-start-seconds": "1191", "hostwise.dev/longest-request-seconds": "410" } },
  });
  const route = r(ROUTE, "route", interceptorRoute(spec, plan));
  const so = (props: Record<string, any>, deps = [route.key]) =>
    r("kubernetes:keda.sh/v1alpha1:ScaledObject", "so", props, { dependencies: deps });
  const good = vllmScaledObject({ spec, plan }, { scalerAddress: "s:9090", interceptorRoute: "vllm" });
  const responder = r("kubernetes:core/v1:Service", "unavailable", { metadata: { name: "unavailable", namespace: "inference" } });

  it("scale-from-zero: a signal at zero, created after its route, timers that outlive a cold start", () => {
    expect(scaleFromZero.check([deployment, route, so(good)])).toEqual([]);
    // main's ScaledObject: Prometheus triggers only, no timers (KEDA's defaults: cooldown 300 s, initial 0)
    const prometheusOnly = { ...good, spec: { ...good.spec, triggers: good.spec.triggers.slice(1), cooldownPeriod: undefined, initialCooldownPeriod: undefined } };
    expect(scaleFromZero.check([deployment, route, so(prometheusOnly)])).toEqual([
      "kubernetes:keda.sh/v1alpha1:ScaledObject::so scales to zero but no trigger works at zero replicas: its Prometheus series vanish with the last pod, so no request can wake it (add an external-push trigger on an InterceptorRoute)",
      "kubernetes:keda.sh/v1alpha1:ScaledObject::so: initialCooldownPeriod 0 s is shorter than the 1191 s cold start: KEDA removes the first replica before it serves",
      "kubernetes:keda.sh/v1alpha1:ScaledObject::so: cooldownPeriod 300 s is shorter than the 1191 s cold start: a woken replica can be removed before it serves",
    ]);
    expect(scaleFromZero.check([deployment, route, so(good, [])])[0]).toMatch(/can be created before .*InterceptorRoute::route/);
  });

  it("entry-never-hangs: a bounded hold, a responder, header timeouts and drains as long as the longest request, plain HTTP upstreams", () => {
    const release = (interceptor: Record<string, unknown>) => r("kubernetes:helm.sh/v3:Release", "entry", { chart: "keda-add-ons-http", namespace: "keda-http", values: { interceptor } });
    const ok = release({ drainTimeout: "410s", terminationGracePeriodSeconds: 425, tls: { enabled: false } });
    expect(entryNeverHangs.check([deployment, route, responder, ok])).toEqual([]);
    const unbounded = r(ROUTE, "route", { ...route.props, spec: { ...route.props.spec, coldStart: undefined, timeouts: { responseHeader: "300s" } } });
    expect(entryNeverHangs.check([deployment, unbounded, responder, release({ tls: { enabled: true } })])).toEqual([
      "kubernetes:http.keda.sh/v1beta1:InterceptorRoute::route: no readiness timeout: a request for a cold backend waits until the client gives up",
      "kubernetes:http.keda.sh/v1beta1:InterceptorRoute::route: no coldStart.fallback: after the hold the interceptor answers 504 in plain text, with no Retry-After",
      "kubernetes:http.keda.sh/v1beta1:InterceptorRoute::route: waits 300 s for response headers, and a non-streaming answer of the longest request (410 s) sends them only at its end",
      "kubernetes:helm.sh/v3:Release::entry: interceptor TLS is on, so it calls every upstream over https, and vLLM, the gateway and the responder speak plain HTTP",
      "kubernetes:helm.sh/v3:Release::entry: interceptors drain 30 s when they stop, shorter than the longest request (410 s): streams are cut on every scale-in",
    ]);
    expect(entryNeverHangs.check([deployment, route, ok])[0]).toMatch(/cold-start fallback Service unavailable is not in the program/);
  });

  it("entry-reachable-only-by-clients: the interceptor pods have an ingress policy", () => {
    const release = r("kubernetes:helm.sh/v3:Release", "entry", { chart: "keda-add-ons-http", namespace: "keda-http" });
    const policy = r("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-entry", { metadata: { namespace: "keda-http" }, spec: { podSelector: { matchLabels: { "app.kubernetes.io/component": "interceptor" } }, policyTypes: ["Ingress"] } });
    expect(entryReachableOnlyByClients.check([route, release, policy])).toEqual([]);
    expect(entryReachableOnlyByClients.check([route, release])[0]).toMatch(/no NetworkPolicy limits who reaches the interceptor pods/);
  });

  it("gateway-keeps-secrets: no literal keys, no debug logging", () => {
    const hybridSpec = specFor(hybrid);
    const ok = gatewayDeployment(hybridSpec)!;
    expect(gatewayKeepsSecrets.check({ type: "kubernetes:apps/v1:Deployment", name: "gateway", props: ok as any })).toEqual([]);
    const leaky = JSON.parse(JSON.stringify(ok));
    leaky.spec.template.spec.containers[0].args.push("--detailed_debug");
    leaky.spec.template.spec.containers[0].env.push({ name: "FALLBACK_API_KEY", value: "fw-123" });
    expect(gatewayKeepsSecrets.check({ type: "kubernetes:apps/v1:Deployment", name: "gateway", props: leaky })).toEqual([
      "container litellm runs with --detailed_debug: LiteLLM then logs requests and keys",
      "container litellm: FALLBACK_API_KEY is a literal value, not a secretKeyRef",
    ]);
    const config = { model_list: [{ model_name: "m", litellm_params: { model: "openai/x", api_key: "sk-live-123" } }], general_settings: { master_key: "os.environ/K" } };
    const configMap = (c: unknown) => ({ type: "kubernetes:core/v1:ConfigMap", name: "gateway", props: { data: { "config.yaml": JSON.stringify(c) } } });
    expect(gatewayKeepsSecrets.check(configMap(config))).toEqual(["config.yaml: model_list[0].litellm_params.api_key holds a literal value: use os.environ/<NAME> and a Secret"]);
    expect(gatewayKeepsSecrets.check(configMap(parse(JSON.stringify(gatewayConfig({ spec: hybridSpec, fallback: hybridSpec.entry.fallback!, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: 1 })))))).toEqual([]);
  });
});
