import { stringify } from "yaml";
import { GATEWAY_IMAGE, GATEWAY_PORT, RESPONDER_IMAGE, RESPONDER_PORT } from "../catalog/entry-components";
import type { StackSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";
import { SYSTEM_NODE_LABELS } from "../aws/gpu-nodes";
import type { input as k8s } from "@pulumi/kubernetes/types";
import type { Input } from "@pulumi/pulumi";
import { GATEWAY_ENV, gatewayConfig } from "./gateway-config";
import {
  clusterIpService, CREDENTIALS_SECRET, DNS_EGRESS, INFERENCE_NAMESPACE, longestRequestSeconds, MONITORING_NAMESPACE, namespacePeer, networkPolicy,
  POD_IDENTITY_EGRESS, publicEgress, READINESS_GATE_LABEL, serviceAccount, TLS_POLICY, TLS_PORT, VLLM_NAME, VLLM_PORT,
} from "./inference-objects";
import { appLabels, selectorLabels } from "./labels";

// The stack's entry point as plain Kubernetes objects: the KEDA HTTP add-on's InterceptorRoute (holds
// requests while vLLM has no ready replica, counts them for KEDA, hands them to the responder after
// coldHoldSeconds), the responder (503 + Retry-After), the LiteLLM gateway on fallback stacks, their
// NetworkPolicies, and the optional NLB in front of the interceptor. Pure, like inference-objects.ts.

/** The KEDA HTTP add-on: chart folder, release name and `{{ .Chart.Name }}` (its Services' prefix). */
export const ENTRY_CHART = "keda-add-ons-http";
/** Its namespace (the ADDONS loop creates one per add-on; `keda` is the KEDA release's). */
export const ENTRY_NAMESPACE = "keda-http";
/** The interceptor's proxy Service and port (chart values interceptor.proxy.service/port). */
export const INTERCEPTOR_SERVICE = `${ENTRY_CHART}-interceptor-proxy`;
export const INTERCEPTOR_PORT = 8080;
/** Its admin port (the scaler reads request counts there) and its Prometheus exporter (OTEL_PROM_EXPORTER_PORT). */
export const INTERCEPTOR_ADMIN_PORT = 9090;
export const INTERCEPTOR_METRICS_PORT = 2223;
/** The add-on's external scaler, which KEDA's `external-push` trigger streams from. */
export const SCALER_ADDRESS = `${ENTRY_CHART}-external-scaler.${ENTRY_NAMESPACE}:9090`;
/** Labels of the chart's interceptor and scaler pods (templates/interceptor/deployment.yaml, scaler/deployment.yaml). */
export const INTERCEPTOR_POD_LABELS = { "app.kubernetes.io/component": "interceptor", "app.kubernetes.io/name": "http-add-on" } as const;
export const SCALER_POD_LABELS = { "app.kubernetes.io/component": "scaler", "app.kubernetes.io/name": "http-add-on" } as const;
/** The chart's match labels that tell this release's pods apart (part-of = chart name, instance = release name). */
const RELEASE_LABELS = { "app.kubernetes.io/part-of": ENTRY_CHART, "app.kubernetes.io/instance": ENTRY_CHART } as const;

/** The InterceptorRoute that routes the stack's OpenAI API, named after the workload it wakes. */
export const ROUTE_NAME = VLLM_NAME;
export const GATEWAY_NAME = "gateway";
export const RESPONDER_NAME = "unavailable";
/** Seconds a client is told to wait after the hold: OpenAI's SDKs honour Retry-After up to 60 s. */
export const RETRY_AFTER_SECONDS = 30;
/** The header that names the backend: LiteLLM's deployment id on fallback stacks, the responder's own. */
export const BACKEND_HEADER = { gateway: "x-litellm-model-id", responder: "x-hostwise-backend" } as const;
/** Headroom on the longest request for the time a request may wait in vLLM's queue before it runs. */
const QUEUE_ALLOWANCE_SECONDS = 120;

const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const interceptorPods = { ...namespacePeer(ENTRY_NAMESPACE), podSelector: { matchLabels: { ...INTERCEPTOR_POD_LABELS } } };

/** The base URL clients use inside the cluster (OpenAI `base_url`). */
export function entryEndpoint(): { url: string; namespace: string; service: string; port: number } {
  return {
    url: `http://${INTERCEPTOR_SERVICE}.${ENTRY_NAMESPACE}.svc.cluster.local:${INTERCEPTOR_PORT}/v1`,
    namespace: ENTRY_NAMESPACE,
    service: INTERCEPTOR_SERVICE,
    port: INTERCEPTOR_PORT,
  };
}

/** How long the interceptor waits for response headers: a non-streaming answer only starts when it ends. */
export function responseHeaderSeconds(spec: StackSpec): number {
  return longestRequestSeconds(spec) + QUEUE_ALLOWANCE_SECONDS;
}

/** Stack-dependent values of the add-on's chart, laid over charts/keda-add-ons-http/values.yaml. */
export function entryChartValues(spec: StackSpec): Record<string, unknown> {
  const replicas = spec.trial ? 1 : 2;
  const drain = longestRequestSeconds(spec);
  return {
    scaler: { replicas },
    interceptor: {
      replicas: { min: replicas, max: Math.max(3, replicas) },
      // An interceptor leaving (scale-in, rollout) finishes the streams it carries: drain as long as the
      // longest request (the chart's 30 s would cut them), then the kubelet's grace period on top.
      drainTimeout: `${drain}s`,
      terminationGracePeriodSeconds: 5 + drain + 10,
    },
  };
}

/**
 * The route: requests under /v1/ with an Authorization header (any value: the route cannot check the key,
 * and a key in a custom resource would be readable by anyone allowed to get it) go to vLLM, or to the
 * gateway on fallback stacks. While the target has no ready endpoint the interceptor holds the request up to
 * coldHoldSeconds, then sends it to the responder. Every routed request is counted; KEDA's external-push
 * trigger wakes vLLM from that count, which exists at zero replicas.
 */
export function interceptorRoute(spec: StackSpec, plan: SizingPlan) {
  const target = spec.entry.fallback ? { service: GATEWAY_NAME, port: GATEWAY_PORT } : { service: VLLM_NAME, port: VLLM_PORT };
  return {
    apiVersion: "http.keda.sh/v1beta1",
    kind: "InterceptorRoute",
    metadata: { name: ROUTE_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack) },
    spec: {
      target,
      rules: [{ paths: [{ value: "/v1/" }], headers: [{ name: "Authorization" }] }],
      // One replica's batch: the HPA adds a replica per maxNumSeqs requests in flight at the entry.
      scalingMetric: { concurrency: { targetValue: plan.maxNumSeqs } },
      coldStart: { fallback: { service: { name: RESPONDER_NAME, port: RESPONDER_PORT } } },
      timeouts: {
        readiness: `${spec.entry.coldHoldSeconds}s`,
        responseHeader: `${responseHeaderSeconds(spec)}s`,
        // A stream may run as long as it generates: no total deadline (the header timeout catches hung backends).
        request: "0s",
      },
    },
  };
}

