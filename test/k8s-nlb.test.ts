import { beforeAll, describe, expect, it } from "vitest";
import { expectPoliciesPass } from "./support/aws-assertions";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { evaluateProgram, one, type Registered } from "./support/program";

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

  it("still validates, passes the policies, and deletes the NLB while its controller runs", async () => {
    await expectKubernetesObjectsValid(resources);
    expectPoliciesPass(resources);
    expectTeardownOrder(resources, "dev");
  });
});
