import { parse } from "yaml";
import { ENTRY_CHART } from "../k8s/entry-objects";
import { COLD_START_ANNOTATION, LONGEST_REQUEST_ANNOTATION } from "../k8s/inference-objects";
import { dependenciesOf } from "./graph";
import { annotations, durationSeconds, list, namespaceOf as ns, ofType, scaleTargetOf, T, type ResourceView, type Rule, type StackRule } from "./rule-kit";

// Guardrails for the entry point (infra/k8s/entry-objects.ts): what KEDA, the KEDA HTTP add-on and LiteLLM
// do with the objects, turned into checks over the evaluated program. Spread into deploy-rules' lists.

/** A load balancer drops a connection idle this long: a held request must get its answer before. */
const NLB_IDLE_SECONDS = 350;
/** KEDA's defaults when the fields are unset (scaledobject-spec, KEDA 2.20). */
const KEDA_DEFAULT_COOLDOWN = 300;
const KEDA_DEFAULT_INITIAL_COOLDOWN = 0;
const annotation = (r: ResourceView, key: string) => Number(annotations(r)[key]);

export const scaleFromZero: StackRule = {
  name: "scale-from-zero",
  description: "A deployment that scales to zero has a signal that exists at zero replicas (an external-push trigger on an InterceptorRoute it is created after), keeps its first replica through its cold start, and never drops a woken replica before it could serve.",
  check: (resources) => {
    const out: string[] = [];
    for (const so of ofType(resources, T.scaledObject).filter((s) => Number(s.props.spec?.minReplicaCount ?? 1) === 0)) {
      const push = list(so.props.spec?.triggers).find((t) => t.type === "external-push" && t.metadata?.interceptorRoute);
      const route = push && ofType(resources, T.interceptorRoute).find((r) => r.props.metadata?.name === push.metadata.interceptorRoute && ns(r) === ns(so));
      if (!route) {
        out.push(`${so.key} scales to zero but no trigger works at zero replicas: its Prometheus series vanish with the last pod, so no request can wake it (add an external-push trigger on an InterceptorRoute)`);
      } else if (!dependenciesOf(resources, so.key).has(route.key)) {
        out.push(`${so.key} can be created before ${route.key}: the add-on's scaler then answers an empty metric spec and KEDA falls back to CPU`);
      }
      const target = scaleTargetOf(resources, so);
      const coldStart = target ? annotation(target, COLD_START_ANNOTATION) : NaN;
      if (!(coldStart > 0)) continue;
      const cooldown = Number(so.props.spec?.cooldownPeriod ?? KEDA_DEFAULT_COOLDOWN);
      const initial = Number(so.props.spec?.initialCooldownPeriod ?? KEDA_DEFAULT_INITIAL_COOLDOWN);
      if (initial < coldStart) out.push(`${so.key}: initialCooldownPeriod ${initial} s is shorter than the ${coldStart} s cold start: KEDA removes the first replica before it serves`);
      if (cooldown < coldStart) out.push(`${so.key}: cooldownPeriod ${cooldown} s is shorter than the ${coldStart} s cold start: a woken replica can be removed before it serves`);
    }
    return out;
  },
};

export const entryNeverHangs: StackRule = {
  name: "entry-never-hangs",
  description: "Every InterceptorRoute holds a request for a bounded time (within the load balancer's idle timeout) and then hands it to a responder Service in the program, and waits for response headers as long as the longest request; the add-on's interceptors drain as long and stay on plain HTTP to their upstreams.",
  check: (resources) => {
    const out: string[] = [];
    const longest = Math.max(0, ...ofType(resources, T.deployment).map((d) => annotation(d, LONGEST_REQUEST_ANNOTATION)).filter((n) => n > 0));
    for (const route of ofType(resources, T.interceptorRoute)) {
      const spec = route.props.spec ?? {};
      const hold = durationSeconds(spec.timeouts?.readiness);
      if (!(hold! > 0)) out.push(`${route.key}: no readiness timeout: a request for a cold backend waits until the client gives up`);
      else if (hold! >= NLB_IDLE_SECONDS) out.push(`${route.key}: holds requests ${hold} s, past the load balancer's ${NLB_IDLE_SECONDS} s idle timeout`);
      const fallback = spec.coldStart?.fallback?.service?.name;
      if (!fallback) out.push(`${route.key}: no coldStart.fallback: after the hold the interceptor answers 504 in plain text, with no Retry-After`);
      else if (!ofType(resources, T.service).some((s) => s.props.metadata?.name === fallback && ns(s) === ns(route))) out.push(`${route.key}: its cold-start fallback Service ${fallback} is not in the program`);
      const header = durationSeconds(spec.timeouts?.responseHeader);
      if (longest > 0 && (header === undefined || (header > 0 && header < longest))) {
        out.push(`${route.key}: waits ${header ?? 300} s for response headers, and a non-streaming answer of the longest request (${longest} s) sends them only at its end`);
      }
    }
    for (const release of ofType(resources, T.release).filter((r) => r.props.chart === ENTRY_CHART)) {
      const interceptor = release.props.values?.interceptor ?? {};
      if (interceptor.tls?.enabled === true) out.push(`${release.key}: interceptor TLS is on, so it calls every upstream over https, and vLLM, the gateway and the responder speak plain HTTP`);
      const drain = durationSeconds(interceptor.drainTimeout ?? "30s") ?? 0;
      if (longest > 0 && drain > 0 && drain < longest) out.push(`${release.key}: interceptors drain ${drain} s when they stop, shorter than the longest request (${longest} s): streams are cut on every scale-in`);
      const grace = Number(interceptor.terminationGracePeriodSeconds ?? 45);
      if (grace < drain + 5) out.push(`${release.key}: terminationGracePeriodSeconds ${grace} is below the drain (${drain} s) plus the 5 s shutdown delay`);
    }
    return out;
  },
};

