import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentity } from "../aws/iam";
import type { Tags } from "../aws/tags";
import { clusterAutoscalerPolicy, loadBalancerControllerPolicy } from "./addon-iam";
import type { StackSpec } from "../config/spec";
import { CHART_FACTS, splitImage, type ChartFacts } from "./chart-facts";
import { readChart } from "./charts";
import type { MetricsStorage } from "../sizing/metrics-storage";
import { prometheusStackValues } from "./prometheus-values";
import { ENTRY_CHART, ENTRY_NAMESPACE, entryChartValues, entryNamespaceLabels } from "./entry-objects";

export interface AddonsArgs {
  readonly provider: k8s.Provider;
  readonly spec: StackSpec;
  readonly clusterName: string;
  readonly cluster: pulumi.Output<string>;
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  /** What the add-ons need running first: the EBS CSI driver (volumes), the Pod Identity agent, image caches. */
  readonly dependsOn: pulumi.Resource[];
  readonly tags: Tags;
  /** The reference each upstream image is pulled as (the ECR cache or mirror with egress none). */
  readonly imageFor: (upstream: string) => pulumi.Input<string>;
  /** Nodes pull through ECR pull-through caches (egress none): a first pull waits for ECR to fetch upstream. */
  readonly pullThroughCache: boolean;
  /** Prometheus' retention and volume, sized for the stack (infra/k8s/prometheus-values.ts). */
  readonly metricsStorage: MetricsStorage;
}

/** StorageClass for the add-ons' volumes: encrypted gp3 through the EBS CSI driver (EKS ships none). */
export const STORAGE_CLASS = "gp3-encrypted";

interface AddonSpec {
  /** Folder under charts/, also the release name. */
  readonly folder: string;
  readonly namespace: string;
  /** Values that depend on the stack, laid over charts/<folder>/values.yaml. */
  readonly stackValues?: (a: AddonsArgs) => Record<string, unknown>;
  /** AWS access through an EKS Pod Identity association for this service account. */
  readonly aws?: { readonly serviceAccount: string; readonly policy: (a: AddonsArgs) => string };
  /** Releases (folders) this one needs running first: kinds its chart creates, webhooks its pods go through. */
  readonly after?: readonly string[];
  /** Labels of its namespace that depend on the stack. */
  readonly namespaceLabels?: (a: AddonsArgs) => Record<string, string>;
}

export const ADDONS: readonly AddonSpec[] = [
  { folder: "nvidia-device-plugin", namespace: "nvidia-device-plugin" },
  { folder: "keda", namespace: "keda" },
  { folder: "prometheus", namespace: "monitoring", stackValues: (a) => prometheusStackValues(a.metricsStorage) },
  { folder: "dcgm-exporter", namespace: "dcgm-exporter" },
  {
    folder: "cluster-autoscaler",
    namespace: "cluster-autoscaler",
    stackValues: (a) => ({ autoDiscovery: { clusterName: a.clusterName }, awsRegion: a.region }),
    aws: { serviceAccount: "cluster-autoscaler", policy: (a) => clusterAutoscalerPolicy(a.clusterName) },
  },
  {
    folder: "aws-load-balancer-controller",
    namespace: "aws-load-balancer-controller",
    stackValues: (a) => ({ clusterName: a.clusterName, region: a.region, vpcId: a.vpcId }),
    aws: { serviceAccount: "aws-load-balancer-controller", policy: (a) => loadBalancerControllerPolicy(a.clusterName) },
  },
  {
    // The entry point: its chart creates a ScaledObject (KEDA's kind) for the interceptors, and with an NLB
    // the controller's pod webhook must serve when they start, or they get no target-health readiness gate.
    folder: ENTRY_CHART,
    namespace: ENTRY_NAMESPACE,
    stackValues: (a) => entryChartValues(a.spec),
    after: ["keda", "aws-load-balancer-controller"],
    namespaceLabels: (a) => entryNamespaceLabels(a.spec),
  },
];