// ---- Responder ----------------------------------------------------------------------------------------------

const RESPONDER_CONFIGMAP = `${RESPONDER_NAME}-nginx`;

/** The OpenAI-shaped error body of the 503 (the model's name kept to characters nginx takes literally in a string). */
export function unavailableBody(spec: StackSpec): string {
  const model = spec.model.servedModelName.replace(/[^A-Za-z0-9._:/-]/g, "");
  return JSON.stringify({
    error: {
      message: `${model} is starting (scaled to zero or restarting) and was not ready within ${spec.entry.coldHoldSeconds} s; retry after ${RETRY_AFTER_SECONDS} s`,
      type: "service_unavailable",
      code: "model_not_ready",
    },
  });
}

/**
 * nginx answers every request with 503, Retry-After and the backend header (`always`: nginx adds headers to
 * error statuses only with it), and logs nothing about callers. /healthz is its own probe.
 */
export function responderConfig(spec: StackSpec): string {
  return [
    "server {",
    `  listen ${RESPONDER_PORT};`,
    "  access_log off;",
    "  location = /healthz {",
    "    return 200 'ok';",
    "  }",
    "  location / {",
    "    default_type application/json;",
    `    add_header Retry-After ${RETRY_AFTER_SECONDS} always;`,
    `    add_header X-Hostwise-Backend none always;`,
    `    return 503 '${unavailableBody(spec)}';`,
    "  }",
    "}",
    "",
  ].join("\n");
}

