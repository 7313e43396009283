import { CHAT_TEMPLATE_PATH, chatTemplateFor } from "../catalog/chat-templates";
import { findInstanceType } from "../catalog/instances";
import { NODE_DISK } from "../catalog/node-disk";
import { contains, parseCidr } from "../config/cidr";
import type { StackSpec } from "../config/spec";
import { GPU_TAINT, gpuNodeLabels } from "../aws/gpu-nodes";
import type { SizingPlan } from "../sizing/choose";
import { scaleToZeroTimers } from "../sizing/scale-to-zero";
import type { input as k8s } from "@pulumi/kubernetes/types";
import type { Input } from "@pulumi/pulumi";
import { appLabels, selectorLabels } from "./labels";

// The vLLM workload as plain Kubernetes objects, computed from the stack spec and the sizing plan. Pure: the
// Pulumi component (inference.ts) registers them, and tests validate them against the Kubernetes schemas.

export const INFERENCE_NAMESPACE = "inference";
export const VLLM_NAME = "vllm";
export const VLLM_PORT = 8000;
/** The load balancer's TLS listener (internet-facing, or internal with a certificate). */
export const TLS_PORT = 443;
export const CREDENTIALS_SECRET = "vllm-credentials";
export const CHAT_TEMPLATE_CONFIGMAP = "vllm-chat-template";
/** Namespace Prometheus scrapes from (see charts/prometheus). */
export const MONITORING_NAMESPACE = "monitoring";
/** The EKS Pod Identity agent's credential endpoint on every node (link-local, host network). */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 } as const;
/** Namespace label that makes the load balancer controller add target-health readiness gates to new pods. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";
/** Annotations carrying the plan's cold-start budget, so rules can check probes and timeouts against it. */
export const COLD_START_ANNOTATION = "hostwise.dev/cold-start-seconds";
export const STARTUP_ANNOTATION = "hostwise.dev/startup-seconds";
/** The longest a request runs (the latency floor over a full-length sequence): what the entry's timeouts cover. */
export const LONGEST_REQUEST_ANNOTATION = "hostwise.dev/longest-request-seconds";
/** Annotation that tells the Pulumi Kubernetes provider not to wait for the object to become ready. */
export const SKIP_AWAIT = "pulumi.com/skipAwait";
/** The TLS policy of the NLB's listener: TLS 1.3 and 1.2 only (the controller's default allows TLS 1.0). */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Ranges never reached through the weights' route: the VPC, peered networks, link-local (IMDS). */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

// ---- Shapes every object of the stack shares ------------------------------------------------------------------

type NetworkPolicySpec = k8s.networking.v1.NetworkPolicySpec;
type EgressRule = k8s.networking.v1.NetworkPolicyEgressRule;

/** A peer selecting every pod of a namespace. */
export const namespacePeer = (namespace: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } });

/** Cluster DNS: the kube-dns pods (the policy agent adds the kube-dns Service's address for the selected pods). */
export const DNS_EGRESS: EgressRule = {
  to: [{ ...namespacePeer("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

/** The node's EKS Pod Identity agent, where pods with a pod identity get their AWS credentials. */
export const POD_IDENTITY_EGRESS: EgressRule = { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] };

/** A NetworkPolicy of the stack (in the inference namespace unless told). */
export function networkPolicy(spec: StackSpec, name: string, body: NetworkPolicySpec, namespace = INFERENCE_NAMESPACE): k8s.networking.v1.NetworkPolicy {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace, labels: appLabels("network-policy", spec.stack) }, spec: body };
}

/** A ClusterIP Service in the inference namespace on the pods' `http` port. */
export function clusterIpService(name: string, labels: Record<string, string>, selector: Record<string, string>, port: number): k8s.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: INFERENCE_NAMESPACE, labels },
    spec: { type: "ClusterIP", selector, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
  };
}

/** A service account in the inference namespace that mounts no API token (none of the stack's pods calls the API). */
export function serviceAccount(name: string, labels: Record<string, string>): k8s.core.v1.ServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: INFERENCE_NAMESPACE, labels }, automountServiceAccountToken: false };
}

