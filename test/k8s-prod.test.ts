import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { evaluateProgram, ofType, one, ROOT, type Registered } from "./support/program";

// The prod stack's Kubernetes side: 70B class at TP 8, never below one replica, disruption budget.

let resources: Registered[];
const { plan } = resolveStack(readStackFile(ROOT, "prod"), { stack: "prod", now: new Date() });
beforeAll(async () => {
  ({ resources } = await evaluateProgram("prod"));
});

describe("prod stack in Kubernetes", () => {
  it("registers only valid objects with no unknown field", async () => {
    await expectKubernetesObjectsValid(resources);
  });

  it("requests the plan's TP in GPUs, a large /dev/shm, and a startup budget sized for 145 GB of weights", () => {
    const pod = one(resources, "kubernetes:apps/v1:Deployment", "prod-vllm").inputs.spec.template.spec;
    const container = pod.containers[0];
    expect(plan.tensorParallelSize).toBe(8);
    expect(container.resources.limits["nvidia.com/gpu"]).toBe("8");
    expect(container.args).toContain("--tensor-parallel-size=8");
    expect(pod.volumes[0]).toEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "16Gi" } });
    // 72.7e9 × 2 B = 145.4 GB from Hugging Face at 100 MB/s (1,454 s) + read from NVMe at 1,000 MB/s (146 s)
    // + engine 120 s = 1,720 s × 1.5 = 2,580 s → 258 probes of 10 s
    expect(container.startupProbe.failureThreshold).toBe(258);
    // 135.4 GiB × 1.2 + 5 GiB = 167.5 → 168 GiB of model cache on the p5's 30.4 TB NVMe array
    expect(pod.volumes).toContainEqual({ name: "models", emptyDir: { sizeLimit: "168Gi" } });
    // 8,192 tokens at 20 tokens/s = 410 s + 15 s
    expect(pod.terminationGracePeriodSeconds).toBe(425);
    // one replica per node: 75 % of p5.48xlarge's 191,450m CPU and 1,938,410 MiB
    expect(container.resources.requests).toMatchObject({ cpu: "143587m", memory: "1453807Mi" });
  });

  it("keeps at least one replica, rolls one replica at a time when no GPU slot is spare, and has a disruption budget", () => {
    const so = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec;
    expect(so.minReplicaCount).toBe(1);
    expect(so.maxReplicaCount).toBe(plan.replicas.max);
    // one replica per 8-GPU node and nodes.max × 1 = replicas.max: a surge pod at max would never schedule
    expect(plan.nodes.max * plan.replicasPerNode).toBe(plan.replicas.max);
    const deployment = one(resources, "kubernetes:apps/v1:Deployment", "prod-vllm");
    expect(deployment.inputs.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    // minReplicas 1: minAvailable 1 would block every node drain while one replica runs
    expect(one(resources, "kubernetes:policy/v1:PodDisruptionBudget", "prod-pdb").inputs.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });
    // node 300 s + image 294 s + 1,720 s in the container = 2,314 s × 1.5 = 3,471 s → 58 min; update: 2 replicas
    expect(deployment.opts.customTimeouts).toEqual({ create: "58m", update: "116m" });
  });

  it("stays private: no load balancer; never scales to zero, so KEDA's idle timers do not apply", () => {
    expect(ofType(resources, "kubernetes:core/v1:Service").map((s) => s.inputs.spec.type)).toEqual(["ClusterIP", "ClusterIP"]);
    const so = one(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject").inputs.spec;
    expect(so.initialCooldownPeriod).toBeUndefined();
    expect(so.triggers[0].type).toBe("external-push");
    // two of the entry point's own pods (responder, interceptors, scaler) on a production stack
    expect(one(resources, "kubernetes:apps/v1:Deployment", "prod-unavailable").inputs.spec.replicas).toBe(2);
    expect(one(resources, "kubernetes:helm.sh/v3:Release", "prod-keda-add-ons-http").inputs.values).toMatchObject({ scaler: { replicas: 2 }, interceptor: { replicas: { min: 2, max: 3 } } });
  });

  it("tears down in order", () => {
    expectTeardownOrder(resources, "prod");
  });
});