export function responderConfigMap(spec: StackSpec): k8s.core.v1.ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: RESPONDER_CONFIGMAP, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, RESPONDER_NAME) },
    data: { "default.conf": responderConfig(spec) },
  };
}

/** Replicas of the entry point's own small workloads: one on trial stacks, two (across nodes) otherwise. */
const entryReplicas = (spec: StackSpec) => (spec.trial ? 1 : 2);

export function responderDeployment(spec: StackSpec, image: Input<string> = RESPONDER_IMAGE.image): k8s.apps.v1.Deployment {
  const probe = { exec: { command: ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${RESPONDER_PORT}/healthz`] }, periodSeconds: 10, timeoutSeconds: 3 };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: RESPONDER_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, RESPONDER_NAME) },
    spec: {
      replicas: entryReplicas(spec),
      selector: { matchLabels: selectorLabels(spec.stack, RESPONDER_NAME) },
      template: {
        metadata: { labels: { ...appLabels("entry", spec.stack, RESPONDER_NAME), ...selectorLabels(spec.stack, RESPONDER_NAME) } },
        spec: {
          automountServiceAccountToken: false,
          nodeSelector: SYSTEM_NODE_LABELS,
          securityContext: { runAsNonRoot: true, runAsUser: RESPONDER_IMAGE.uid, runAsGroup: RESPONDER_IMAGE.uid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [{
            name: "nginx",
            image,
            ports: [{ name: "http", containerPort: RESPONDER_PORT, protocol: "TCP" }],
            env: [{ name: "NGINX_ENTRYPOINT_QUIET_LOGS", value: "1" }],
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
            securityContext: { ...RESTRICTED, readOnlyRootFilesystem: true },
            readinessProbe: probe,
            livenessProbe: { ...probe, failureThreshold: 3 },
            volumeMounts: [
              { name: "config", mountPath: "/etc/nginx/conf.d", readOnly: true },
              // nginx-unprivileged keeps its pid and temporary files in /tmp.
              { name: "tmp", mountPath: "/tmp" },
            ],
          }],
          volumes: [{ name: "config", configMap: { name: RESPONDER_CONFIGMAP } }, { name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  };
}

export function responderService(spec: StackSpec): k8s.core.v1.Service {
  return clusterIpService(RESPONDER_NAME, appLabels("entry", spec.stack, RESPONDER_NAME), selectorLabels(spec.stack, RESPONDER_NAME), RESPONDER_PORT);
}

// ---- Gateway (fallback stacks) ------------------------------------------------------------------------------

export const GATEWAY_CONFIGMAP = `${GATEWAY_NAME}-config`;
export const GATEWAY_CREDENTIALS = `${GATEWAY_NAME}-credentials`;
const GATEWAY_CONFIG_PATH = "/etc/litellm/config.yaml";

/** vLLM's OpenAI base URL as the gateway calls it. */
export function vllmBaseUrl(): string {
  return `http://${VLLM_NAME}.${INFERENCE_NAMESPACE}.svc.cluster.local:${VLLM_PORT}/v1`;
}

export function gatewayConfigMap(spec: StackSpec): k8s.core.v1.ConfigMap | undefined {
  const fallback = spec.entry.fallback;
  if (!fallback) return undefined;
  const config = gatewayConfig({ spec, fallback, vllmBaseUrl: vllmBaseUrl(), timeoutSeconds: responseHeaderSeconds(spec) });
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: GATEWAY_CONFIGMAP, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, GATEWAY_NAME) },
    data: { "config.yaml": stringify(config) },
  };
}

