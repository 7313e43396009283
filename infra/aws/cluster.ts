import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { addonVersion, type EksAddonName } from "../catalog/eks-addons";
import type { ClusterSpec } from "../config/spec";
import { controlPlaneLogGroupName } from "./cluster-names";
import { MANAGED_POLICIES, serviceRole } from "./iam";
import { kubeconfig } from "./kubeconfig";
import { named, type Tags } from "./tags";

export interface ClusterArgs {
  readonly clusterName: string;
  readonly cluster: ClusterSpec;
  readonly region: string;
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** The deployer's own address (/32) for the public allowlist (hostwise:clusterPublicAccessFromDeployer). */
  readonly deployerCidr?: pulumi.Output<string>;
  readonly tags: Tags;
}


/** Control-plane log types: all of them, so audits and authentication failures can be traced. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * The EKS control plane: private API endpoint (public only for an allowlist), secrets encrypted with a KMS key
 * of the stack's own, every control-plane log type in a log group with retention, access entries (API
 * authentication mode), and the networking add-ons every node needs before it can run pods. Pods get AWS
 * credentials through EKS Pod Identity, so no OIDC provider is created.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly eksCluster: aws.eks.Cluster;
  readonly kubeconfig: pulumi.Output<string>;
  readonly podIdentityAgent: aws.eks.Addon;
  /** Pod networking and pod credentials: nodes and the Kubernetes layer wait for both. */
  readonly networkingAddons: aws.eks.Addon[];
  private readonly kubernetesVersion: string;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:aws:Cluster", name, {}, opts);
    const parent = { parent: this };
    const { cluster, tags, clusterName } = args;
    this.kubernetesVersion = cluster.kubernetesVersion;

    const role = serviceRole(`${name}-cluster`, {
      service: "eks.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.eksCluster],
      description: `EKS control plane of ${clusterName}`,
      tags,
    }, this);

    const secretsKey = new aws.kms.Key(`${name}-secrets`, {
      description: `Envelope encryption of Kubernetes secrets in ${clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      tags: named(tags, `${name}-secrets`),
    }, parent);

    // Created before the cluster so the kit owns its retention and tags (EKS would create it untagged, forever).
    // Retained on delete: EKS keeps writing while the cluster is deleted and would re-create the group after
    // Pulumi removed it, and the next `pulumi up` of the stack would fail on ResourceAlreadyExists. Teardown
    // (scripts/teardown/leftovers.ts) deletes it once the cluster is gone.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
      name: controlPlaneLogGroupName(clusterName),
      retentionInDays: cluster.logRetentionDays,
      tags: named(tags, `${name}-control-plane`),
    }, { ...parent, retainOnDelete: true });

    const publicAccessCidrs: pulumi.Input<string>[] = [...cluster.publicAccessCidrs, ...(args.deployerCidr ? [args.deployerCidr] : [])];
    const publicAccess = publicAccessCidrs.length > 0;
    this.eksCluster = new aws.eks.Cluster(`${name}-eks`, {
      name: clusterName,
      version: cluster.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        ...(publicAccess ? { publicAccessCidrs } : {}),
      },
      // Explicit, so the tier the cost estimate prices is the one EKS applies (its default is EXTENDED).
      upgradePolicy: { supportType: cluster.supportType.toUpperCase() },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      tags: named(tags, clusterName),
    }, { ...parent, dependsOn: [logGroup] });
    this.name = this.eksCluster.name;

    // The private endpoint answers through the cluster security group EKS creates, which admits only itself:
    // connected networks (VPN, peered VPCs, in-VPC CI runners) need port 443 opened to them.
    cluster.privateAccessCidrs.forEach((cidr, i) => {
      new aws.vpc.SecurityGroupIngressRule(`${name}-api-${i}`, {
        securityGroupId: this.eksCluster.vpcConfig.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
        description: "Kubernetes API from a connected network (hostwise:clusterPrivateAccessCidrs)",
        tags: named(tags, `${name}-api-${i}`),
      }, parent);
    });

    cluster.adminArns.forEach((principalArn, i) => {
      const entry = new aws.eks.AccessEntry(`${name}-admin-${i}`, {
        clusterName: this.name,
        principalArn,
        type: "STANDARD",
        tags: named(tags, `${name}-admin-${i}`),
      }, parent);
      new aws.eks.AccessPolicyAssociation(`${name}-admin-${i}`, {
        clusterName: this.name,
        principalArn: entry.principalArn,
        policyArn: CLUSTER_ADMIN_POLICY,
        accessScope: { type: "cluster" },
      }, parent);
    });

    // The VPC CNI gets its AWS permissions through its own pod identity instead of every node's role.
    const cniRole = serviceRole(`${name}-vpc-cni`, {
      service: "pods.eks.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.eksCni],
      description: `VPC CNI (aws-node) of ${clusterName}`,
      tags,
    }, this);

    this.podIdentityAgent = this.addon(name, "eks-pod-identity-agent", tags);
    this.addon(name, "kube-proxy", tags);
    const vpcCni = this.addon(name, "vpc-cni", tags, {
      // Enforce Kubernetes NetworkPolicy (the inference namespace denies all ingress but its clients).
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      podIdentityAssociations: [{ roleArn: cniRole.arn, serviceAccount: "aws-node" }],
    }, [this.podIdentityAgent]);
    this.networkingAddons = [vpcCni, this.podIdentityAgent];

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([this.eksCluster.name, this.eksCluster.endpoint, this.eksCluster.certificateAuthority])
        .apply(([n, endpoint, ca]) => kubeconfig(n, endpoint, ca?.data ?? "", args.region, cluster.awsProfile)),
    );
    this.registerOutputs({ name: this.name, kubeconfig: this.kubeconfig });
  }

  /**
   * The add-ons that need running nodes to become healthy (CoreDNS, the EBS CSI driver), created once the
   * node groups exist so `pulumi up` does not wait on add-ons that cannot schedule.
   */
  installNodeAddons(name: string, nodeGroups: pulumi.Resource[], tags: Tags): aws.eks.Addon[] {
    const ebsRole = serviceRole(`${name}-ebs-csi`, {
      service: "pods.eks.amazonaws.com",
      managedPolicyArns: [MANAGED_POLICIES.ebsCsiDriver],
      description: "EBS CSI driver controller (ebs-csi-controller-sa)",
      tags,
    }, this);
    return [
      this.addon(name, "coredns", tags, {}, nodeGroups),
      this.addon(name, "aws-ebs-csi-driver", tags, {
        // Volumes of PersistentVolumeClaims carry the stack's tags: cost allocation, and the leftover scan after
        // a destroy (hostwise smoke) finds one the driver did not delete.
        configurationValues: pulumi.jsonStringify({ controller: { extraVolumeTags: tags } }),
        podIdentityAssociations: [{ roleArn: ebsRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
      }, [...nodeGroups, this.podIdentityAgent]),
    ];
  }

  /**
   * An EKS managed add-on at the version infra/catalog/eks-addons.ts pins for the cluster's Kubernetes version
   * (raising kubernetesVersion then updates it), or EKS's default for that version where the catalog pins none.
   */
  private addon(name: string, addonName: EksAddonName, tags: Tags, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []): aws.eks.Addon {
    const version = addonVersion(this.kubernetesVersion, addonName);
    return new aws.eks.Addon(`${name}-${addonName}`, {
      clusterName: this.name,
      addonName,
      ...(version ? { addonVersion: version } : {}),
      resolveConflictsOnCreate: "OVERWRITE", // adopt the self-managed copy EKS bootstraps
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: named(tags, `${name}-${addonName}`),
      ...extra,
    }, { parent: this, dependsOn });
  }
}
