import { describe, expect, it } from "vitest";
import { unknownFields } from "./support/strict-k8s";

// The strict check itself must catch what kubernetes-models lets through.
describe("strict Kubernetes schema check", () => {
  it("flags unknown fields at any depth and accepts known ones", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x", labels: { a: "b" } },
      spec: {
        replicaz: 2,
        selector: { matchLabels: { a: "b" } },
        template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i", resourcez: {}, ports: [{ containerPort: 80 }] }] } },
      },
    };
    expect(unknownFields("kubernetes:apps/v1:Deployment", deployment)).toEqual(["spec.replicaz", "spec.template.spec.containers[0].resourcez"]);
  });

  it("knows KEDA's ScaledObject", () => {
    const scaledObject = {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      spec: { scaleTargetRef: { name: "x" }, minReplicaCount: 0, triggers: [{ type: "prometheus", metadata: { query: "q" }, metricTypo: "Value" }] },
    };
    expect(unknownFields("kubernetes:keda.sh/v1alpha1:ScaledObject", scaledObject)).toEqual(["spec.triggers[0].metricTypo"]);
  });
});
