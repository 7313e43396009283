import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

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
    expect(container.args).toEqual([...plan.vllmArgs, "--port=8000", "--api-key=$(VLLM_API_KEY)"]);
    expect(container.resources.requests["nvidia.com/gpu"]).toBe(String(plan.tensorParallelSize));
    expect(container.resources.limits["nvidia.com/gpu"]).toBe(String(plan.tensorParallelSize));
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.nodeSelector).toEqual({ "hostwise.dev/node-role": "gpu", "hostwise.dev/model-class": "13b", "hostwise.dev/plan": "g6.xlarge-tp1" });
    expect(deployment.spec.replicas).toBeUndefined(); // KEDA owns the count
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 2000 });
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } }]));
    // startup budget grows with the checkpoint: 300 s + 7.15 GB × 11 s/GB = 378.65 s → 38 probes of 10 s
    expect(container.startupProbe.failureThreshold).toBe(38);
    // grace: 4,096 tokens at 10 tokens/s = 410 s (under the 600 s cap) + 15 s deregistration
    expect(pod.terminationGracePeriodSeconds).toBe(425);
  });

  it("needs the API key on every call: generated, stored in a Secret, passed to vLLM", () => {
    const secret = one(resources, "kubernetes:core/v1:Secret").inputs;
    expect(Object.keys(secret.stringData)).toEqual(["api-key"]); // no HF token: the AWQ checkpoint is open
    const env = one(resources, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: "vllm-credentials", key: "api-key" } } });
    expect(one(resources, "random:index/randomPassword:RandomPassword").inputs).toMatchObject({ length: 48, special: false });
  });

  it("is private by default: a ClusterIP service, no load balancer, all other ingress denied", () => {
    const services = ofType(resources, "kubernetes:core/v1:Service");
    expect(services.map((s) => s.inputs.spec.type)).toEqual(["ClusterIP"]);
    const policies = Object.fromEntries(ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.inputs.metadata.name, p.inputs.spec]));
    expect(policies["default-deny-ingress"]).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
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
    const associations = ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => `${a.inputs.namespace}/${a.inputs.serviceAccount}`);
    expect(associations.sort()).toEqual(["aws-load-balancer-controller/aws-load-balancer-controller", "cluster-autoscaler/cluster-autoscaler"]);
  });

  it("tears down in order: workload before add-ons, add-ons before nodes and cluster", () => {
    expectTeardownOrder(resources, "dev");
  });
});