export function gatewayServiceAccount(spec: StackSpec): k8s.core.v1.ServiceAccount {
  return serviceAccount(GATEWAY_NAME, appLabels("entry", spec.stack, GATEWAY_NAME));
}

/** LiteLLM's unauthenticated health routes, probed from inside the container (python is in the image). */
const healthProbe = (path: string) => ["python", "-c", `import urllib.request as u;u.urlopen('http://127.0.0.1:${GATEWAY_PORT}${path}',timeout=4)`];

/**
 * The LiteLLM proxy: one worker (so Prometheus needs no multiprocess directory), the config from its
 * ConfigMap, every key from a Secret through the environment (never argv), no debug flags, the local copy of
 * LiteLLM's cost map (no fetch from GitHub at start). It checks clients' keys against the stack's API key
 * (its master key) and calls vLLM with the same key.
 */
export function gatewayDeployment(spec: StackSpec, image: Input<string> = GATEWAY_IMAGE.image): k8s.apps.v1.Deployment | undefined {
  const fallback = spec.entry.fallback;
  if (!fallback) return undefined;
  const stackKey = { secretKeyRef: { name: CREDENTIALS_SECRET, key: "api-key" } };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: GATEWAY_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, GATEWAY_NAME) },
    spec: {
      replicas: entryReplicas(spec),
      selector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) },
      template: {
        metadata: {
          labels: { ...appLabels("entry", spec.stack, GATEWAY_NAME), ...selectorLabels(spec.stack, GATEWAY_NAME) },
          annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(GATEWAY_PORT), "prometheus.io/path": "/metrics/" },
        },
        spec: {
          serviceAccountName: GATEWAY_NAME,
          automountServiceAccountToken: false,
          nodeSelector: SYSTEM_NODE_LABELS,
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) },
          }],
          // As long as the interceptor's drain: a stream in flight finishes before the pod goes.
          terminationGracePeriodSeconds: longestRequestSeconds(spec) + 15,
          securityContext: { runAsNonRoot: true, runAsUser: GATEWAY_IMAGE.uid, runAsGroup: GATEWAY_IMAGE.uid, fsGroup: GATEWAY_IMAGE.uid, seccompProfile: { type: "RuntimeDefault" } },
          containers: [{
            name: "litellm",
            image,
            args: ["--config", GATEWAY_CONFIG_PATH, "--port", String(GATEWAY_PORT), "--num_workers", "1"],
            ports: [{ name: "http", containerPort: GATEWAY_PORT, protocol: "TCP" }],
            env: [
              { name: GATEWAY_ENV.masterKey, valueFrom: stackKey },
              { name: GATEWAY_ENV.vllmKey, valueFrom: stackKey },
              ...(fallback.auth === "api-key"
                ? [{ name: GATEWAY_ENV.fallbackKey, valueFrom: { secretKeyRef: { name: GATEWAY_CREDENTIALS, key: "fallback-api-key" } } }]
                : [{ name: "AWS_REGION", value: spec.placement.region }]),
              { name: "LITELLM_LOCAL_MODEL_COST_MAP", value: "True" },
              { name: "LITELLM_LOG", value: "ERROR" },
            ],
            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
            securityContext: RESTRICTED,
            startupProbe: { exec: { command: healthProbe("/health/liveliness") }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 36 },
            readinessProbe: { exec: { command: healthProbe("/health/readiness") }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
            livenessProbe: { exec: { command: healthProbe("/health/liveliness") }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
            volumeMounts: [
              { name: "config", mountPath: "/etc/litellm", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          }],
          volumes: [{ name: "config", configMap: { name: GATEWAY_CONFIGMAP } }, { name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        },
      },
    },
  };
}

export function gatewayService(spec: StackSpec): k8s.core.v1.Service | undefined {
  if (!spec.entry.fallback) return undefined;
  return clusterIpService(GATEWAY_NAME, appLabels("entry", spec.stack, GATEWAY_NAME), selectorLabels(spec.stack, GATEWAY_NAME), GATEWAY_PORT);
}

/** Two gateway replicas (non-trial stacks): drains take one at a time. */
export function gatewayDisruptionBudget(spec: StackSpec): k8s.policy.v1.PodDisruptionBudget | undefined {
  if (!spec.entry.fallback || entryReplicas(spec) < 2) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: GATEWAY_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, GATEWAY_NAME) },
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) } },
  };
}