/** Share of a node's allocatable CPU and memory the replicas on it request; the rest is for daemonsets. */
const NODE_SHARE = 0.75;
/** Seconds the pod keeps serving after it is removed from endpoints, so load balancers stop sending to it. */
const DEREGISTRATION_SECONDS = 15;
/** The longest a request may take to drain on shutdown. */
const MAX_DRAIN_SECONDS = 600;
/** Startup and readiness probe period. */
const PROBE_PERIOD_SECONDS = 10;
/** Run:ai streamer threads reading from S3: the measured rate in the cold-start catalog is at 16. */
const S3_STREAM_CONCURRENCY = 16;

export interface InferenceInputs {
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
}

/** What the pod pulls, known only once the AWS side exists. */
export interface RuntimeInputs {
  /** The vLLM image as the nodes pull it (the ECR pull-through cache with egress none); default the stack's. */
  readonly image?: Input<string>;
  /** s3://<bucket>/<prefix> when the weights are streamed from S3; absent: from Hugging Face. */
  readonly s3Uri?: Input<string>;
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

/** Startup probe failures allowed at the probe period: the plan's in-container cold start, with headroom. */
export function startupFailureThreshold(plan: SizingPlan): number {
  return Math.ceil(plan.coldStart.startupSeconds / PROBE_PERIOD_SECONDS);
}

/**
 * How a rollout replaces replicas. A surge replica needs a free GPU slot at the plan's max replicas (nodes ×
 * replicas per node above max replicas), or it stays Pending and the rollout never ends: without one — and on
 * trial stacks, which never pay for a second GPU node to roll — replace one replica at a time instead.
 */
export function rolloutStrategy(spec: StackSpec, plan: SizingPlan): { maxSurge: number; maxUnavailable: number } {
  const spareSlots = plan.nodes.max * plan.replicasPerNode - plan.replicas.max;
  return spec.trial || spareSlots < 1 ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 };
}

/**
 * How long `pulumi up` may wait on the Deployment. Creating it waits for the first replica's cold start;
 * a rollout replaces up to max replicas one at a time. With weights streamed from S3 the Deployment is not
 * awaited at all: the weights are copied into the stack's bucket after the first `pulumi up` creates it.
 */
export function deploymentAwait(spec: StackSpec, plan: SizingPlan): { skip: true } | { skip: false; createSeconds: number; updateSeconds: number } {
  if (spec.inference.weightsSource === "s3") return { skip: true };
  const createSeconds = plan.coldStart.totalSeconds;
  return { skip: false, createSeconds, updateSeconds: createSeconds * Math.max(1, plan.replicas.max) };
}

/** The longest a request runs: a full-length sequence at the latency floor, capped at MAX_DRAIN_SECONDS. */
export function longestRequestSeconds(spec: StackSpec): number {
  return Math.min(Math.ceil(spec.serving.maxModelLen / spec.traffic.minTokensPerSecondPerStream), MAX_DRAIN_SECONDS);
}

