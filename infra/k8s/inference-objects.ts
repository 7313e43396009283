import { findInstanceType } from "../catalog/instances";
import { STARTUP_BUDGET } from "../catalog/node-disk";
import type { StackSpec } from "../config/spec";
import { GPU_TAINT, gpuNodeLabels } from "../aws/nodegroups";
import type { SizingPlan } from "../sizing/choose";
import { checkpointBytes, GiB } from "../sizing/memory";
import type { input as k8s } from "@pulumi/kubernetes/types";
import type { Input } from "@pulumi/pulumi";
import { appLabels, selectorLabels } from "./labels";

// The vLLM workload as plain Kubernetes objects, computed from the stack spec and the sizing plan. Pure: the
// Pulumi component (inference.ts) registers them, and tests validate them against the Kubernetes schemas.

export const INFERENCE_NAMESPACE = "inference";
export const VLLM_NAME = "vllm";
export const VLLM_PORT = 8000;
export const CREDENTIALS_SECRET = "vllm-credentials";
/** Namespace Prometheus scrapes from (see charts/prometheus). */
export const MONITORING_NAMESPACE = "monitoring";

/** Share of a node's allocatable CPU and memory the replicas on it request; the rest is for daemonsets. */
const NODE_SHARE = 0.75;
/** Seconds the pod keeps serving after it is removed from endpoints, so load balancers stop sending to it. */
const DEREGISTRATION_SECONDS = 15;
/** The longest a request may take to drain on shutdown. */
const MAX_DRAIN_SECONDS = 600;

export interface InferenceInputs {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
}

/** "3920m" → 3920, "4" → 4000. */
export function milliCores(cpu: string): number {
  return cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
}

