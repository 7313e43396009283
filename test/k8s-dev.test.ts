import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { dependenciesOf, evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// The dev stack's Kubernetes side: scale-to-zero trial, private, one GPU per replica.

let resources: Registered[];
let outputs: Record<string, any>;
const { plan } = resolveStack(readStackFile(ROOT, "dev"), { stack: "dev", now: new Date() });
beforeAll(async () => {
  ({ resources, outputs } = await evaluateProgram("dev"));
});

describe("dev stack in Kubernetes", () => {
  it("registers only objects that validate against the Kubernetes and KEDA schemas, with no unknown field", async () => {
    await expectKubernetesObjectsValid(resources);
  });

  it("runs vLLM with the plan's flags, one GPU per TP rank, on the tainted GPU nodes", () => {
    const deployment = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm").inputs;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toBe("vllm/vllm-openai:v0.31.0");
    // no --api-key (argv shows in /proc and logs: vLLM reads VLLM_API_KEY), no forced --quantization=awq (Marlin)
    expect(container.args).toEqual([...plan.vllmArgs, "--port=8000"]);
    expect(container.args.join(" ")).not.toMatch(/--api-key|--quantization/);
    expect(container.resources.requests["nvidia.com/gpu"]).toBe(String(plan.tensorParallelSize));
    expect(container.resources.limits["nvidia.com/gpu"]).toBe(String(plan.tensorParallelSize));
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.nodeSelector).toEqual({ "hostwise.dev/node-role": "gpu", "hostwise.dev/model-class": "13b", "hostwise.dev/plan": "g6.xlarge-tp1" });
    expect(deployment.spec.replicas).toBeUndefined(); // KEDA owns the count
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 2000 });
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } }]));
    // in the container: 7.15 GB from Hugging Face at 100 MB/s = 72 s + read from NVMe at 1,000 MB/s = 8 s + engine
    // 120 s = 200 s × 1.5 headroom = 300 s → 30 probes of 10 s
    expect(container.startupProbe.failureThreshold).toBe(30);
    // the model cache: 6.66 GiB of weights × 1.2 + 5 GiB of caches = 12.99 → 13 GiB, on the node's NVMe array
    expect(pod.volumes).toContainEqual({ name: "models", emptyDir: { sizeLimit: "13Gi" } });
    // grace: 4,096 tokens at 10 tokens/s = 410 s (under the 600 s cap) + 15 s deregistration
    expect(pod.terminationGracePeriodSeconds).toBe(425);
  });

  it("waits for a cold start on create and for a rollout of every replica on update, and not in KEDA's way", () => {
    const deployment = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm");
    // node 300 s + image 12.7 GB at 100 MB/s + 25 GB unpacked at 150 MB/s (294 s) + 200 s in the container
    // = 794 s × 1.5 = 1,191 s → 20 min; a rollout of 2 replicas one at a time: 2,382 s → 40 min
    expect(deployment.opts.customTimeouts).toEqual({ create: "20m", update: "40m" });
    expect(deployment.inputs.metadata.annotations).toMatchObject({ "hostwise.dev/cold-start-seconds": "1191", "hostwise.dev/startup-seconds": "300" });
    const scaledObject = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject");
    expect(dependenciesOf(resources, scaledObject.key).has(deployment.key)).toBe(false);
  });

  it("passes the Llama 2 chat template the AWQ checkpoint lacks, and bounds the Xet caches", () => {
    const template = one(resources, "kubernetes:core/v1:ConfigMap", "dev-chat-template").inputs;
    expect(template.data["chat-template.jinja"]).toContain("[INST]");
    const container = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm").inputs.spec.template.spec.containers[0];
    expect(container.args).toContain("--chat-template=/etc/hostwise/chat-template.jinja");
    expect(container.volumeMounts).toContainEqual({ name: "chat-template", mountPath: "/etc/hostwise/chat-template.jinja", subPath: "chat-template.jinja", readOnly: true });
    expect(container.env).toEqual(expect.arrayContaining([
      { name: "HF_XET_CHUNK_CACHE_SIZE_BYTES", value: "0" },
      { name: "HF_XET_SHARD_CACHE_SIZE_LIMIT", value: String(1024 ** 3) },
    ]));
  });

  it("needs the API key on every call: generated, stored in a Secret, passed to vLLM", () => {
    const secret = one(resources, "kubernetes:core/v1:Secret").inputs;
    expect(Object.keys(secret.stringData)).toEqual(["api-key"]); // no HF token: the AWQ checkpoint is open
    // "sk-" + 48 random characters: LiteLLM refuses master keys without the prefix, and a stack may add a gateway later
    expect(secret.stringData["api-key"]).toBe("sk-mock-dev-api-key-0123456789abcdef");
    const env = one(resources, "kubernetes:apps/v1:Deployment", "dev-vllm").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: "vllm-credentials", key: "api-key" } } });
    expect(one(resources, "random:index/randomPassword:RandomPassword").inputs).toMatchObject({ length: 48, special: false });
  });

  it("is private by default: ClusterIP services, no load balancer, all other traffic denied; only the entry point reaches vLLM", () => {
    const services = ofType(resources, "kubernetes:core/v1:Service");
    expect(services.map((s) => [s.inputs.metadata.name, s.inputs.spec.type])).toEqual([["vllm", "ClusterIP"], ["unavailable", "ClusterIP"]]);
    const policies = Object.fromEntries(ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.inputs.metadata.name, p.inputs.spec]));
    expect(policies["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    // egress: cluster DNS, and Hugging Face on 443 outside every private and link-local range; nothing else
    expect(policies["allow-egress"].egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
      },
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"] } }],
        ports: [{ protocol: "TCP", port: 443 }],
      },
    ]);
    // vLLM: from the interceptor pods (no fallback: they call it directly) and Prometheus; no client namespace
    const interceptor = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "keda-http" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "interceptor", "app.kubernetes.io/name": "http-add-on" } } };
    expect(policies["allow-inference"].ingress).toEqual([
      { from: [interceptor, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8000 }] },
    ]);
    expect(policies["allow-unavailable"].ingress).toEqual([{ from: [interceptor], ports: [{ protocol: "TCP", port: 8080 }] }]);
    // the interceptor: no client namespace configured, so only the scaler (admin) and Prometheus (metrics) reach it
    expect(policies["allow-entry"]).toMatchObject({ podSelector: { matchLabels: interceptor.podSelector.matchLabels }, policyTypes: ["Ingress"] });
    expect(policies["allow-entry"].ingress.map((i: any) => i.ports[0].port)).toEqual([9090, 2223]);
    const namespace = ofType(resources, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "inference")!;
    expect(namespace.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("wakes from zero: the entry point's request count is a trigger, and the first and every woken replica outlive a cold start", () => {
    const so = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject");
    const spec = so.inputs.spec;
    expect(spec.minReplicaCount).toBe(0);
    expect(spec.maxReplicaCount).toBe(2);
    expect(spec.triggers[0]).toEqual({
      type: "external-push",
      name: "entry-requests",
      metadata: { scalerAddress: "keda-add-ons-http-external-scaler.keda-http:9090", interceptorRoute: "vllm" },
    });
    // cold start 1,191 s (node 300 + image 294 + weights 72 + load 8 + engine 120 = 794 × 1.5) > the 900 s floor:
    // idle time max(900, 1,191) = 1,191 s; the first replica: 1,191 + 1,191 = 2,382 s
    expect(spec.cooldownPeriod).toBe(1191);
    expect(spec.initialCooldownPeriod).toBe(2382);
    // created after the route, or the add-on's scaler answers an empty metric spec
    const route = one(resources, "kubernetes:http.keda.sh/v1beta1:InterceptorRoute");
    expect(dependenciesOf(resources, so.key).has(route.key)).toBe(true);
    expect(route.inputs.spec).toEqual({
      target: { service: "vllm", port: 8000 },
      rules: [{ paths: [{ value: "/v1/" }], headers: [{ name: "Authorization" }] }],
      scalingMetric: { concurrency: { targetValue: plan.maxNumSeqs } },
      coldStart: { fallback: { service: { name: "unavailable", port: 8080 } } },
      // hold 60 s; headers: 4,096 tokens at 10 tokens/s = 410 s + 120 s of queueing
      timeouts: { readiness: "60s", responseHeader: "530s", request: "0s" },
    });
    // the add-on's interceptors drain as long as the longest request, one replica on this trial stack
    const release = one(resources, "kubernetes:helm.sh/v3:Release", "dev-keda-add-ons-http").inputs;
    expect(release.values.interceptor).toMatchObject({ replicas: { min: 1, max: 3 }, drainTimeout: "410s", terminationGracePeriodSeconds: 425, tls: { enabled: false } });
    expect(dependenciesOf(resources, one(resources, "kubernetes:helm.sh/v3:Release", "dev-keda-add-ons-http").key).has("kubernetes:helm.sh/v3:Release::dev-keda")).toBe(true);
  });

  it("answers 503 with Retry-After after the hold, from a non-root nginx that logs nothing", () => {
    const config = one(resources, "kubernetes:core/v1:ConfigMap", "dev-unavailable").inputs.data["default.conf"];
    expect(config).toContain("add_header Retry-After 30 always;");
    expect(config).toContain("access_log off;");
    const body = /return 503 '(.*)';/.exec(config)![1]!;
    expect(JSON.parse(body).error).toMatchObject({ type: "service_unavailable", code: "model_not_ready" });
    const pod = one(resources, "kubernetes:apps/v1:Deployment", "dev-unavailable").inputs.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    expect(pod.containers[0].image).toBe("public.ecr.aws/nginx/nginx-unprivileged:1.29.8-alpine");
  });

  it("scales on the exact vLLM metrics too", () => {
    const so = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec;
    expect(so.triggers.slice(1).map((t: any) => t.metadata.query)).toEqual([
      'sum(vllm:num_requests_waiting{namespace="inference",model_name="llama-2-13b-chat"})',
      'avg(vllm:kv_cache_usage_perc{namespace="inference",model_name="llama-2-13b-chat"})',
    ]);
    expect(so.triggers[1].metadata).toMatchObject({ serverAddress: "http://prometheus-server.monitoring.svc.cluster.local:80", threshold: "2", activationThreshold: "0" });
    expect(ofType(resources, "kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0); // trial stack
  });

  it("exports the entry point as the endpoint, and an API key LiteLLM would accept as its master key", () => {
    expect(outputs.inferenceEndpoint).toEqual({
      url: "http://keda-add-ons-http-interceptor-proxy.keda-http.svc.cluster.local:8080/v1",
      namespace: "keda-http",
      service: "keda-add-ons-http-interceptor-proxy",
      port: 8080,
      servedModelName: "llama-2-13b-chat",
    });
  });

  it("installs every add-on from its pinned chart, each in its own namespace", () => {
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
    expect(releases.map((r) => `${r.name}@${r.version}`).sort()).toEqual([
      "aws-load-balancer-controller@3.5.0", "cluster-autoscaler@9.59.0", "dcgm-exporter@4.8.2", "keda-add-ons-http@0.15.0", "keda@2.20.2", "nvidia-device-plugin@0.20.0", "prometheus@29.27.0",
    ]);
    expect(new Set(releases.map((r) => r.namespace)).size).toBe(7);
    const ca = releases.find((r) => r.name === "cluster-autoscaler")!;
    expect(ca.values).toMatchObject({ autoDiscovery: { clusterName: "hostwise-dev" }, awsRegion: "us-east-1", cloudProvider: "aws" });
    const lbc = releases.find((r) => r.name === "aws-load-balancer-controller")!;
    expect(lbc.values).toMatchObject({ clusterName: "hostwise-dev", region: "us-east-1", vpcId: "dev-vpc-id" });
    // Prometheus keeps metricsRetentionDays (30) on the volume sized for them (test/metrics-storage.test.ts), its
    // pinned server values carried over, and only the annotation-gated scrape jobs.
    const prometheus = releases.find((r) => r.name === "prometheus")!;
    expect(prometheus.values.server).toMatchObject({
      retention: "30d",
      retentionSize: "1638MB",
      persistentVolume: { enabled: true, size: "2Gi", storageClass: "gp3-encrypted" },
      nodeSelector: { "hostwise.dev/node-role": "system" },
    });
    expect(prometheus.values.scrapeConfigs).toEqual({ "kubernetes-apiservers": { enabled: false }, "kubernetes-nodes": { enabled: false }, "kubernetes-nodes-cadvisor": { enabled: false } });
    const associations = ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => `${a.inputs.namespace}/${a.inputs.serviceAccount}`);
    expect(associations.sort()).toEqual(["aws-load-balancer-controller/aws-load-balancer-controller", "cluster-autoscaler/cluster-autoscaler"]);
  });

  it("tears down in order: workload before add-ons, add-ons before nodes and cluster", () => {
    expectTeardownOrder(resources, "dev");
  });
});
