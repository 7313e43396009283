import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { trustPolicy } from "../aws/iam";
import { named, type Tags } from "../aws/tags";
import { clusterAutoscalerPolicy, loadBalancerControllerPolicy } from "./addon-iam";
import { readChart } from "./charts";

export interface AddonsArgs {
  readonly provider: k8s.Provider;
  readonly clusterName: string;
  readonly cluster: pulumi.Output<string>;
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  /** What the add-ons need running first: the EBS CSI driver (volumes) and the Pod Identity agent. */
  readonly dependsOn: pulumi.Resource[];
  readonly tags: Tags;
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
}

export const ADDONS: readonly AddonSpec[] = [
  { folder: "nvidia-device-plugin", namespace: "nvidia-device-plugin" },
  { folder: "keda", namespace: "keda" },
  { folder: "prometheus", namespace: "monitoring" },
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
    aws: { serviceAccount: "aws-load-balancer-controller", policy: () => loadBalancerControllerPolicy() },
  },
];

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
        metadata: { name: addon.namespace, labels: { "app.kubernetes.io/part-of": "hostwise" } },
      }, k8sOpts);
      const access = addon.aws ? [this.podIdentity(name, addon, args)] : [];
      this.releases[addon.folder] = new k8s.helm.v3.Release(`${name}-${addon.folder}`, {
        name: addon.folder,
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repository },
        namespace: namespace.metadata.name,
        values: { ...chart.values, ...(addon.stackValues?.(args) ?? {}) },
        timeout: 900,
      }, { ...k8sOpts, dependsOn: [...args.dependsOn, storageClass, ...access] });
    }
    this.registerOutputs({});
  }

  /** A role the add-on's service account assumes through EKS Pod Identity, with its scoped policy. */
  private podIdentity(name: string, addon: AddonSpec, args: AddonsArgs): aws.eks.PodIdentityAssociation {
    const parent = { parent: this };
    const id = `${name}-${addon.folder}`;
    const role = new aws.iam.Role(id, {
      assumeRolePolicy: trustPolicy("pods.eks.amazonaws.com"),
      description: `${addon.folder} (${addon.namespace}/${addon.aws!.serviceAccount})`,
      tags: named(args.tags, id),
    }, parent);
    const policy = new aws.iam.Policy(id, {
      description: `Least-privilege access of ${addon.folder} in ${args.clusterName}`,
      policy: addon.aws!.policy(args),
      tags: named(args.tags, id),
    }, parent);
    new aws.iam.RolePolicyAttachment(id, { role: role.name, policyArn: policy.arn }, parent);
    return new aws.eks.PodIdentityAssociation(id, {
      clusterName: args.cluster,
      namespace: addon.namespace,
      serviceAccount: addon.aws!.serviceAccount,
      roleArn: role.arn,
      tags: named(args.tags, id),
    }, parent);
  }
}
