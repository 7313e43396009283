import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { named, type Tags } from "./tags";

/**
 * AWS managed policies hostwise attaches, each only where EKS requires it. The kit writes no policy of its
 * own with "*" actions on "*" resources.
 */
export const MANAGED_POLICIES = {
  eksCluster: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
  eksWorkerNode: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  // Pull-only (no ecr:ListImages/DescribeRepositories) is the narrowest ECR policy a node needs.
  ecrPullOnly: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
  // Held by the VPC CNI's own pod identity, not by every node.
  eksCni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ebsCsiDriver: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
} as const;

/** A trust policy that lets one AWS service assume the role (pods.eks.amazonaws.com also needs TagSession). */
export function trustPolicy(service: "eks.amazonaws.com" | "ec2.amazonaws.com" | "pods.eks.amazonaws.com"): string {
  const actions = service === "ec2.amazonaws.com" ? ["sts:AssumeRole"] : ["sts:AssumeRole", "sts:TagSession"];
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  });
}

export interface RoleArgs {
  readonly service: Parameters<typeof trustPolicy>[0];
  readonly managedPolicyArns: readonly string[];
  readonly description: string;
  readonly tags: Tags;
}

/** A role with a service trust policy and managed policies attached, parented to a component. */
export function serviceRole(name: string, args: RoleArgs, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: trustPolicy(args.service),
    description: args.description,
    tags: named(args.tags, name),
  }, { parent });
  args.managedPolicyArns.forEach((policyArn, i) => {
    new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn }, { parent });
  });
  return role;
}

export interface PodIdentityArgs {
  /** The EKS cluster's name (an output, so the association waits for the cluster). */
  readonly cluster: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** The role's description (IAM: printable ASCII and Latin-1, 1000 characters). */
  readonly description: string;
  /** The policy document, scoped to what the workload calls, and its description. */
  readonly policy: pulumi.Input<string>;
  readonly policyDescription: string;
  readonly tags: Tags;
}

/**
 * AWS access for one Kubernetes service account through EKS Pod Identity: a role only pods can assume, a
 * policy of its own attached to it, and the association (role, policy, attachment and association share the
 * logical name `id`).
 */
export function podIdentity(id: string, args: PodIdentityArgs, parent: pulumi.Resource): aws.eks.PodIdentityAssociation {
  const role = new aws.iam.Role(id, {
    assumeRolePolicy: trustPolicy("pods.eks.amazonaws.com"),
    description: args.description,
    tags: named(args.tags, id),
  }, { parent });
  const policy = new aws.iam.Policy(id, { description: args.policyDescription, policy: args.policy, tags: named(args.tags, id) }, { parent });
  new aws.iam.RolePolicyAttachment(id, { role: role.name, policyArn: policy.arn }, { parent });
  return new aws.eks.PodIdentityAssociation(id, {
    clusterName: args.cluster,
    namespace: args.namespace,
    serviceAccount: args.serviceAccount,
    roleArn: role.arn,
    tags: named(args.tags, id),
  }, { parent });
}
