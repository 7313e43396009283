import { describe, expect, it } from "vitest";
import {
  coldStartAwaited, disruptionBudgetAllowsDrains, egressNoneIsReal, gpuNodeDiskFits, helmReleasesAtomic, inferenceNetworkPolicy,
  internetFacingTls, loadBalancerTargets, noServiceBeforeWebhook, rolloutHasRoom, scrapeAsFreshAsScaling, vllmFlags,
} from "../infra/policy/deploy-rules";
import { durationSeconds } from "../infra/policy/rule-kit";
import type { StackResourceView } from "../infra/resource-view";

// Each deploy rule on a small hand-built program: what passes, and each violation it must catch. The shipped
// stacks pass them all (every program-evaluating test runs expectPoliciesPass).

const r = (type: string, name: string, props: Record<string, any>, extra: Partial<StackResourceView> = {}): StackResourceView =>
  ({ type, name, key: `${type}::${name}`, props, dependencies: [], opts: {}, ...extra });
const meta = (name: string, extra: Record<string, any> = {}) => ({ metadata: { name, namespace: "inference", ...extra } });

const vllm = (container: Record<string, any> = {}, extra: Partial<StackResourceView> = {}, annotations: Record<string, string> = { "hostwise.dev/cold-start-seconds": "1200", "hostwise.dev/startup-seconds": "300" }) =>
  r("kubernetes:apps/v1:Deployment", "vllm", {
    ...meta("vllm", { annotations }),
    spec: {
      selector: { matchLabels: { app: "vllm" } },
      strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        spec: {
          containers: [{
            name: "vllm", image: "vllm/vllm-openai:v0.31.0", command: ["vllm", "serve"], args: ["Qwen/Qwen2.5-7B-Instruct", "--port=8000"],
            resources: { limits: { "nvidia.com/gpu": "1" } },
            startupProbe: { periodSeconds: 10, failureThreshold: 30 },
            ...container,
          }],
          volumes: [{ name: "models", emptyDir: { sizeLimit: "13Gi" } }],
        },
      },
    },
  }, { opts: { customTimeouts: { create: "20m", update: "40m" } }, ...extra });
const scaledObject = (min: number, max: number, extra: Partial<StackResourceView> = {}) =>
  r("kubernetes:keda.sh/v1alpha1:ScaledObject", "so", { ...meta("vllm"), spec: { scaleTargetRef: { name: "vllm" }, minReplicaCount: min, maxReplicaCount: max, pollingInterval: 15, triggers: [{ type: "prometheus" }] } }, extra);

