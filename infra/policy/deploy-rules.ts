import { findInstanceType } from "../catalog/instances";
import { NODE_DISK, VLLM_IMAGE } from "../catalog/node-disk";
import { CHAT_TEMPLATES } from "../catalog/chat-templates";
import { localStorageStrategy } from "../aws/node-user-data";
import { CHART_FACTS, effectiveImages } from "../k8s/chart-facts";
import { COLD_START_ANNOTATION, READINESS_GATE_LABEL, SKIP_AWAIT, STARTUP_ANNOTATION } from "../k8s/inference-objects";
import { ENTRY_RULES, ENTRY_STACK_RULES } from "./entry-rules";
import { dependenciesOf } from "./graph";
import {
  annotations, durationSeconds, list, namespaceOf, ofType, podSpec, scaledObjectFor, scaleTargetOf, selects, T, type ResourceView, type Rule, type StackResourceView, type StackRule,
} from "./rule-kit";

// Guardrails that turn "passes its mocks" into "deploys": each encodes something EKS, Helm, a chart or vLLM
// does with what the program registers (sources in the README and infra/k8s/chart-facts.ts). Pure functions
// over resource views, like rules.ts; spread into RULES and STACK_RULES there.

const isGpuDeployment = (d: ResourceView) => gpuRequest(d) > 0;
const gpuRequest = (d: ResourceView): number =>
  list(podSpec(d).containers).reduce((n, c) => n + Number(c.resources?.limits?.["nvidia.com/gpu"] ?? c.resources?.requests?.["nvidia.com/gpu"] ?? 0), 0);
const isVllm = (d: ResourceView): boolean => list(podSpec(d).containers).some((c) => list(c.command).includes("vllm") || /vllm/.test(String(c.image ?? "")));
const lbScheme = (s: ResourceView): string | undefined =>
  s.props.spec?.type === "LoadBalancer" ? annotations(s)["service.beta.kubernetes.io/aws-load-balancer-scheme"] ?? "internal" : undefined;

// ---- Helm releases ------------------------------------------------------------------------------------------

export const helmReleasesAtomic: Rule = {
  name: "helm-release-atomic",
  description: "Helm releases are atomic with cleanup on fail (no half-made release after a failed install) and wait as long as their chart needs.",
  check: (r) => {
    if (r.type !== T.release) return [];
    const out: string[] = [];
    if (r.props.atomic !== true) out.push("atomic is not set: a failed install leaves a release in state failed that blocks the next `pulumi up`");
    if (r.props.cleanupOnFail !== true) out.push("cleanupOnFail is not set: a failed upgrade leaves the objects it created behind");
    const facts = CHART_FACTS[String(r.props.chart)];
    const timeout = Number(r.props.timeout ?? 300);
    if (facts && timeout < facts.installSeconds) out.push(`timeout ${timeout} s is shorter than what the ${facts.folder} chart waits for (${facts.installSeconds} s: ${facts.waitsFor})`);
    return out;
  },
};

export const noServiceBeforeWebhook: StackRule = {
  name: "no-object-before-rejecting-webhook",
  description: "No Service is created while an admission webhook that would reject it (failurePolicy Fail) is still starting: the webhook is off, or everything else waits for its release.",
  check: (resources) => {
    const out: string[] = [];
    for (const release of ofType(resources, T.release)) {
      const facts = CHART_FACTS[String(release.props.chart)];
      for (const webhook of facts?.rejectingWebhooks ?? []) {
        if (!webhook.rejects(release.props.values ?? {})) continue;
        const exposed = resources.filter((r) =>
          r.key !== release.key && (r.type === T.release || (webhook.resources.includes("services") && r.type === T.service)));
        for (const r of exposed) {
          if (!dependenciesOf(resources, r.key).has(release.key)) {
            out.push(`${r.key} can be created before ${release.key} serves its ${webhook.name} webhook, which rejects ${webhook.resources.join(", ")} until then`);
          }
        }
      }
    }
    return out;
  },
};

