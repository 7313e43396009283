import { beforeAll, describe, expect, it } from "vitest";
import { expectPoliciesPass } from "./support/aws-assertions";
import { expectKubernetesObjectsValid, expectTeardownOrder } from "./support/k8s-assertions";
import { dependenciesOf, evaluateProgram, ofType, one, type Registered } from "./support/program";

// The dev stack exposed through an internet-facing NLB for an allowlist, with an in-cluster client namespace.

let resources: Registered[];
beforeAll(async () => {
  ({ resources } = await evaluateProgram("dev", [
    "loadBalancer=internet-facing",
    'inferenceAllowedCidrs=["203.0.113.0/24"]',
    'inferenceClientNamespaces=["apps"]',
    "inferenceCertificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
  ]));
});

describe("an endpoint behind a Network Load Balancer", () => {
  it("creates an NLB Service in front of the entry point's interceptors, admitting the allowlist only", () => {
    const nlb = one(resources, "kubernetes:core/v1:Service", "dev-entry-nlb").inputs;
    expect(nlb.metadata.namespace).toBe("keda-http");
    expect(nlb.spec).toMatchObject({ type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb", loadBalancerSourceRanges: ["203.0.113.0/24"] });
    // the chart's interceptor pods of this release (templates/interceptor/deployment.yaml labels)
    expect(nlb.spec.selector).toEqual({
      "app.kubernetes.io/component": "interceptor", "app.kubernetes.io/name": "http-add-on",
      "app.kubernetes.io/part-of": "keda-add-ons-http", "app.kubernetes.io/instance": "keda-add-ons-http",
    });
    expect(nlb.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      // pinned to the two public subnets, so the NetworkPolicy can admit exactly their ranges
      "service.beta.kubernetes.io/aws-load-balancer-subnets": "dev-public-0-id,dev-public-1-id",
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=false",
    });
    // the NLB carries the kit's tags, so cost allocation and teardown find it
    const tags = nlb.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"];
    for (const key of ["stack=dev", "owner=platform-team", "cost-center=ml-trials", "environment=dev", "expires-at="]) expect(tags).toContain(key);
  });

  it("terminates TLS on 443 with the stack's ACM certificate and a TLS 1.2+ policy: the key never crosses in clear", () => {
    const nlb = one(resources, "kubernetes:core/v1:Service", "dev-entry-nlb").inputs;
    expect(nlb.metadata.annotations).toMatchObject({
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https",
      "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(nlb.spec.ports).toEqual([{ name: "https", port: 443, targetPort: "proxy", protocol: "TCP" }]);
  });

  it("adds NLB target-health readiness gates to the interceptor pods, so a rollout waits for the load balancer", () => {
    const namespace = ofType(resources, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "keda-http")!;
    expect(namespace.inputs.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBe("enabled");
    // the controller's pod webhook serves before the interceptors start (else no gate is injected)
    const entry = one(resources, "kubernetes:helm.sh/v3:Release", "dev-keda-add-ons-http");
    expect(dependenciesOf(resources, entry.key).has("kubernetes:helm.sh/v3:Release::dev-aws-load-balancer-controller")).toBe(true);
  });

  it("lets the client namespace and the NLB's own subnets reach the entry point, not the whole VPC, and nobody but the entry vLLM", () => {
    const allow = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-entry").inputs.spec;
    // the public subnets of a 10.0.0.0/16 VPC over two zones: the top two /24s
    expect(allow.ingress[0]).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } },
        { ipBlock: { cidr: "10.0.255.0/24" } },
        { ipBlock: { cidr: "10.0.254.0/24" } },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    const vllm = one(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "dev-allow-inference").inputs.spec;
    expect(JSON.stringify(vllm)).not.toContain("apps");
    expect(JSON.stringify(vllm)).not.toContain("ipBlock");
    const subnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((x) => x.inputs.tags.tier === "public").map((x) => x.inputs.cidrBlock);
    expect(subnets).toEqual(["10.0.255.0/24", "10.0.254.0/24"]);
  });

  it("keeps every controller alive until what it created is gone (pulumi destroy deletes dependents first)", () => {
    const deps = (type: string, name: string) => dependenciesOf(resources, one(resources, type, name).key);
    // the NLB (and its security group) are deleted by the load balancer controller
    expect(deps("kubernetes:core/v1:Service", "dev-entry-nlb").has("kubernetes:helm.sh/v3:Release::dev-aws-load-balancer-controller")).toBe(true);
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