/** Grace period on shutdown: the longest request, plus deregistration. */
export function terminationGraceSeconds(spec: StackSpec): number {
  return longestRequestSeconds(spec) + DEREGISTRATION_SECONDS;
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

/** vLLM's arguments: the plan's flags, the S3 copy of the checkpoint when the weights are streamed, the port. */
export function vllmContainerArgs(plan: SizingPlan, runtime: RuntimeInputs): Input<string>[] {
  const [, ...flags] = plan.vllmArgs;
  const model: Input<string> = runtime.s3Uri ?? plan.vllmArgs[0]!;
  const stream = runtime.s3Uri
    ? ["--load-format=runai_streamer", `--model-loader-extra-config={"concurrency":${S3_STREAM_CONCURRENCY}}`]
    : [];
  return [model, ...flags, ...stream, `--port=${VLLM_PORT}`];
}

function vllmEnv(spec: StackSpec, runtime: RuntimeInputs): k8s.core.v1.EnvVar[] {
  const s3 = runtime.s3Uri !== undefined;
  return [
    { name: "HOME", value: "/models/home" },
    { name: "HF_HOME", value: "/models/huggingface" },
    // Hugging Face's Xet client keeps a chunk cache (10 GB by default) and a shard cache (4 GB): weights are
    // downloaded once per pod, so no chunk cache, and a bounded shard cache inside the sized volume.
    { name: "HF_XET_CACHE", value: "/models/huggingface/xet" },
    { name: "HF_XET_CHUNK_CACHE_SIZE_BYTES", value: "0" },
    { name: "HF_XET_SHARD_CACHE_SIZE_LIMIT", value: String(NODE_DISK.xetShardCacheBytes) },
    { name: "VLLM_CACHE_ROOT", value: "/models/vllm" },
    { name: "VLLM_NO_USAGE_STATS", value: "1" },
    { name: "DO_NOT_TRACK", value: "1" },
    // vLLM authenticates every request with VLLM_API_KEY when no --api-key flag is given.
    { name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: "api-key" } } },
    ...(s3
      ? [
          // Everything comes from the bucket (credentials through EKS Pod Identity): never call Hugging Face.
          { name: "HF_HUB_OFFLINE", value: "1" },
          { name: "AWS_REGION", value: spec.placement.region },
        ]
      : spec.inference.huggingFaceTokenSet
        ? [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: "hf-token" } } }]
        : []),
  ];
}