export const entryReachableOnlyByClients: StackRule = {
  name: "entry-reachable-only-by-clients",
  description: "With an InterceptorRoute in the program, the interceptor pods are selected by an ingress NetworkPolicy: otherwise every pod in the cluster reaches vLLM through them.",
  check: (resources) => {
    if (ofType(resources, T.interceptorRoute).length === 0) return [];
    const release = ofType(resources, T.release).find((r) => r.props.chart === ENTRY_CHART);
    if (!release) return ["an InterceptorRoute is in the program but no keda-add-ons-http release serves it"];
    const guarded = ofType(resources, T.networkPolicy).some((p) =>
      ns(p) === release.props.namespace && list(p.props.spec?.policyTypes).includes("Ingress") &&
      p.props.spec?.podSelector?.matchLabels?.["app.kubernetes.io/component"] === "interceptor");
    return guarded ? [] : [`${release.key}: no NetworkPolicy limits who reaches the interceptor pods in ${release.props.namespace}`];
  },
};

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD/i;
const LITELLM_DEBUG = ["--debug", "--detailed_debug"];

export const gatewayKeepsSecrets: Rule = {
  name: "gateway-keeps-secrets",
  description: "The LiteLLM gateway reads keys only from Secrets: no literal key in its environment or its ConfigMap (keys are os.environ/ references), no debug logging that prints requests and keys.",
  check: (r) => {
    const out: string[] = [];
    if (r.type === T.deployment) {
      for (const c of list(r.props.spec?.template?.spec?.containers).filter((x) => /litellm/.test(String(x.image ?? "")))) {
        for (const flag of list(c.args).map(String).filter((a) => LITELLM_DEBUG.includes(a))) out.push(`container ${c.name} runs with ${flag}: LiteLLM then logs requests and keys`);
        for (const e of list(c.env)) {
          if (SECRET_NAME.test(String(e.name)) && e.value !== undefined) out.push(`container ${c.name}: ${e.name} is a literal value, not a secretKeyRef`);
          if (e.name === "LITELLM_LOG" && /DEBUG|INFO/i.test(String(e.value))) out.push(`container ${c.name}: LITELLM_LOG=${e.value} logs request details`);
        }
      }
    }
    if (r.type === T.configMap) {
      for (const [file, text] of Object.entries<string>(r.props.data ?? {})) {
        if (!/\.ya?ml$/.test(file)) continue;
        let config: unknown;
        try {
          config = parse(String(text));
        } catch {
          continue;
        }
        const visit = (v: unknown, path: string): void => {
          if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${path}[${i}]`));
          if (v === null || typeof v !== "object") return;
          for (const [k, x] of Object.entries(v)) {
            const at = path ? `${path}.${k}` : k;
            if (/(^|_)key$/.test(k) && typeof x === "string" && !x.startsWith("os.environ/")) out.push(`${file}: ${at} holds a literal value: use os.environ/<NAME> and a Secret`);
            visit(x, at);
          }
        };
        if (config && typeof config === "object" && "model_list" in config) visit(config, "");
      }
    }
    return out;
  },
};

export const ENTRY_RULES: readonly Rule[] = [gatewayKeepsSecrets];
export const ENTRY_STACK_RULES: readonly StackRule[] = [scaleFromZero, entryNeverHangs, entryReachableOnlyByClients];
