import { controlPlaneLogGroupName } from "../../infra/aws/cluster-names";
import type { AwsAccount } from "../lib/aws-account";

/** Something a destroyed stack left in the account. */
export interface Leftover {
  /** How it was found. */
  readonly kind: "tagged" | "load balancer controller" | "network interface" | "volume" | "log group";
  /** ARN, id or name. */
  readonly id: string;
}

/**
 * Everything of a stack still in the account: resources with its tags (Resource Groups Tagging API), what the
 * load balancer controller tagged for its cluster (load balancers, target groups, security groups), network
 * interfaces of the cluster, PersistentVolumeClaim volumes, and the control-plane log group. One id is listed
 * once, under the first way it was found.
 */
export async function scanLeftovers(account: AwsAccount, stack: string, clusterName: string): Promise<Leftover[]> {
  const found: Leftover[] = [];
  const add = (kind: Leftover["kind"], ids: readonly string[]) => {
    for (const id of ids) if (!found.some((f) => f.id === id || f.id.endsWith(`/${id}`))) found.push({ kind, id });
  };
  add("tagged", await account.taggedResources({ stack, "managed-by": "hostwise" }));
  add("load balancer controller", await account.taggedResources({ "elbv2.k8s.aws/cluster": clusterName }));
  add("volume", await account.claimVolumes(stack));
  add("network interface", await account.clusterNetworkInterfaces(clusterName));
  const logGroup = controlPlaneLogGroupName(clusterName);
  add("log group", (await account.logGroups(logGroup)).filter((name) => name === logGroup));
  return found;
}