/** Bedrock's actions the gateway needs, on the one inference profile and the models it routes to. */
export function bedrockInvokePolicy(litellmModel: string, region: string): string {
  const profile = litellmModel.replace(/^bedrock\//, "");
  const model = profile.replace(/^us\./, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Sid: "InvokeFallbackModel",
      Effect: "Allow",
      Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      Resource: [
        `arn:aws:bedrock:${region}:*:inference-profile/${profile}`,
        // A US cross-region profile sends the call to any US region's copy of the model.
        `arn:aws:bedrock:us-*::foundation-model/${model}`,
      ],
    }],
  });
}

// ---- NetworkPolicies ----------------------------------------------------------------------------------------

/** The pods that may call vLLM: the gateway on fallback stacks, else the interceptor. */
export function vllmCallers(spec: StackSpec): Record<string, unknown> {
  return spec.entry.fallback ? { podSelector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) } } : interceptorPods;
}

/** The responder, from the interceptor only. */
export function allowResponder(spec: StackSpec): k8s.networking.v1.NetworkPolicy {
  return networkPolicy(spec, "allow-unavailable", {
    podSelector: { matchLabels: selectorLabels(spec.stack, RESPONDER_NAME) },
    policyTypes: ["Ingress"],
    ingress: [{ from: [interceptorPods], ports: [{ protocol: "TCP", port: RESPONDER_PORT }] }],
  });
}

/** The gateway: from the interceptor, and Prometheus for its metrics. */
export function allowGateway(spec: StackSpec): k8s.networking.v1.NetworkPolicy | undefined {
  if (!spec.entry.fallback) return undefined;
  return networkPolicy(spec, "allow-gateway", {
    podSelector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) },
    policyTypes: ["Ingress"],
    ingress: [{ from: [interceptorPods, namespacePeer(MONITORING_NAMESPACE)], ports: [{ protocol: "TCP", port: GATEWAY_PORT }] }],
  });
}

/**
 * What the gateway may reach: cluster DNS, vLLM's pods on 8000, the hosted API on 443 (any public address:
 * providers' addresses are not fixed) and, for Bedrock, the node's Pod Identity agent for its credentials.
 */
export function gatewayEgress(spec: StackSpec, vpcCidr: string): k8s.networking.v1.NetworkPolicy | undefined {
  const fallback = spec.entry.fallback;
  if (!fallback) return undefined;
  return networkPolicy(spec, "gateway-egress", {
    podSelector: { matchLabels: selectorLabels(spec.stack, GATEWAY_NAME) },
    policyTypes: ["Egress"],
    egress: [
      DNS_EGRESS,
      { to: [{ podSelector: { matchLabels: selectorLabels(spec.stack) } }], ports: [{ protocol: "TCP", port: VLLM_PORT }] },
      publicEgress(vpcCidr),
      ...(fallback.auth === "aws-iam" ? [POD_IDENTITY_EGRESS] : []),
    ],
  });
}

/**
 * The interceptor's ingress in its own namespace: the proxy port from the client namespaces and the load
 * balancer's subnets, the admin port from the add-on's scaler (which reads the request counts there), the
 * metrics port from Prometheus. Without it every pod in the cluster could reach vLLM through the entry. The
 * kubelet's HTTP probes on the admin port need no rule: the VPC CNI's policy agent always admits the node.
 */