export const scrapeAsFreshAsScaling: StackRule = {
  name: "metrics-as-fresh-as-scaling",
  description: "Prometheus scrapes at least as often as KEDA polls the queries it scales on.",
  check: (resources) => {
    const prometheus = ofType(resources, T.release).find((r) => r.props.chart === "prometheus");
    const scaledObjects = ofType(resources, T.scaledObject).filter((s) => list(s.props.spec?.triggers).some((t) => t.type === "prometheus"));
    if (!prometheus || scaledObjects.length === 0) return [];
    const interval = durationSeconds(String(prometheus.props.values?.server?.global?.scrape_interval ?? "1m")) ?? 60;
    return scaledObjects
      .filter((s) => interval > Number(s.props.spec?.pollingInterval ?? 30))
      .map((s) => `${s.key} polls every ${s.props.spec?.pollingInterval ?? 30} s but Prometheus scrapes every ${interval} s: scaling acts on stale queue metrics`);
  },
};

// ---- vLLM ---------------------------------------------------------------------------------------------------

export const vllmFlags: Rule = {
  name: "vllm-flags",
  description: "vLLM gets no secret in argv, AWQ/GPTQ checkpoints keep their Marlin kernels, and checkpoints without a chat template get one.",
  check: (r) => {
    if (r.type !== T.deployment || !isVllm(r)) return [];
    const out: string[] = [];
    for (const c of list(podSpec(r).containers)) {
      const args = list(c.args).map(String);
      if (args.some((a) => a.startsWith("--api-key"))) out.push(`container ${c.name} passes --api-key in argv (visible in /proc and logs): set VLLM_API_KEY instead`);
      const forced = args.find((a) => /^--quantization[= ](awq|gptq)$/.test(a));
      if (forced) out.push(`container ${c.name} passes ${forced}: vLLM then skips the Marlin kernels it picks from the checkpoint's quantization_config`);
      const model = args[0] ?? "";
      const needsTemplate = Object.keys(CHAT_TEMPLATES).some((id) => model === id || model.endsWith(`/${id}`));
      if (needsTemplate && !args.some((a) => a.startsWith("--chat-template"))) out.push(`container ${c.name} serves ${model}, whose tokenizer has no chat template, without --chat-template`);
    }
    return out;
  },
};

export const coldStartAwaited: StackRule = {
  name: "cold-start-budget",
  description: "A GPU Deployment's startup probe covers its in-container cold start; `pulumi up` either skips its await or waits a whole cold start (create) and a rollout of every replica (update); its autoscaler and disruption budget never wait for it.",
  check: (resources) => {
    const out: string[] = [];
    for (const d of ofType(resources, T.deployment).filter(isGpuDeployment)) {
      const a = annotations(d);
      const total = Number(a[COLD_START_ANNOTATION]);
      const startup = Number(a[STARTUP_ANNOTATION]);
      if (!(total > 0) || !(startup > 0)) {
        out.push(`${d.key} carries no cold-start budget (hostwise.dev/cold-start-seconds, hostwise.dev/startup-seconds)`);
        continue;
      }
      for (const c of list(podSpec(d).containers)) {
        const p = c.startupProbe;
        const window = p ? Number(p.failureThreshold ?? 3) * Number(p.periodSeconds ?? 10) + Number(p.initialDelaySeconds ?? 0) : 0;
        if (window < startup) out.push(`${d.key}: container ${c.name}'s startup probe allows ${window} s, the cold start inside it needs ${startup} s`);
      }
      const scaledObject = scaledObjectFor(resources, d);
      if (a[SKIP_AWAIT] !== "true") {
        const create = durationSeconds(d.opts?.customTimeouts?.create) ?? 600; // the provider's default
        const update = durationSeconds(d.opts?.customTimeouts?.update) ?? 600;
        const replicas = Number(scaledObject?.props.spec?.maxReplicaCount ?? 1);
        if (create < total) out.push(`${d.key}: \`pulumi up\` waits ${create} s for it to become ready, a cold start takes up to ${total} s`);
        if (update < total * replicas) out.push(`${d.key}: a rollout of ${replicas} replicas, one at a time, takes up to ${total * replicas} s; \`pulumi up\` waits ${update} s`);
      }
      for (const dependent of [scaledObject, ...ofType(resources, T.disruptionBudget).filter((p) => namespaceOf(p) === namespaceOf(d))]) {
        if (dependent && dependenciesOf(resources, dependent.key).has(d.key)) out.push(`${dependent.key} waits for ${d.key} to become ready: it must exist while the first replica starts`);
      }
    }
    return out;
  },
};