/** How long Helm may wait for a release: what its chart waits for, half as long again through a pull-through cache. */
export function releaseTimeoutSeconds(facts: ChartFacts, pullThroughCache: boolean): number {
  return Math.ceil(facts.installSeconds * (pullThroughCache ? 1.5 : 1));
}

/** The values that point a chart's images at where the cluster pulls them; nothing when that is upstream. */
export function imageValues(facts: ChartFacts, imageFor: (upstream: string) => pulumi.Input<string>): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const image of facts.images) {
    const pulled = imageFor(image.upstream);
    if (pulled === image.upstream) continue;
    const { repository, tag } = splitImage(image.upstream);
    // The chart appends its own tag (the same as upstream) to a repository, or the repository to a registry.
    const value = image.repositoryPath
      ? pulumi.output(pulled).apply((ref) => ref.slice(0, -(tag.length + 1)))
      : pulumi.output(pulled).apply((ref) => ref.slice(0, -(repository.length + tag.length + 2)));
    values = deepMerge(values, nest(image.repositoryPath ?? image.registryPath!, value));
  }
  return values;
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as Record<string, unknown>) as Record<string, unknown>;
}

/** Values merged the way Helm merges a values file over a chart's: objects key by key, everything else replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v);
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * The third-party add-ons, each a Helm release of the chart pinned in charts/<folder> in a namespace of its
 * own, with least-privilege AWS access where it needs any. Everything here depends on the cluster, so
 * `pulumi destroy` removes it before the node groups and the cluster go.
 */
export class Addons extends pulumi.ComponentResource {
  readonly releases: Record<string, k8s.helm.v3.Release> = {};

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:k8s:Addons", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    const storageClass = new k8s.storage.v1.StorageClass(`${name}-${STORAGE_CLASS}`, {
      metadata: { name: STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    }, { ...k8sOpts, dependsOn: args.dependsOn });

    for (const addon of ADDONS) {
      const chart = readChart(addon.folder);
      const namespace = new k8s.core.v1.Namespace(`${name}-${addon.namespace}`, {
        metadata: { name: addon.namespace, labels: { "app.kubernetes.io/part-of": "hostwise", ...addon.namespaceLabels?.(args) } },
      }, k8sOpts);
      const before = (addon.after ?? []).map((folder) => {
        const release = this.releases[folder];
        if (!release) throw new Error(`add-on ${addon.folder} needs ${folder}, which ADDONS lists after it`);
        return release;
      });
      const access = addon.aws ? [this.podIdentity(name, addon, args)] : [];
      const facts = CHART_FACTS[addon.folder]!;
      this.releases[addon.folder] = new k8s.helm.v3.Release(`${name}-${addon.folder}`, {
        name: addon.folder,
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repository },
        namespace: namespace.metadata.name,
        values: deepMerge(deepMerge(chart.values, addon.stackValues?.(args) ?? {}), imageValues(facts, args.imageFor)),
        // A failed install is uninstalled and a failed upgrade rolled back, with what it created: no half-made
        // release blocks the next `pulumi up` (Helm's --atomic --cleanup-on-fail; atomic implies --wait).
        atomic: true,
        cleanupOnFail: true,
        timeout: releaseTimeoutSeconds(facts, args.pullThroughCache),
      }, { ...k8sOpts, dependsOn: [...args.dependsOn, storageClass, ...access, ...before] });
    }
    this.registerOutputs({});
  }

  /** A role the add-on's service account assumes through EKS Pod Identity, with its scoped policy. */
  private podIdentity(name: string, addon: AddonSpec, args: AddonsArgs): aws.eks.PodIdentityAssociation {
    const { serviceAccount, policy } = addon.aws!;
    return podIdentity(`${name}-${addon.folder}`, {
      cluster: args.cluster,
      namespace: addon.namespace,
      serviceAccount,
      description: `${addon.folder} (${addon.namespace}/${serviceAccount})`,
      policy: policy(args),
      policyDescription: `Least-privilege access of ${addon.folder} in ${args.clusterName}`,
      tags: args.tags,
    }, this);
  }
}