/** "14162Mi" → MiB; "16Gi" → 16384. */
export function mebibytes(memory: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(memory);
  if (!m) throw new Error(`unsupported memory quantity ${memory}`);
  return Number(m[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[m[2] as "Ki" | "Mi" | "Gi"];
}

/** CPU and memory one replica requests: its share of the node's allocatable resources. */
export function replicaResources(plan: SizingPlan): { cpu: string; memory: string; memoryMiB: number } {
  const instance = findInstanceType(plan.instanceType);
  if (!instance) throw new Error(`${plan.instanceType} is not in the instance catalog`);
  const cpu = Math.floor((milliCores(instance.allocatable.cpu) * NODE_SHARE) / plan.replicasPerNode);
  const memoryMiB = Math.floor((mebibytes(instance.allocatable.memory) * NODE_SHARE) / plan.replicasPerNode);
  return { cpu: `${cpu}m`, memory: `${memoryMiB}Mi`, memoryMiB };
}

/** Size on disk of the checkpoint vLLM downloads, GB. */
export function checkpointGB(spec: StackSpec): number {
  return checkpointBytes(spec.model.architecture, spec.serving.quantization) / 1e9;
}

/** Startup probe failures allowed at a 10 s period: a budget that grows with the checkpoint. */
export function startupFailureThreshold(spec: StackSpec): number {
  const budget = STARTUP_BUDGET.fixedSeconds + checkpointGB(spec) * (STARTUP_BUDGET.downloadSecondsPerGB + STARTUP_BUDGET.loadSecondsPerGB);
  return Math.ceil(budget / 10);
}

/** Grace period on shutdown: a full-length request at the latency floor, capped, plus deregistration. */
export function terminationGraceSeconds(spec: StackSpec): number {
  const longest = Math.ceil(spec.serving.maxModelLen / spec.traffic.minTokensPerSecondPerStream);
  return Math.min(longest, MAX_DRAIN_SECONDS) + DEREGISTRATION_SECONDS;
}

/**
 * Probes run inside the container (exec), so the namespace's NetworkPolicy never has to admit the kubelet.
 * Readiness: /v1/models answers once the model is served, and it needs the API key. Liveness: /health
 * answers while the engine is alive.
 */
const MODELS_PROBE = [
  "python3",
  "-c",
  "import os,urllib.request as u;u.urlopen(u.Request('http://127.0.0.1:8000/v1/models',headers={'Authorization':'Bearer '+os.environ['VLLM_API_KEY']}),timeout=5)",
];
const HEALTH_PROBE = ["python3", "-c", "import urllib.request as u;u.urlopen('http://127.0.0.1:8000/health',timeout=4)"];

export function vllmDeployment({ spec, plan }: InferenceInputs): k8s.apps.v1.Deployment {
  const resources = replicaResources(plan);
  const tp = plan.tensorParallelSize;
  // NCCL needs a large /dev/shm for tensor parallelism; it counts against the memory request.
  const shmGiB = tp > 1 ? Math.min(16, Math.floor(resources.memoryMiB / 1024 / 4)) : 1;
  const cacheGiB = Math.ceil(((checkpointGB(spec) * 1e9) / GiB) * 1.1) + 5; // weights + compile cache
  const env = [
    { name: "HOME", value: "/models/home" },
    { name: "HF_HOME", value: "/models/huggingface" },
    { name: "VLLM_CACHE_ROOT", value: "/models/vllm" },
    { name: "VLLM_NO_USAGE_STATS", value: "1" },
    { name: "DO_NOT_TRACK", value: "1" },
    { name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: "api-key" } } },
    ...(spec.inference.huggingFaceTokenSet
      ? [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: "hf-token" } } }]
      : []),
  ];
  const trial = spec.trial;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
    spec: {
      // No `replicas`: KEDA owns the count (a later `pulumi up` must not reset it).
      selector: { matchLabels: selectorLabels(spec.stack) },
      // Trial stacks replace in place (no second GPU node); others surge one replica so capacity never dips.
      strategy: { type: "RollingUpdate", rollingUpdate: trial ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...appLabels("inference", spec.stack), ...selectorLabels(spec.stack) },
          annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(VLLM_PORT), "prometheus.io/path": "/metrics" },
        },
        spec: {
          nodeSelector: gpuNodeLabels(plan),
          tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }],
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            // GPU capacity differs by zone: spread when possible, never block scheduling on it.
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: selectorLabels(spec.stack) },
          }],
          terminationGracePeriodSeconds: terminationGraceSeconds(spec),
          securityContext: { runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } },
          containers: [{
            name: "vllm",
            image: spec.inference.image,
            command: ["vllm", "serve"],
            args: [...plan.vllmArgs, `--port=${VLLM_PORT}`, "--api-key=$(VLLM_API_KEY)"],
            ports: [{ name: "http", containerPort: VLLM_PORT, protocol: "TCP" }],
            env,
            resources: {
              requests: { cpu: resources.cpu, memory: resources.memory, "nvidia.com/gpu": String(tp) },
              limits: { memory: resources.memory, "nvidia.com/gpu": String(tp) },
            },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            startupProbe: { exec: { command: MODELS_PROBE }, periodSeconds: 10, timeoutSeconds: 8, failureThreshold: startupFailureThreshold(spec) },
            readinessProbe: { exec: { command: MODELS_PROBE }, periodSeconds: 10, timeoutSeconds: 8, failureThreshold: 3 },
            livenessProbe: { exec: { command: HEALTH_PROBE }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
            lifecycle: { preStop: { exec: { command: ["sleep", String(DEREGISTRATION_SECONDS)] } } },
            volumeMounts: [
              { name: "dshm", mountPath: "/dev/shm" },
              { name: "models", mountPath: "/models" },
            ],
          }],
          volumes: [
            { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${shmGiB}Gi` } },
            // Weights and vLLM's compile cache on the node's root volume (sized for them by the plan).
            { name: "models", emptyDir: { sizeLimit: `${cacheGiB}Gi` } },
          ],
        },
      },
    },
  };
}

/** The in-cluster address clients use (OpenAI base URL). */
export function inClusterEndpoint(): string {
  return `http://${VLLM_NAME}.${INFERENCE_NAMESPACE}.svc.cluster.local:${VLLM_PORT}/v1`;
}

export function vllmService(spec: StackSpec): k8s.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(spec.stack),
      ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}

/**
 * A Network Load Balancer in front of the pods (IP targets), created by the AWS Load Balancer Controller;
 * only when the stack asks. Its security group admits the allowed CIDRs only (the VPC when none are given);
 * `resourceTags` (see tagAnnotation) become the NLB's AWS tags.
 */
/** AWS tags as the load balancer controller's additional-resource-tags annotation: k1=v1,k2=v2. */
export function tagAnnotation(tags: Record<string, string>): string {
  return Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(",");
}

export function vllmLoadBalancerService(spec: StackSpec, vpcCidr: string, resourceTags: Input<string>): k8s.core.v1.Service | undefined {
  const scheme = spec.inference.loadBalancer;
  if (scheme === "none") return undefined;
  const sourceRanges = spec.inference.allowedCidrs.length > 0 ? [...spec.inference.allowedCidrs] : [vpcCidr];
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: `${VLLM_NAME}-nlb`,
      namespace: INFERENCE_NAMESPACE,
      labels: appLabels("inference", spec.stack),
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": scheme,
        "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": resourceTags,
      },
    },
    spec: {
      type: "LoadBalancer",
      loadBalancerClass: "service.k8s.aws/nlb",
      loadBalancerSourceRanges: sourceRanges,
      selector: selectorLabels(spec.stack),
      ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}