export function vllmDeployment({ spec, plan }: InferenceInputs, runtime: RuntimeInputs = {}): k8s.apps.v1.Deployment {
  const resources = replicaResources(plan);
  const tp = plan.tensorParallelSize;
  // NCCL needs a large /dev/shm for tensor parallelism; it counts against the memory request.
  const shmGiB = tp > 1 ? Math.min(16, Math.floor(resources.memoryMiB / 1024 / 4)) : 1;
  const chatTemplate = chatTemplateFor(spec.model.checkpoint);
  const wait = deploymentAwait(spec, plan);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: VLLM_NAME,
      namespace: INFERENCE_NAMESPACE,
      labels: appLabels("inference", spec.stack),
      annotations: {
        [COLD_START_ANNOTATION]: String(plan.coldStart.totalSeconds),
        [STARTUP_ANNOTATION]: String(plan.coldStart.startupSeconds),
        [LONGEST_REQUEST_ANNOTATION]: String(longestRequestSeconds(spec)),
        ...(wait.skip ? { [SKIP_AWAIT]: "true" } : {}),
      },
    },
    spec: {
      // No `replicas`: KEDA owns the count (a later `pulumi up` must not reset it).
      selector: { matchLabels: selectorLabels(spec.stack) },
      strategy: { type: "RollingUpdate", rollingUpdate: rolloutStrategy(spec, plan) },
      template: {
        metadata: {
          labels: { ...appLabels("inference", spec.stack), ...selectorLabels(spec.stack) },
          annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(VLLM_PORT), "prometheus.io/path": "/metrics" },
        },
        spec: {
          serviceAccountName: VLLM_NAME,
          automountServiceAccountToken: false, // vLLM never calls the Kubernetes API
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
            image: runtime.image ?? spec.inference.image,
            command: ["vllm", "serve"],
            args: vllmContainerArgs(plan, runtime),
            ports: [{ name: "http", containerPort: VLLM_PORT, protocol: "TCP" }],
            env: vllmEnv(spec, runtime),
            resources: {
              requests: { cpu: resources.cpu, memory: resources.memory, "nvidia.com/gpu": String(tp) },
              limits: { memory: resources.memory, "nvidia.com/gpu": String(tp) },
            },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            startupProbe: { exec: { command: MODELS_PROBE }, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 8, failureThreshold: startupFailureThreshold(plan) },
            readinessProbe: { exec: { command: MODELS_PROBE }, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 8, failureThreshold: 3 },
            livenessProbe: { exec: { command: HEALTH_PROBE }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
            lifecycle: { preStop: { exec: { command: ["sleep", String(DEREGISTRATION_SECONDS)] } } },
            volumeMounts: [
              { name: "dshm", mountPath: "/dev/shm" },
              { name: "models", mountPath: "/models" },
              ...(chatTemplate ? [{ name: "chat-template", mountPath: CHAT_TEMPLATE_PATH, subPath: "chat-template.jinja", readOnly: true }] : []),
            ],
          }],
          volumes: [
            { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${shmGiB}Gi` } },
            // The model cache: on the node's NVMe array where it has one (nodeadm RAID0 under the kubelet's
            // directory), else on its gp3 root volume; sized for the weights (when downloaded) and the caches.
            { name: "models", emptyDir: { sizeLimit: `${plan.nodeStorage.podCacheGiB}Gi` } },
            ...(chatTemplate ? [{ name: "chat-template", configMap: { name: CHAT_TEMPLATE_CONFIGMAP } }] : []),
          ],
        },
      },
    },
  };
}

/** vLLM's own service account (EKS Pod Identity maps it to the weights bucket's read role). */
export function vllmServiceAccount(spec: StackSpec): k8s.core.v1.ServiceAccount {
  return serviceAccount(VLLM_NAME, appLabels("inference", spec.stack));
}

/** The chat template vLLM is given when the checkpoint carries none (see catalog/chat-templates). */
export function chatTemplateConfigMap(spec: StackSpec): k8s.core.v1.ConfigMap | undefined {
  const chatTemplate = chatTemplateFor(spec.model.checkpoint);
  if (!chatTemplate) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: CHAT_TEMPLATE_CONFIGMAP, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
    data: { "chat-template.jinja": chatTemplate.template },
  };
}

export function vllmService(spec: StackSpec): k8s.core.v1.Service {
  return clusterIpService(VLLM_NAME, appLabels("inference", spec.stack), selectorLabels(spec.stack), VLLM_PORT);
}

/** The inference namespace: restricted Pod Security (vLLM, the gateway and the responder all run non-root). */
export function inferenceNamespace(spec: StackSpec): k8s.core.v1.Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: INFERENCE_NAMESPACE, labels: { ...appLabels("namespace", spec.stack), "pod-security.kubernetes.io/enforce": "restricted" } },
  };
}

/** Denies all ingress and egress in the namespace: the policies below open only what vLLM needs. */
export function denyAll(spec: StackSpec): k8s.networking.v1.NetworkPolicy {
  return networkPolicy(spec, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

/**
 * Port 8000 of the vLLM pods, from the entry point only (the gateway on fallback stacks, else the KEDA HTTP
 * interceptor) and Prometheus (metrics). Clients and the load balancer reach the interceptor, never vLLM.
 */
export function allowInference(spec: StackSpec, callers: Record<string, unknown>): k8s.networking.v1.NetworkPolicy {
  return networkPolicy(spec, "allow-inference", {
    podSelector: { matchLabels: selectorLabels(spec.stack) },
    policyTypes: ["Ingress"],
    ingress: [{ from: [callers, namespacePeer(MONITORING_NAMESPACE)], ports: [{ protocol: "TCP", port: VLLM_PORT }] }],
  });
}

/** TCP 443 to any address outside private and link-local ranges (and the VPC's own, when it is outside them). */
export function publicEgress(vpcCidr: string): k8s.networking.v1.NetworkPolicyEgressRule {
  const vpc = parseCidr(vpcCidr);
  const inPrivate = vpc !== undefined && PRIVATE_RANGES.some((range) => contains(parseCidr(range)!, vpc));
  const except = inPrivate ? PRIVATE_RANGES : [...PRIVATE_RANGES, vpcCidr];
  return { to: [{ ipBlock: { cidr: "0.0.0.0/0", except } }], ports: [{ protocol: "TCP", port: 443 }] };
}

/**
 * What the vLLM pods may reach: cluster DNS, and the weights' source on 443 — Hugging Face, or S3 through the
 * gateway endpoint — as any address outside private and link-local ranges (their addresses are not fixed),
 * plus the node's Pod Identity agent when S3 credentials come from it. Nothing else: no other pod, node, or
 * VPC endpoint.
 */
export function allowEgress(spec: StackSpec, vpcCidr: string): k8s.networking.v1.NetworkPolicy {
  const s3 = spec.inference.weightsSource === "s3";
  return networkPolicy(spec, "allow-egress", {
    podSelector: { matchLabels: selectorLabels(spec.stack) },
    policyTypes: ["Egress"],
    egress: [DNS_EGRESS, publicEgress(vpcCidr), ...(s3 ? [POD_IDENTITY_EGRESS] : [])],
  });
}

/** Prometheus as installed from charts/prometheus (release "prometheus" in the monitoring namespace). */
export const PROMETHEUS_SERVICE = { name: "prometheus-server", port: 80 } as const;
export const PROMETHEUS_URL = `http://${PROMETHEUS_SERVICE.name}.${MONITORING_NAMESPACE}.svc.cluster.local:${PROMETHEUS_SERVICE.port}`;

/** The vLLM metrics KEDA scales on (shared/reference/vllm.md): labels model_name and engine. */
export const VLLM_METRICS = { waiting: "vllm:num_requests_waiting", kvCacheUsage: "vllm:kv_cache_usage_perc" } as const;

/** How the ScaledObject finds the entry point's request count: the add-on's scaler and the route's name. */
export interface EntryTrigger {
  readonly scalerAddress: string;
  readonly interceptorRoute: string;
}

/**
 * KEDA scales the deployment on three signals: the requests in flight at the entry point (the KEDA HTTP
 * add-on counts them, held ones too, so this one exists at zero replicas and wakes the stack), the requests
 * waiting in vLLM per replica (HPA divides the sum by the replica count) and the mean KV-cache usage. Replica
 * bounds come from the plan. A scale-to-zero stack keeps its first replica for its cold start plus the idle
 * time (initialCooldownPeriod: KEDA's default 0 would take it away at once), and drops the last replica only
 * after the idle time with no signal active (cooldownPeriod, at least a cold start: see scaleToZeroTimers).
 */
export function vllmScaledObject({ spec, plan }: InferenceInputs, entry: EntryTrigger) {
  const selector = `namespace="${INFERENCE_NAMESPACE}",model_name="${spec.model.servedModelName}"`;
  const s = spec.scaling;
  const timers = scaleToZeroTimers(s, plan.coldStart);
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("autoscaling", spec.stack) },
    spec: {
      scaleTargetRef: { name: VLLM_NAME },
      pollingInterval: 15,
      cooldownPeriod: timers.cooldownSeconds,
      ...(plan.replicas.min === 0 ? { initialCooldownPeriod: timers.initialCooldownSeconds } : {}),
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
          type: "external-push",
          name: "entry-requests",
          metadata: { scalerAddress: entry.scalerAddress, interceptorRoute: entry.interceptorRoute },
        },
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

/**
 * Stacks that never scale to zero (production shapes) keep a replica serving through voluntary disruptions:
 * node drains, node group updates, scale-down. `minAvailable: 1` holds only while at least two replicas run
 * by design (minReplicas ≥ 2): with one, it would block every drain (a managed node group update fails after
 * 15 minutes of PDB retries), so a single-replica stack lets drains take it, one at a time. Unready replicas
 * never hold a drain back.
 */
export function vllmDisruptionBudget(spec: StackSpec, plan: SizingPlan): k8s.policy.v1.PodDisruptionBudget | undefined {
  if (plan.replicas.min < 1) return undefined;
  const keepOne = plan.replicas.min >= 2;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: VLLM_NAME, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
    spec: {
      ...(keepOne ? { minAvailable: 1 } : { maxUnavailable: 1 }),
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: selectorLabels(spec.stack) },
    },
  };
}