describe("deploy rules", () => {
  it("durations: Pulumi's strings and the policy pack's seconds", () => {
    expect(durationSeconds("20m")).toBe(1200);
    expect(durationSeconds("1h30m")).toBe(5400);
    expect(durationSeconds("2400s")).toBe(2400);
    expect(durationSeconds("soon")).toBeUndefined();
  });

  it("cold-start-budget: probe and timeouts cover the cold start; autoscaling never waits for the Deployment", () => {
    expect(coldStartAwaited.check([vllm(), scaledObject(0, 2)])).toEqual([]);
    // the provider's default 10 minutes, a probe window of 100 s
    const short = vllm({ startupProbe: { periodSeconds: 10, failureThreshold: 10 } }, { opts: {} });
    expect(coldStartAwaited.check([short, scaledObject(0, 2)])).toEqual([
      "kubernetes:apps/v1:Deployment::vllm: container vllm's startup probe allows 100 s, the cold start inside it needs 300 s",
      "kubernetes:apps/v1:Deployment::vllm: `pulumi up` waits 600 s for it to become ready, a cold start takes up to 1200 s",
      "kubernetes:apps/v1:Deployment::vllm: a rollout of 2 replicas, one at a time, takes up to 2400 s; `pulumi up` waits 600 s",
    ]);
    // skipping the await is fine; no budget at all is not
    expect(coldStartAwaited.check([vllm({}, { opts: {} }, { "hostwise.dev/cold-start-seconds": "1200", "hostwise.dev/startup-seconds": "300", "pulumi.com/skipAwait": "true" })])).toEqual([]);
    expect(coldStartAwaited.check([vllm({}, {}, {})])).toHaveLength(1);
    // a ScaledObject created only once the first replica is ready
    const waiting = scaledObject(0, 2, { dependencies: ["kubernetes:apps/v1:Deployment::vllm"] });
    expect(coldStartAwaited.check([vllm(), waiting])).toEqual([
      "kubernetes:keda.sh/v1alpha1:ScaledObject::so waits for kubernetes:apps/v1:Deployment::vllm to become ready: it must exist while the first replica starts",
    ]);
  });

  it("helm-release-atomic: atomic, cleanup on fail, a timeout the chart can meet", () => {
    const release = (props: Record<string, any>) => r("kubernetes:helm.sh/v3:Release", "p", { chart: "prometheus", ...props });
    expect(helmReleasesAtomic.check(release({ atomic: true, cleanupOnFail: true, timeout: 600 }))).toEqual([]);
    expect(helmReleasesAtomic.check(release({ timeout: 900 }))).toHaveLength(2);
    expect(helmReleasesAtomic.check(release({ atomic: true, cleanupOnFail: true, timeout: 120 }))[0]).toMatch(/timeout 120 s is shorter than what the prometheus chart waits for \(600 s/);
  });

  it("no-object-before-rejecting-webhook: the load balancer controller's Service webhook is off, or everything waits for it", () => {
    const lbc = (values: Record<string, any>) => r("kubernetes:helm.sh/v3:Release", "lbc", { chart: "aws-load-balancer-controller", values });
    const keda = r("kubernetes:helm.sh/v3:Release", "keda", { chart: "keda", values: {} });
    const service = r("kubernetes:core/v1:Service", "vllm", meta("vllm"), { dependencies: ["kubernetes:helm.sh/v3:Release::lbc"] });
    expect(noServiceBeforeWebhook.check([lbc({ enableServiceMutatorWebhook: false }), keda, service])).toEqual([]);
    // the chart's default: mservice.elbv2.k8s.aws with failurePolicy Fail, and KEDA installed in parallel
    expect(noServiceBeforeWebhook.check([lbc({}), keda, service])).toEqual([
      "kubernetes:helm.sh/v3:Release::keda can be created before kubernetes:helm.sh/v3:Release::lbc serves its mservice.elbv2.k8s.aws webhook, which rejects services until then",
    ]);
    expect(noServiceBeforeWebhook.check([lbc({ serviceMutatorWebhookConfig: { failurePolicy: "Ignore" } }), keda])).toEqual([]);
  });

  it("metrics-as-fresh-as-scaling: Prometheus scrapes as often as KEDA polls", () => {
    const prometheus = (interval?: string) => r("kubernetes:helm.sh/v3:Release", "p", { chart: "prometheus", values: interval ? { server: { global: { scrape_interval: interval } } } : {} });
    expect(scrapeAsFreshAsScaling.check([prometheus("15s"), scaledObject(0, 2)])).toEqual([]);
    // the chart's default is one minute
    expect(scrapeAsFreshAsScaling.check([prometheus(), scaledObject(0, 2)])).toHaveLength(1);
  });

  it("vllm-flags: no key in argv, no forced AWQ kernel, a chat template where the checkpoint has none", () => {
    expect(vllmFlags.check(vllm())).toEqual([]);
    expect(vllmFlags.check(vllm({ args: ["Qwen/Qwen2.5-7B-Instruct", "--api-key=$(VLLM_API_KEY)"] }))[0]).toMatch(/--api-key in argv/);
    expect(vllmFlags.check(vllm({ args: ["TheBloke/Llama-2-13B-chat-AWQ", "--quantization=awq", "--chat-template=/t.jinja"] }))[0]).toMatch(/--quantization=awq: vLLM then skips the Marlin kernels/);
    expect(vllmFlags.check(vllm({ args: ["TheBloke/Llama-2-13B-chat-AWQ"] }))[0]).toMatch(/has no chat template/);
    expect(vllmFlags.check(vllm({ args: ["s3://b/TheBloke/Llama-2-13B-chat-AWQ", "--chat-template=/t.jinja"] }))).toEqual([]);
  });

  it("rollout-has-room: a surge needs a free GPU slot at max replicas", () => {
    const group = (maxSize: number) => r("aws:eks/nodeGroup:NodeGroup", "gpu", { instanceTypes: ["p5.48xlarge"], scalingConfig: { maxSize } });
    const d = vllm({ resources: { limits: { "nvidia.com/gpu": "8" } } });
    d.props.spec.strategy = { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    // 2 nodes × 1 replica of 8 GPUs = 2 slots, max replicas 2: no room for the surge pod
    expect(rolloutHasRoom.check([d, scaledObject(1, 2), group(2)])[0]).toMatch(/surges 1 replica\(s\) on rollout, but at 2 replicas its GPU node groups have 2 slot/);
    expect(rolloutHasRoom.check([d, scaledObject(1, 2), group(3)])).toEqual([]);
    expect(rolloutHasRoom.check([vllm({ resources: { limits: { "nvidia.com/gpu": "8" } } }), scaledObject(1, 2), group(2)])).toEqual([]); // no surge
  });

  it("disruption-budget-allows-drains: keep a replica, never block every drain", () => {
    const pdb = (spec: Record<string, any>) => r("kubernetes:policy/v1:PodDisruptionBudget", "pdb", { ...meta("vllm"), spec: { selector: { matchLabels: { app: "vllm" } }, ...spec } });
    expect(disruptionBudgetAllowsDrains.check([vllm(), scaledObject(2, 4), pdb({ minAvailable: 1 })])).toEqual([]);
    expect(disruptionBudgetAllowsDrains.check([vllm(), scaledObject(1, 4), pdb({ maxUnavailable: 1 })])).toEqual([]);
    expect(disruptionBudgetAllowsDrains.check([vllm(), scaledObject(1, 4), pdb({ minAvailable: 1 })])[0]).toMatch(/minAvailable 1 with as few as 1 replica\(s\) blocks every drain/);
    expect(disruptionBudgetAllowsDrains.check([vllm(), scaledObject(1, 4)])[0]).toMatch(/no PodDisruptionBudget/);
    expect(disruptionBudgetAllowsDrains.check([vllm(), scaledObject(0, 2)])).toEqual([]); // scales to zero
  });

  it("gpu-node-disk-fits: the vLLM image while it is pulled, add-on images and every replica's cache fit where containerd lives", () => {
    const raid0 = Buffer.from("MIME-Version: 1.0\nContent-Type: application/node.eks.aws\n\nspec:\n  instance:\n    localStorage:\n      strategy: RAID0\n").toString("base64");
    const template = (props: Record<string, any>) => r("aws:ec2/launchTemplate:LaunchTemplate", "gpu", props);
    const group = r("aws:eks/nodeGroup:NodeGroup", "gpu", { instanceTypes: ["g6.xlarge"], scalingConfig: { maxSize: 2 } }, { dependencies: ["aws:ec2/launchTemplate:LaunchTemplate::gpu"] });
    expect(gpuNodeDiskFits.check([vllm(), group, template({ userData: raid0, blockDeviceMappings: [{ ebs: { volumeSize: 30 } }] })])).toEqual([]);
    // main's 50 GiB root volume and no NVMe: 25 GB unpacked + 12.7 GB of layers + 3 GB + 13 GiB of cache do not fit in 30 GiB
    expect(gpuNodeDiskFits.check([vllm(), group, template({ blockDeviceMappings: [{ ebs: { volumeSize: 50 } }] })])[0]).toMatch(/its root volume has 30 GiB for images and model caches, kubernetes:apps\/v1:Deployment::vllm needs 51 GiB/);
    expect(gpuNodeDiskFits.check([vllm(), group, template({ blockDeviceMappings: [{ ebs: { volumeSize: 80 } }] })])).toEqual([]);
  });

  it("egress-none-is-real: ECR images, S3 weights, an endpoint for every AWS API called", () => {
    const vpc = r("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
    const endpoints = ["ecr.api", "ecr.dkr", "ec2", "sts", "s3", "autoscaling", "eks"].map((s) => r("aws:ec2/vpcEndpoint:VpcEndpoint", s, { serviceName: `com.amazonaws.us-east-1.${s}` }));
    const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    const ca = (repository?: string) => r("kubernetes:helm.sh/v3:Release", "ca", { chart: "cluster-autoscaler", values: repository ? { image: { repository } } : {} });
    const fromS3 = vllm({ image: `${ecr}/hw-dev/docker-hub/vllm/vllm-openai:v0.31.0`, args: ["s3://b/q"], env: [{ name: "HF_HUB_OFFLINE", value: "1" }] });
    expect(egressNoneIsReal.check([vpc, ...endpoints, ca(`${ecr}/hw-dev/k8s/autoscaling/cluster-autoscaler`), fromS3])).toEqual([]);
    const broken = egressNoneIsReal.check([vpc, ...endpoints.filter((e) => e.name !== "eks"), ca(), vllm()]);
    expect(broken).toEqual([
      "kubernetes:helm.sh/v3:Release::ca pulls registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0, unreachable without egress (not in us-east-1's ECR)",
      "kubernetes:apps/v1:Deployment::vllm runs vllm/vllm-openai:v0.31.0, unreachable without egress (not in us-east-1's ECR)",
      "kubernetes:apps/v1:Deployment::vllm loads its weights from Qwen/Qwen2.5-7B-Instruct, not from S3: Hugging Face is unreachable without egress",
      "kubernetes:apps/v1:Deployment::vllm does not set HF_HUB_OFFLINE=1: vLLM would try Hugging Face and wait for timeouts",
      "no VPC endpoint for eks, which the cluster-autoscaler chart calls: it fails without egress",
    ]);
    // with a NAT gateway none of this applies
    expect(egressNoneIsReal.check([vpc, r("aws:ec2/natGateway:NatGateway", "nat", {}), ca(), vllm()])).toEqual([]);
  });

  it("internet-facing-tls: a certificate on every port and TLS 1.2+, or the load balancer stays internal", () => {
    const service = (annotations: Record<string, string>, ports = [{ name: "https", port: 443 }]) =>
      r("kubernetes:core/v1:Service", "nlb", { ...meta("nlb", { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing", ...annotations } }), spec: { type: "LoadBalancer", ports } });
    const tls = { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-east-1:1:certificate/x", "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "https", "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06" };
    expect(internetFacingTls.check(service(tls))).toEqual([]);
    expect(internetFacingTls.check(service({}))[0]).toMatch(/without an ACM certificate/);
    expect(internetFacingTls.check(service({ ...tls, "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-2016-08" }))[0]).toMatch(/allows TLS 1.0/);
    expect(internetFacingTls.check(service(tls, [{ name: "https", port: 443 }, { name: "http", port: 8000 }]))[0]).toMatch(/port http is plain TCP/);
    expect(internetFacingTls.check(service({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }))).toEqual([]);
  });

  it("inference-network-policy: default deny both ways, narrow egress, vLLM reached only by the entry point and Prometheus", () => {
    const np = (name: string, spec: Record<string, any>) => r("kubernetes:networking.k8s.io/v1:NetworkPolicy", name, { ...meta(name), spec });
    const denyAll = np("deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] };
    const web = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] };
    const egress = np("egress", { podSelector: { matchLabels: { app: "vllm" } }, policyTypes: ["Egress"], egress: [dns, web] });
    const toVllm = { to: [{ podSelector: { matchLabels: { app: "vllm" } } }], ports: [{ protocol: "TCP", port: 8000 }] };
    const gateway = np("gateway-egress", { podSelector: { matchLabels: { app: "gateway" } }, policyTypes: ["Egress"], egress: [dns, web, toVllm] });
    const monitoring = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };
    const entry = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "keda-http" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "interceptor" } } };
    const ingress = (...from: any[]) => np("allow-inference", { podSelector: { matchLabels: { app: "vllm" } }, policyTypes: ["Ingress"], ingress: [{ from, ports: [{ port: 8000 }] }] });
    const withLabels = vllm();
    withLabels.props.spec.template.metadata = { labels: { app: "vllm" } };
    expect(inferenceNetworkPolicy.check([withLabels, denyAll, egress, gateway, ingress(entry, monitoring)])).toEqual([]);
    expect(inferenceNetworkPolicy.check([withLabels, egress])[0]).toMatch(/no NetworkPolicy denies all ingress and egress/);
    const anywhere = np("open", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
    expect(inferenceNetworkPolicy.check([withLabels, denyAll, anywhere])[0]).toMatch(/lets pods reach .*0\.0\.0\.0\/0.* on every port/);
    // vLLM calling itself is not the gateway's exception
    const selfCall = np("self", { podSelector: { matchLabels: { app: "vllm" } }, policyTypes: ["Egress"], egress: [toVllm] });
    expect(inferenceNetworkPolicy.check([withLabels, denyAll, selfCall])[0]).toMatch(/beyond DNS, public 443/);
    // main's shape: client namespaces and the NLB's subnets straight to vLLM
    const clients = inferenceNetworkPolicy.check([withLabels, denyAll, ingress(monitoring, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }, { ipBlock: { cidr: "10.0.0.0/19" } })]);
    expect(clients).toHaveLength(2);
    expect(clients[0]).toMatch(/reach vLLM directly: only the entry point's pods and Prometheus may/);
  });

  it("load-balancer-targets: the NLB's namespace admits its subnets only and gates pods on target health", () => {
    const np = (cidr: string) => r("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-entry", { metadata: { name: "allow-entry", namespace: "keda-http" }, spec: { ingress: [{ from: [{ ipBlock: { cidr } }] }] } });
    const nlb = r("kubernetes:core/v1:Service", "nlb", { metadata: { name: "entry-nlb", namespace: "keda-http", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }, spec: { type: "LoadBalancer" } });
    const ns = (labels: Record<string, string>) => r("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "keda-http", labels } });
    const vpc = r("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" });
    const subnet = r("aws:ec2/subnet:Subnet", "private-0", { cidrBlock: "10.0.0.0/19" });
    const gated = ns({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
    expect(loadBalancerTargets.check([np("10.0.0.0/19"), nlb, gated, vpc, subnet])).toEqual([]);
    expect(loadBalancerTargets.check([np("10.0.0.0/16"), nlb, gated, vpc, subnet])[0]).toMatch(/admits the whole VPC/);
    expect(loadBalancerTargets.check([np("10.9.0.0/24"), nlb, gated, vpc, subnet])[0]).toMatch(/not a subnet the load balancer sits in/);
    expect(loadBalancerTargets.check([np("10.0.0.0/19"), nlb, ns({}), vpc, subnet])[0]).toMatch(/no elbv2.k8s.aws\/pod-readiness-gate-inject label/);
    // an internal NLB in the nodes' own subnet: under the VPC CNI every pod has an address there, so all get in
    const nodes = r("aws:eks/nodeGroup:NodeGroup", "gpu", {}, { dependencies: [subnet.key] });
    expect(loadBalancerTargets.check([np("10.0.0.0/19"), nlb, gated, vpc, subnet, nodes])).toEqual([
      "kubernetes:networking.k8s.io/v1:NetworkPolicy::allow-entry admits 10.0.0.0/19, a subnet the nodes run in: every pod there has an address in it, so every pod gets in",
    ]);
    const lb = r("aws:ec2/subnet:Subnet", "lb-0", { cidrBlock: "10.0.252.0/24" });
    expect(loadBalancerTargets.check([np("10.0.252.0/24"), nlb, gated, vpc, subnet, lb, nodes])).toEqual([]);
  });
});
