import { beforeAll, describe, expect, it } from "vitest";
import { expectPoliciesPass } from "./support/aws-assertions";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { dependenciesOf, evaluateProgram, one, type Registered } from "./support/program";

// The dev stack exposed through an internet-facing NLB for an allowlist, with an in-cluster client namespace.

let resources: Registered[];
beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev", [
    "loadBalancer=internet-facing",
    'inferenceAllowedCidrs=["203.0.113.0/24"]',
    'inferenceClientNamespaces=["apps"]',
  ]));
});

describe("an endpoint behind a Network Load Balancer", () => {
  it("creates an NLB Service for the AWS Load Balancer Controller, admitting the allowlist only", () => {
    const nlb = one(resources, "kubernetes:core/v1:Service", "dev-vllm-nlb").inputs;
    expect(nlb.spec).toMatchObject({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb", loadBalancerSourceRanges: ["203.0.113.0/24"] });
    expect(nlb.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
    });
    // the NLB carries the kit's tags, so cost allocation and teardown find it
    const tags = nlb.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"];
    for (const key of ["stack=dev", "owner=platform-team", "cost-center=ml-trials", "environment=dev", "expires-at="]) expect(tags).toContain(key);
  });

  it("lets the client namespace, the allowlist and the NLB's VPC addresses reach port 8000", () => {
    const allow = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-inference").inputs.spec;
    expect(allow.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } },
      { ipBlock: { cidr: "203.0.113.0/24" } },
      { ipBlock: { cidr: "10.0.0.0/16" } },
    ]);
  });

  it("keeps every controller alive until what it created is gone (pulumi destroy deletes dependents first)", () => {
    const deps = (type: string, name: string) => dependenciesOf(resources, one(resources, type, name).key);
    // the NLB (and its security group) are deleted by the load balancer controller
    expect(deps("kubernetes:core/v1:Service", "dev-vllm-nlb").has("kubernetes:helm.sh/v3:Release::dev-aws-load-balancer-controller")).toBe(true);
    // Prometheus's volume is deleted by the EBS CSI driver, through the StorageClass
    const prometheus = deps("kubernetes:helm.sh/v3:Release", "dev-prometheus");
    expect(prometheus.has("kubernetes:storage.k8s.io/v1:StorageClass::dev-gp3-encrypted")).toBe(true);
    expect(prometheus.has("aws:eks/addon:Addon::dev-aws-ebs-csi-driver")).toBe(true);
    // the GPU pods go before cluster-autoscaler, which goes before the GPU node group it scales
    expect(deps("kubernetes:apps/v1:Deployment", "dev-vllm").has("kubernetes:helm.sh/v3:Release::dev-cluster-autoscaler")).toBe(true);
    expect(deps("kubernetes:helm.sh/v3:Release", "dev-cluster-autoscaler").has("aws:eks/nodeGroup:NodeGroup::dev-gpu")).toBe(true);
  });

  it("still validates, passes the policies, and deletes the NLB while its controller runs", async () => {
    await expectKubernetesObjectsValid(resources);
    expectPoliciesPass(resources);
    expectTeardownOrder(resources, "dev");
  });
});