// ---- Rollouts and disruptions -------------------------------------------------------------------------------

/** GPU node groups in the program with the GPUs per node and their max size. */
function gpuNodeGroups(resources: readonly StackResourceView[]) {
  return ofType(resources, T.nodeGroup).flatMap((g) => {
    const instance = findInstanceType(String(list(g.props.instanceTypes)[0] ?? ""));
    return instance && instance.gpuCount > 0 ? [{ group: g, instance, maxSize: Number(g.props.scalingConfig?.maxSize ?? 0) }] : [];
  });
}

export const rolloutHasRoom: StackRule = {
  name: "rollout-has-room",
  description: "A GPU Deployment surges on rollout only when its node group has a free GPU slot at max replicas; otherwise the surge pod never schedules and the rollout never ends.",
  check: (resources) => {
    const out: string[] = [];
    const groups = gpuNodeGroups(resources);
    for (const d of ofType(resources, T.deployment).filter(isGpuDeployment)) {
      const surge = Number(d.props.spec?.strategy?.rollingUpdate?.maxSurge ?? 0);
      const maxReplicas = Number(scaledObjectFor(resources, d)?.props.spec?.maxReplicaCount ?? 0);
      if (surge < 1 || groups.length === 0) continue;
      const slots = groups.reduce((n, g) => n + g.maxSize * Math.floor(g.instance.gpuCount / gpuRequest(d)), 0);
      if (slots < maxReplicas + surge) {
        out.push(`${d.key} surges ${surge} replica(s) on rollout, but at ${maxReplicas} replicas its GPU node groups have ${slots} slot(s): the surge pod stays Pending`);
      }
    }
    return out;
  },
};

