import { expect } from "vitest";
import { dependenciesOf, ofType, one, type Registered } from "./program";
import { crdViolations, hasCrdSchema } from "./crd-schema";
import { hasStrictSchema, unknownFields, validateWithModels } from "./strict-k8s";

/**
 * Every Kubernetes object validates against kubernetes-models (or KEDA's) and has no field they lack; custom
 * resources of the add-ons without a models package validate against their chart's vendored CRD.
 */
export async function expectKubernetesObjectsValid(resources: readonly Registered[]): Promise<void> {
  const objects = resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release");
  expect(objects.length).toBeGreaterThan(5);
  for (const r of objects) {
    if (hasCrdSchema(r.type)) {
      expect(crdViolations(r.type, r.inputs), `${r.type} ${r.name}`).toEqual([]);
      continue;
    }
    expect(hasStrictSchema(r.type), `${r.type} has a schema to validate against`).toBe(true);
    await validateWithModels(r.type, r.inputs);
    expect(unknownFields(r.type, r.inputs), `${r.type} ${r.name}`).toEqual([]);
  }
}

/**
 * `pulumi destroy` deletes dependents first, so: the workload waits for every add-on release (the load
 * balancer goes while its controller runs), every release waits for the node groups and the EBS CSI driver,
 * and the Prometheus volume's StorageClass comes from the driver too.
 */
export function expectTeardownOrder(resources: readonly Registered[], stack: string): void {
  const deps = (type: string, name: string) => dependenciesOf(resources, one(resources, type, name).key);
  const releases = ofType(resources, "kubernetes:helm.sh/v3:Release").map((r) => r.key);
  const workload = deps("kubernetes:apps/v1:Deployment", `${stack}-vllm`);
  for (const release of releases) expect(workload.has(release), `the workload waits for ${release}`).toBe(true);
  const scaledObject = deps("kubernetes:keda.sh/v1alpha1:ScaledObject", `${stack}-scaledobject`);
  expect(scaledObject.has(`kubernetes:helm.sh/v3:Release::${stack}-keda`)).toBe(true);
  for (const release of ofType(resources, "kubernetes:helm.sh/v3:Release")) {
    const d = dependenciesOf(resources, release.key);
    expect(d.has(`aws:eks/nodeGroup:NodeGroup::${stack}-gpu`), `${release.name} waits for the GPU nodes`).toBe(true);
    expect(d.has(`aws:eks/addon:Addon::${stack}-aws-ebs-csi-driver`), `${release.name} waits for the EBS CSI driver`).toBe(true);
    expect(d.has(`aws:eks/cluster:Cluster::${stack}-eks`)).toBe(true);
  }
  const nlb = resources.find((r) => r.name === `${stack}-entry-nlb`);
  if (nlb) expect(dependenciesOf(resources, nlb.key).has(`kubernetes:helm.sh/v3:Release::${stack}-aws-load-balancer-controller`)).toBe(true);
}