/** Denies all ingress to the namespace: the allow policy below opens only what the endpoint needs. */
export function denyAllIngress(spec: StackSpec): k8s.networking.v1.NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny-ingress", namespace: INFERENCE_NAMESPACE, labels: appLabels("network-policy", spec.stack) },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  };
}

/**
 * Port 8000 of the vLLM pods, from: Prometheus (metrics), the configured client namespaces, the configured
 * CIDRs, and the VPC when a load balancer forwards to the pods (NLB IP targets see the NLB's VPC addresses).
 */
export function allowInference(spec: StackSpec, vpcCidr: string): k8s.networking.v1.NetworkPolicy {
  const port = [{ protocol: "TCP", port: VLLM_PORT }];
  const namespaces = [MONITORING_NAMESPACE, ...spec.inference.clientNamespaces];
  const cidrs = [...spec.inference.allowedCidrs, ...(spec.inference.loadBalancer === "none" ? [] : [vpcCidr])];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-inference", namespace: INFERENCE_NAMESPACE, labels: appLabels("network-policy", spec.stack) },
    spec: {
      podSelector: { matchLabels: selectorLabels(spec.stack) },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            ...namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
            ...[...new Set(cidrs)].map((cidr) => ({ ipBlock: { cidr } })),
          ],
          ports: port,
        },
      ],
    },
  };
}

/** Prometheus as installed from charts/prometheus (release "prometheus" in the monitoring namespace). */
export const PROMETHEUS_URL = `http://prometheus-server.${MONITORING_NAMESPACE}.svc.cluster.local:80`;

/** The vLLM metrics KEDA scales on (shared/reference/vllm.md): labels model_name and engine. */
export const VLLM_METRICS = { waiting: "vllm:num_requests_waiting", kvCacheUsage: "vllm:kv_cache_usage_perc" } as const;

/**
 * KEDA scales the deployment on two Prometheus queries: requests waiting per replica (HPA divides the sum by
 * the replica count) and the mean KV-cache usage. Replica bounds come from the plan; min 0 scales to zero
 * after `scaleToZeroCooldownSeconds` with no request in flight.
 */
export function vllmScaledObject({ spec, plan }: InferenceInputs) {
  const selector = `namespace="${INFERENCE_NAMESPACE}",model_name="${spec.model.servedModelName}"`;
  const s = spec.scaling;
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("autoscaling", spec.stack) },
    spec: {
      scaleTargetRef: { name: VLLM_NAME },
      pollingInterval: 15,
      cooldownPeriod: s.scaleToZeroCooldownSeconds,
      minReplicaCount: plan.replicas.min,
      maxReplicaCount: plan.replicas.max,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // Replicas are slow to start and costly to lose: add quickly, remove one at a time.
            scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
            scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: "Pods", value: 1, periodSeconds: 300 }] },
          },
        },
      },
      triggers: [
        {
          type: "prometheus",
          name: "queue-depth",
          metricType: "AverageValue",
          metadata: {
            serverAddress: PROMETHEUS_URL,
            query: `sum(${VLLM_METRICS.waiting}{${selector}})`,
            threshold: String(s.queueDepthPerReplica),
            activationThreshold: String(s.activationThreshold),
          },
        },
        {
          type: "prometheus",
          name: "kv-cache-usage",
          metricType: "Value",
          metadata: {
            serverAddress: PROMETHEUS_URL,
            query: `avg(${VLLM_METRICS.kvCacheUsage}{${selector}})`,
            threshold: String(s.kvCacheUsageTarget),
            // Any request in flight holds KV blocks: keeps a scale-to-zero deployment awake while it serves.
            activationThreshold: "0",
          },
        },
      ],
    },
  };
}

/** Production shapes keep all but one replica through voluntary disruptions (node drains, upgrades). */
export function vllmDisruptionBudget(spec: StackSpec): k8s.policy.v1.PodDisruptionBudget | undefined {
  if (spec.trial) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec.stack) } },
  };
}