export const disruptionBudgetAllowsDrains: StackRule = {
  name: "disruption-budget-allows-drains",
  description: "A Deployment that never scales to zero has a PodDisruptionBudget, and no budget can block every node drain (minAvailable below the fewest replicas, maxUnavailable above 0).",
  check: (resources) => {
    const out: string[] = [];
    for (const so of ofType(resources, T.scaledObject)) {
      const min = Number(so.props.spec?.minReplicaCount ?? 1);
      const target = scaleTargetOf(resources, so);
      if (!target) continue;
      const labels = target.props.spec?.selector?.matchLabels ?? {};
      const budgets = ofType(resources, T.disruptionBudget).filter((p) =>
        namespaceOf(p) === namespaceOf(so) &&
        Object.entries(p.props.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
      if (min >= 1 && budgets.length === 0) out.push(`${target.key} keeps ${min} replica(s) but no PodDisruptionBudget protects them from node drains`);
      for (const p of budgets) {
        const spec = p.props.spec ?? {};
        if (spec.minAvailable !== undefined && Number(spec.minAvailable) >= min) {
          out.push(`${p.key}: minAvailable ${spec.minAvailable} with as few as ${min} replica(s) blocks every drain (a managed node group update fails after 15 minutes)`);
        }
        if (spec.maxUnavailable !== undefined && Number(spec.maxUnavailable) === 0) out.push(`${p.key}: maxUnavailable 0 blocks every drain`);
      }
    }
    return out;
  },
};

// ---- Disks --------------------------------------------------------------------------------------------------

export const gpuNodeDiskFits: StackRule = {
  name: "gpu-node-disk-fits",
  description: "A GPU node's disk where containerd and the kubelet live (local NVMe with nodeadm RAID0, else the root volume) holds the vLLM image while it is pulled (compressed and unpacked), the add-on images, and every replica's model cache.",
  check: (resources) => {
    const out: string[] = [];
    const vllm = ofType(resources, T.deployment).filter(isGpuDeployment);
    for (const { group, instance } of gpuNodeGroups(resources)) {
      const template = ofType(resources, T.launchTemplate).find((t) => group.dependencies.includes(t.key));
      if (!template) continue;
      for (const d of vllm) {
        const cacheGiB = list(podSpec(d).volumes).filter((v) => v.emptyDir && v.emptyDir.medium !== "Memory")
          .reduce((n, v) => n + Number(/^(\d+)Gi$/.exec(String(v.emptyDir.sizeLimit ?? ""))?.[1] ?? Infinity), 0);
        const perNode = Math.floor(instance.gpuCount / gpuRequest(d));
        const imagesGiB = ((VLLM_IMAGE.compressedGB + VLLM_IMAGE.unpackedGB + NODE_DISK.addOnImagesGB) * 1e9) / 1024 ** 3;
        const needGiB = imagesGiB + cacheGiB * perNode;
        const nvme = localStorageStrategy(template.props.userData) === "RAID0";
        const haveGiB = nvme
          ? (instance.localNvmeGB * 1e9) / 1024 ** 3
          : Number(list(template.props.blockDeviceMappings)[0]?.ebs?.volumeSize ?? 20) - NODE_DISK.osGiB;
        if (!(haveGiB >= needGiB)) {
          out.push(`${group.key} (${instance.instanceType}): ${nvme ? "its NVMe array" : "its root volume"} has ${Math.floor(haveGiB)} GiB for images and model caches, ${d.key} needs ${Math.ceil(needGiB)} GiB (${perNode} replica(s) per node)`);
        }
      }
    }
    return out;
  },
};

// ---- Egress none --------------------------------------------------------------------------------------------

/** AWS APIs every node calls: image pulls, the VPC CNI, role credentials. */
const NODE_AWS_APIS = ["ecr.api", "ecr.dkr", "ec2", "sts"];

/** A VPC with no internet route: no NAT gateway and no internet gateway in the program. */
function withoutEgress(resources: readonly StackResourceView[]): { region: string } | undefined {
  const hasVpc = resources.some((r) => r.type === "aws:ec2/vpc:Vpc");
  const egress = resources.some((r) => r.type === "aws:ec2/natGateway:NatGateway" || r.type === "aws:ec2/internetGateway:InternetGateway");
  if (!hasVpc || egress) return undefined;
  const service = String(ofType(resources, T.vpcEndpoint)[0]?.props.serviceName ?? "");
  return { region: /^com\.amazonaws\.([a-z0-9-]+)\./.exec(service)?.[1] ?? "" };
}

export const egressNoneIsReal: StackRule = {
  name: "egress-none-is-real",
  description: "With no internet route, every image comes from this region's ECR, vLLM streams its weights from S3, and a VPC endpoint serves every AWS API the cluster calls.",
  check: (resources) => {
    const none = withoutEgress(resources);
    if (!none) return [];
    const out: string[] = [];
    const ecr = new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${none.region}\\.amazonaws\\.com/`);
    for (const release of ofType(resources, T.release)) {
      if (!CHART_FACTS[String(release.props.chart)]) continue;
      for (const image of effectiveImages(String(release.props.chart), release.props.values ?? {})) {
        if (!ecr.test(image)) out.push(`${release.key} pulls ${image}, unreachable without egress (not in ${none.region}'s ECR)`);
      }
    }
    for (const d of ofType(resources, T.deployment)) {
      for (const c of [...list(podSpec(d).initContainers), ...list(podSpec(d).containers)]) {
        if (!ecr.test(String(c.image))) out.push(`${d.key} runs ${c.image}, unreachable without egress (not in ${none.region}'s ECR)`);
      }
      if (isVllm(d)) {
        const c = list(podSpec(d).containers)[0];
        if (!String(list(c?.args)[0] ?? "").startsWith("s3://")) out.push(`${d.key} loads its weights from ${list(c?.args)[0]}, not from S3: Hugging Face is unreachable without egress`);
        if (!list(c?.env).some((e) => e.name === "HF_HUB_OFFLINE" && e.value === "1")) out.push(`${d.key} does not set HF_HUB_OFFLINE=1: vLLM would try Hugging Face and wait for timeouts`);
      }
    }
    const endpoints = new Set(ofType(resources, T.vpcEndpoint).map((e) => String(e.props.serviceName).replace(`com.amazonaws.${none.region}.`, "")));
    const needed = new Map<string, string>(NODE_AWS_APIS.map((api) => [api, "every node"]));
    if (resources.some((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation")) needed.set("eks-auth", "EKS Pod Identity");
    if (ofType(resources, T.deployment).some((d) => String(list(list(podSpec(d).containers)[0]?.args)[0] ?? "").startsWith("s3://"))) needed.set("s3", "vLLM's weights");
    for (const release of ofType(resources, T.release)) {
      for (const api of CHART_FACTS[String(release.props.chart)]?.awsApis ?? []) needed.set(api, `the ${release.props.chart} chart`);
    }
    for (const [api, who] of needed) if (!endpoints.has(api)) out.push(`no VPC endpoint for ${api}, which ${who} calls: it fails without egress`);
    return out;
  },
};

// ---- Exposure -----------------------------------------------------------------------------------------------

/** NLB security policies that allow only TLS 1.2 and 1.3. */
const MODERN_TLS = /TLS13|TLS-1-2/;

export const internetFacingTls: Rule = {
  name: "internet-facing-tls",
  description: "An internet-facing load balancer terminates TLS (an ACM certificate on every port, TLS 1.2+): the bearer key never crosses the internet in clear.",
  check: (r) => {
    if (r.type !== T.service || lbScheme(r) !== "internet-facing") return [];
    const a = annotations(r);
    const cert = a["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"];
    if (!cert) return ["internet-facing load balancer without an ACM certificate (service.beta.kubernetes.io/aws-load-balancer-ssl-cert): plain HTTP"];
    const out: string[] = [];
    const tlsPorts = String(a["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"] ?? "").split(",").map((p) => p.trim()).filter(Boolean);
    for (const port of list(r.props.spec?.ports)) {
      if (tlsPorts.length > 0 && !tlsPorts.includes(String(port.name)) && !tlsPorts.includes(String(port.port))) out.push(`port ${port.name ?? port.port} is plain TCP on an internet-facing load balancer`);
    }
    const policy = a["service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"];
    if (!policy || !MODERN_TLS.test(policy)) out.push(`TLS policy ${policy ?? "ELBSecurityPolicy-2016-08 (the controller's default)"} allows TLS 1.0 and 1.1`);
    return out;
  },
};

const PRIVATE_EXCEPT = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

export const inferenceNetworkPolicy: StackRule = {
  name: "inference-network-policy",
  description: "vLLM's namespace denies all traffic by default; its pods are reached only by the entry point (pods named by selector) and Prometheus; pods there reach only DNS, public addresses on 443 (weights, the fallback API), the Pod Identity agent, and — the gateway — vLLM's pods.",
  check: (resources) => {
    const out: string[] = [];
    for (const d of ofType(resources, T.deployment).filter(isVllm)) {
      const ns = namespaceOf(d);
      const vllmLabels: Record<string, string> = d.props.spec?.template?.metadata?.labels ?? d.props.spec?.selector?.matchLabels ?? {};
      const policies = ofType(resources, T.networkPolicy).filter((p) => namespaceOf(p) === ns);
      const types = (p: StackResourceView) => list(p.props.spec?.policyTypes);
      const denyAll = policies.some((p) => Object.keys(p.props.spec?.podSelector ?? {}).length === 0 &&
        types(p).includes("Ingress") && types(p).includes("Egress") && list(p.props.spec?.ingress).length === 0 && list(p.props.spec?.egress).length === 0);
      if (!denyAll) out.push(`namespace ${ns}: no NetworkPolicy denies all ingress and egress by default`);
      for (const rule of policies.flatMap((p) => list(p.props.spec?.egress).map((e) => ({ p, e })))) {
        const ports = list(rule.e.ports).map((x) => `${x.protocol ?? "TCP"}/${x.port}`);
        const forVllm = selects(rule.p.props.spec?.podSelector, vllmLabels);
        for (const to of list(rule.e.to).length > 0 ? list(rule.e.to) : [{}]) {
          if (ports.every((p) => p.endsWith("/53")) && to.podSelector?.matchLabels?.["k8s-app"] === "kube-dns") continue;
          if (ports.length === 1 && ports[0] === "TCP/80" && to.ipBlock?.cidr === "169.254.170.23/32") continue;
          const except = list(to.ipBlock?.except);
          if (ports.length === 1 && ports[0] === "TCP/443" && to.ipBlock && PRIVATE_EXCEPT.every((c) => except.includes(c))) continue;
          // The gateway calls vLLM: pods of this namespace selected by vLLM's labels, on vLLM's port only.
          if (!forVllm && !to.namespaceSelector && !to.ipBlock && selects(to.podSelector, vllmLabels) && ports.length === 1 && ports[0] === "TCP/8000") continue;
          out.push(`${rule.p.key} lets pods reach ${JSON.stringify(to)} on ${ports.join(", ") || "every port"}: beyond DNS, public 443, the Pod Identity agent and the gateway's calls to vLLM`);
        }
      }
      for (const policy of policies.filter((p) => Object.keys(p.props.spec?.podSelector?.matchLabels ?? {}).length > 0 && selects(p.props.spec?.podSelector, vllmLabels))) {
        for (const from of list(policy.props.spec?.ingress).flatMap((i) => list(i.from))) {
          const monitoring = from.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring" && !from.podSelector;
          if (monitoring || (from.podSelector && Object.keys(from.podSelector.matchLabels ?? {}).length > 0 && !from.ipBlock)) continue;
          out.push(`${policy.key} lets ${JSON.stringify(from)} reach vLLM directly: only the entry point's pods and Prometheus may (clients go through the entry point)`);
        }
      }
    }
    return out;
  },
};

export const loadBalancerTargets: StackRule = {
  name: "load-balancer-targets",
  description: "A namespace an NLB targets admits it from the NLB's own subnets only, never the whole VPC or a subnet nodes run in (under the VPC CNI every pod has an address there: admitting it admits every pod), and its pods get target-health readiness gates. A brought VPC's subnets are read at `pulumi up`, so their ranges are not checked here.",
  check: (resources) => {
    const out: string[] = [];
    const vpcCidrs = ofType(resources, T.vpc).map((v) => String(v.props.cidrBlock));
    const subnets = ofType(resources, T.subnet);
    const nodeSubnets = new Set(ofType(resources, T.nodeGroup).flatMap((g) => g.dependencies.filter((d) => d.startsWith(`${T.subnet}::`))));
    const nodeCidrs = subnets.filter((s) => nodeSubnets.has(s.key)).map((s) => String(s.props.cidrBlock));
    const targeted = new Set(ofType(resources, T.service).filter((s) => lbScheme(s)).map((s) => String(namespaceOf(s))));
    for (const ns of targeted) {
      for (const policy of ofType(resources, T.networkPolicy).filter((p) => namespaceOf(p) === ns)) {
        for (const from of list(policy.props.spec?.ingress).flatMap((i) => list(i.from))) {
          const cidr = from.ipBlock?.cidr;
          if (!cidr) continue;
          if (vpcCidrs.includes(cidr)) out.push(`${policy.key} admits the whole VPC (${cidr}): under the VPC CNI every pod and node has an address in it`);
          else if (nodeCidrs.includes(cidr)) out.push(`${policy.key} admits ${cidr}, a subnet the nodes run in: every pod there has an address in it, so every pod gets in`);
          else if (subnets.length > 0 && !subnets.some((s) => s.props.cidrBlock === cidr)) out.push(`${policy.key} admits ${cidr}, which is not a subnet the load balancer sits in`);
        }
      }
      const namespace = ofType(resources, T.namespace).find((n) => n.props.metadata?.name === ns);
      if (namespace?.props.metadata?.labels?.[READINESS_GATE_LABEL] !== "enabled") {
        out.push(`namespace ${ns} has an NLB targeting its pods but no ${READINESS_GATE_LABEL} label: rollouts outrun target registration`);
      }
    }
    return out;
  },
};

/** Closed over by rules.ts: resource rules and stack rules this file adds. */
export const DEPLOY_RULES: readonly Rule[] = [helmReleasesAtomic, vllmFlags, internetFacingTls, ...ENTRY_RULES];
export const DEPLOY_STACK_RULES: readonly StackRule[] = [
  coldStartAwaited, noServiceBeforeWebhook, scrapeAsFreshAsScaling, rolloutHasRoom, disruptionBudgetAllowsDrains,
  gpuNodeDiskFits, egressNoneIsReal, inferenceNetworkPolicy, loadBalancerTargets, ...ENTRY_STACK_RULES,
];
