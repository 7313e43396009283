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
