import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { dependenciesOf, evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// The dev stack's Kubernetes side: scale-to-zero trial, private, one GPU per replica.

let resources: Registered[];
const { plan } = resolveStack(readStackFile(ROOT, "dev"), { stack: "dev", now: new Date() });
beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev"));
});

describe("dev stack in Kubernetes", () => {
  it("registers only objects that validate against the Kubernetes and KEDA schemas, with no unknown field", async () => {
    await expectKubernetesObjectsValid(resources);
  });

  it("runs vLLM with the plan's flags, one GPU per TP rank, on the tainted GPU nodes", () => {
    const deployment = one(resources, "kubernetes:apps/v1:Deployment").inputs;
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
    const deployment = one(resources, "kubernetes:apps/v1:Deployment");
    // node 300 s + image 12.7 GB at 100 MB/s + 25 GB unpacked at 150 MB/s (294 s) + 200 s in the container
    // = 794 s × 1.5 = 1,191 s → 20 min; a rollout of 2 replicas one at a time: 2,382 s → 40 min
    expect(deployment.opts.customTimeouts).toEqual({ create: "20m", update: "40m" });
    expect(deployment.inputs.metadata.annotations).toMatchObject({ "hostwise.dev/cold-start-seconds": "1191", "hostwise.dev/startup-seconds": "300" });
    const scaledObject = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject");
    expect(dependenciesOf(resources, scaledObject.key).has(deployment.key)).toBe(false);
  });

  it("passes the Llama 2 chat template the AWQ checkpoint lacks, and bounds the Xet caches", () => {
    const template = one(resources, "kubernetes:core/v1:ConfigMap").inputs;
    expect(template.data["chat-template.jinja"]).toContain("[INST]");
    const container = one(resources, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];
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
    const env = one(resources, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: "vllm-credentials", key: "api-key" } } });
    expect(one(resources, "random:index/randomPassword:RandomPassword").inputs).toMatchObject({ length: 48, special: false });
  });

  it("is private by default: a ClusterIP service, no load balancer, all other traffic denied", () => {
    const services = ofType(resources, "kubernetes:core/v1:Service");
    expect(services.map((s) => s.inputs.spec.type)).toEqual(["ClusterIP"]);
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
    expect(policies["allow-inference"].ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8000 }] },
    ]);
    const namespace = ofType(resources, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "inference")!;
    expect(namespace.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("autoscales on the exact vLLM metrics and scales to zero, as this trial stack asks", () => {
    const so = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec;
    expect(so.minReplicaCount).toBe(0);
    expect(so.maxReplicaCount).toBe(2);
    expect(so.cooldownPeriod).toBe(900);
    expect(so.triggers.map((t: any) => t.metadata.query)).toEqual([
      'sum(vllm:num_requests_waiting{namespace="inference",model_name="llama-2-13b-chat"})',
      'avg(vllm:kv_cache_usage_perc{namespace="inference",model_name="llama-2-13b-chat"})',
    ]);
    expect(so.triggers[0].metadata).toMatchObject({ serverAddress: "http://prometheus-server.monitoring.svc.cluster.local:80", threshold: "2", activationThreshold: "0" });
    expect(ofType(resources, "kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0); // trial stack
  });

  it("installs every add-on from its pinned chart, each in its own namespace", () => {
    const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").map((r) => r.inputs);
    expect(releases.map((r) => `${r.name}@${r.version}`).sort()).toEqual([
      "aws-load-balancer-controller@3.5.0", "cluster-autoscaler@9.59.0", "dcgm-exporter@4.8.2", "keda@2.20.2", "nvidia-device-plugin@0.20.0", "prometheus@29.27.0",
    ]);
    expect(new Set(releases.map((r) => r.namespace)).size).toBe(6);
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
