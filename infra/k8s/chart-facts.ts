import type { Source } from "../catalog/source";

// What each pinned chart does once installed, read from its own values.yaml and templates at the version
// charts/<folder>/Chart.yaml pins: the images it pulls (and the values that override them), the admission
// webhooks that can reject other objects, and what `helm install --wait` waits for. The program uses these
// to rewrite images for `egress: none` and to size release timeouts; the policy rules use them to check
// the evaluated program. Bump a chart → re-read its values and templates and update its entry here.

/** One image a chart runs, and where in its values the image is set. */
export interface ChartImage {
  /** Upstream reference at the pinned version: registry host, repository, tag. */
  readonly upstream: string;
  /**
   * Values path of the repository (`image.repository`: the tag stays the chart's), or of a registry that is
   * prefixed to the repository (KEDA's `global.image.registry`).
   */
  readonly repositoryPath?: readonly string[];
  readonly registryPath?: readonly string[];
}

/** A mutating or validating webhook that rejects matching objects while its pods are not serving. */
export interface RejectingWebhook {
  readonly name: string;
  /** Kinds it admits (lower-case plural resources). */
  readonly resources: readonly string[];
  /** Whether the chart registers it with failurePolicy Fail, given the release's values. */
  readonly rejects: (values: Record<string, any>) => boolean;
}

export interface ChartFacts {
  readonly folder: string;
  readonly images: readonly ChartImage[];
  readonly rejectingWebhooks: readonly RejectingWebhook[];
  /**
   * Seconds `helm install --wait` may need: what the chart's objects wait for (image pulls on the system
   * nodes, volume provisioning, webhook certificates). Release timeouts are at least this.
   */
  readonly installSeconds: number;
  readonly waitsFor: string;
  /** AWS APIs its pods call (VPC endpoint service names): without egress each needs an interface endpoint. */
  readonly awsApis: readonly string[];
  readonly source: Source;
}

const READ = "2026-11-25";
const at = (path: string, ref: string): Source => ({ ref: `${path} at ${ref}`, date: READ });