export function allowEntry(spec: StackSpec, nlbSubnetCidrs: readonly Input<string>[]): k8s.networking.v1.NetworkPolicy {
  const cidrs = spec.inference.loadBalancer === "none" ? [] : nlbSubnetCidrs;
  const clients = [...spec.inference.clientNamespaces.map(namespacePeer), ...cidrs.map((cidr) => ({ ipBlock: { cidr } }))];
  return networkPolicy(spec, "allow-entry", {
    podSelector: { matchLabels: { ...INTERCEPTOR_POD_LABELS } },
    policyTypes: ["Ingress"],
    ingress: [
      ...(clients.length > 0 ? [{ from: clients, ports: [{ protocol: "TCP", port: INTERCEPTOR_PORT }] }] : []),
      { from: [{ podSelector: { matchLabels: { ...SCALER_POD_LABELS } } }], ports: [{ protocol: "TCP", port: INTERCEPTOR_ADMIN_PORT }] },
      { from: [namespacePeer(MONITORING_NAMESPACE)], ports: [{ protocol: "TCP", port: INTERCEPTOR_METRICS_PORT }] },
    ],
  }, ENTRY_NAMESPACE);
}

// ---- Load balancer ------------------------------------------------------------------------------------------

/** The subnets a Network Load Balancer sits in: public for internet-facing, private for internal. */
export interface LoadBalancerSubnets {
  readonly ids: readonly Input<string>[];
  /** Their ranges: the NLB's own addresses, the only sources its targets see (it does not preserve clients'). */
  readonly cidrs: readonly Input<string>[];
}

/** AWS tags as the load balancer controller's additional-resource-tags annotation: k1=v1,k2=v2. */
export function tagAnnotation(tags: Record<string, string>): string {
  return Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(",");
}

/**
 * A Network Load Balancer in front of the interceptor pods (IP targets), created by the AWS Load Balancer
 * Controller; only when the stack asks. Pinned to `subnets`, so the entry NetworkPolicy can admit exactly
 * their ranges: with IP targets the NLB does not preserve client addresses (made explicit here). Its
 * security group admits the allowed CIDRs only (the VPC when none are given). With a certificate it
 * terminates TLS on 443 (TLS 1.2+); otherwise it is plain HTTP on 8000, which the config allows only for
 * internal load balancers. `resourceTags` (see tagAnnotation) become its AWS tags.
 */
export function entryLoadBalancerService(spec: StackSpec, vpcCidr: string, subnetIds: Input<string>, resourceTags: Input<string>): k8s.core.v1.Service | undefined {
  const scheme = spec.inference.loadBalancer;
  if (scheme === "none") return undefined;
  const sourceRanges = spec.inference.allowedCidrs.length > 0 ? [...spec.inference.allowedCidrs] : [vpcCidr];
  const cert = spec.inference.certificateArn;
  const port = cert
    ? { name: "https", port: TLS_PORT, targetPort: "proxy", protocol: "TCP" }
    : { name: "http", port: VLLM_PORT, targetPort: "proxy", protocol: "TCP" };
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "entry-nlb",
      namespace: ENTRY_NAMESPACE,
      labels: appLabels("entry", spec.stack),
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": scheme,
        "service.beta.kubernetes.io/aws-load-balancer-subnets": subnetIds,
        "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=false",
        "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": resourceTags,
        ...(cert
          ? {
              "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": cert,
              "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": port.name,
              "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": TLS_POLICY,
            }
          : {}),
      },
    },
    spec: {
      type: "LoadBalancer",
      loadBalancerClass: "service.k8s.aws/nlb",
      loadBalancerSourceRanges: sourceRanges,
      selector: { ...INTERCEPTOR_POD_LABELS, ...RELEASE_LABELS },
      ports: [port],
    },
  };
}

/** Labels of the entry namespace: NLB target-health readiness gates on its pods when a load balancer targets them. */
export function entryNamespaceLabels(spec: StackSpec): Record<string, string> {
  return spec.inference.loadBalancer === "none" ? {} : { [READINESS_GATE_LABEL]: "enabled" };
}