export const CHART_FACTS: Readonly<Record<string, ChartFacts>> = {
  "nvidia-device-plugin": {
    folder: "nvidia-device-plugin",
    images: [{ upstream: "nvcr.io/nvidia/k8s-device-plugin:v0.20.0", repositoryPath: ["image", "repository"] }],
    rejectingWebhooks: [],
    installSeconds: 300,
    waitsFor: "a DaemonSet on the GPU nodes (none while the group is at zero): one small image pull per node",
    awsApis: [],
    source: at("NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin/values.yaml, templates/_helpers.tpl (tag v<appVersion>)", "v0.20.0"),
  },
  keda: {
    folder: "keda",
    images: [
      { upstream: "ghcr.io/kedacore/keda:2.20.2", registryPath: ["global", "image", "registry"] },
      { upstream: "ghcr.io/kedacore/keda-metrics-apiserver:2.20.2", registryPath: ["global", "image", "registry"] },
      { upstream: "ghcr.io/kedacore/keda-admission-webhooks:2.20.2", registryPath: ["global", "image", "registry"] },
    ],
    // Its ScaledObject webhook defaults to failurePolicy Ignore (values webhooks.failurePolicy), and only
    // KEDA's own kinds go through it.
    rejectingWebhooks: [],
    installSeconds: 300,
    waitsFor: "CRDs, then the operator, metrics API server and admission webhooks Deployments (the operator generates their certificates)",
    awsApis: [],
    source: at("kedacore/charts keda/values.yaml, templates/manager/deployment.yaml (global.image.registry prefixes every image)", "v2.20.2"),
  },
  prometheus: {
    folder: "prometheus",
    images: [
      { upstream: "quay.io/prometheus/prometheus:v3.14.0", repositoryPath: ["server", "image", "repository"] },
      { upstream: "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1", repositoryPath: ["configmapReload", "prometheus", "image", "repository"] },
    ],
    rejectingWebhooks: [],
    installSeconds: 600,
    waitsFor: "its PersistentVolumeClaim (WaitForFirstConsumer: bound once the pod schedules, then the EBS CSI driver creates and attaches the volume) and the server Deployment",
    awsApis: [],
    source: at("prometheus-community/helm-charts charts/prometheus/values.yaml, templates/deploy.yaml", "prometheus-29.27.0"),
  },
  "dcgm-exporter": {
    folder: "dcgm-exporter",
    images: [{ upstream: "nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless", repositoryPath: ["image", "repository"] }],
    rejectingWebhooks: [],
    installSeconds: 600,
    waitsFor: "a DaemonSet on the GPU nodes (none at zero); its image carries DCGM, larger than the device plugin's",
    awsApis: [],
    source: at("NVIDIA/dcgm-exporter deployment/values.yaml, templates/daemonset.yaml", "4.5.3-4.8.2"),
  },
  "cluster-autoscaler": {
    folder: "cluster-autoscaler",
    images: [{ upstream: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0", repositoryPath: ["image", "repository"] }],
    rejectingWebhooks: [],
    installSeconds: 300,
    waitsFor: "one Deployment on the system nodes",
    // Auto Scaling groups, instance types and launch templates, and the managed node groups it scales from zero.
    awsApis: ["autoscaling", "ec2", "eks"],
    source: at("kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler/values.yaml", "cluster-autoscaler-chart-9.59.0"),
  },
  "aws-load-balancer-controller": {
    folder: "aws-load-balancer-controller",
    images: [{ upstream: "public.ecr.aws/eks/aws-load-balancer-controller:v3.5.0", repositoryPath: ["image", "repository"] }],
    rejectingWebhooks: [
      {
        // mservice.elbv2.k8s.aws admits every Service CREATE in every namespace (only the controller's own
        // objects are excluded) and rejects them while the controller's pods do not answer.
        name: "mservice.elbv2.k8s.aws",
        resources: ["services"],
        rejects: (v) => v.enableServiceMutatorWebhook !== false && (v.serviceMutatorWebhookConfig?.failurePolicy ?? "Fail") === "Fail",
      },
    ],
    installSeconds: 300,
    waitsFor: "two controller replicas (the webhook serving certificate is generated by the chart)",
    // NLBs, target groups and security groups. ACM only for Ingress and Gateway certificate discovery: a
    // Service's certificate ARN goes to ELB as given.
    awsApis: ["elasticloadbalancing", "ec2"],
    source: at("kubernetes-sigs/aws-load-balancer-controller helm/aws-load-balancer-controller/values.yaml, templates/webhook.yaml", "v3.5.0"),
  },
  "keda-add-ons-http": {
    folder: "keda-add-ons-http",
    // images.<component> is the repository; the chart appends images.tag, or its appVersion (0.15.0).
    images: [
      { upstream: "ghcr.io/kedacore/http-add-on-operator:0.15.0", repositoryPath: ["images", "operator"] },
      { upstream: "ghcr.io/kedacore/http-add-on-interceptor:0.15.0", repositoryPath: ["images", "interceptor"] },
      { upstream: "ghcr.io/kedacore/http-add-on-scaler:0.15.0", repositoryPath: ["images", "scaler"] },
    ],
    rejectingWebhooks: [],
    installSeconds: 300,
    waitsFor: "its CRDs, then the operator, scaler and interceptor Deployments (small ko-built images); the interceptors' ScaledObject needs KEDA's CRDs",
    awsApis: [],
    source: at("kedacore/charts http-add-on/values.yaml, templates/interceptor/{deployment,scaledobject,service-proxy}.yaml, templates/scaler/service.yaml (release v0.15.0, commit c4b92e9)", "keda-add-ons-http-0.15.0"),
  },
};

/** Value at a path of a nested values object. */
export function valueAt(values: Record<string, any>, path: readonly string[]): unknown {
  return path.reduce<any>((v, key) => (v === undefined || v === null ? undefined : v[key]), values);
}

/** "quay.io/prometheus/prometheus:v3.14.0" → host, repository, tag. */
export function splitImage(ref: string): { host: string; repository: string; tag: string } {
  const colon = ref.lastIndexOf(":");
  const slash = ref.indexOf("/");
  const name = colon > slash ? ref.slice(0, colon) : ref;
  const tag = colon > slash ? ref.slice(colon + 1) : "latest";
  const first = name.slice(0, slash);
  // Docker's rule: the first part is a registry host when it has a dot or a port, or is localhost.
  if (slash > 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    return { host: first, repository: name.slice(slash + 1), tag };
  }
  return { host: "docker.io", repository: name.includes("/") ? name : `library/${name}`, tag };
}

/** The images a release really pulls: each chart image with the release's overrides applied. */
export function effectiveImages(folder: string, values: Record<string, any>): string[] {
  const facts = CHART_FACTS[folder];
  if (!facts) throw new Error(`no chart facts for ${folder}`);
  return facts.images.map((image) => {
    const { host, repository, tag } = splitImage(image.upstream);
    const repositoryOverride = image.repositoryPath && valueAt(values, image.repositoryPath);
    if (typeof repositoryOverride === "string" && repositoryOverride !== "") return `${repositoryOverride}:${tag}`;
    const registryOverride = image.registryPath && valueAt(values, image.registryPath);
    if (typeof registryOverride === "string" && registryOverride !== "") return `${registryOverride}/${repository}:${tag}`;
    return `${host}/${repository}:${tag}`;
  });
}
