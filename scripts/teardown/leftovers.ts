import { clusterNameFor, controlPlaneLogGroupName } from "../../infra/aws/cluster-names";
import { PROFILE_KEY, REGION_KEY } from "../../infra/config/schema";
import { awsAccount, type AwsAccount } from "../lib/aws-account";

/** The Pulumi project name (Pulumi.yaml), part of every cluster name. */
export const PROJECT = "hostwise";

/** Where a destroyed stack's leftovers are: its region, profile and cluster name. */
export interface StackLocation {
  readonly stack: string;
  readonly region?: string;
  readonly profile?: string;
  readonly clusterName: string;
}

/** From a stack's config (namespaced keys) and outputs: the cluster name is the deployed one when known. */
export function stackLocation(stack: string, config: Readonly<Record<string, string>>, outputs: Readonly<Record<string, unknown>>): StackLocation {
  const deployed = outputs.eksClusterName;
  return {
    stack,
    ...(config[REGION_KEY] ? { region: config[REGION_KEY] } : {}),
    ...(config[PROFILE_KEY] ? { profile: config[PROFILE_KEY] } : {}),
    clusterName: typeof deployed === "string" && deployed !== "" ? deployed : clusterNameFor(PROJECT, stack),
  };
}

export type OpenAccount = (region: string, profile?: string) => AwsAccount;

/**
 * After `pulumi destroy`: deletes the control-plane log group. The program keeps it on delete because EKS
 * writes to it until the cluster is gone (and re-creates it if deleted earlier); left in place, the next
 * `pulumi up` of the same stack fails with ResourceAlreadyExistsException. Returns what it did, for the report.
 */
export async function removeControlPlaneLogGroup(where: StackLocation, open: OpenAccount = awsAccount): Promise<string> {
  const name = controlPlaneLogGroupName(where.clusterName);
  if (!where.region) return `log group ${name} not checked: the stack sets no aws:region`;
  const deleted = await open(where.region, where.profile).deleteLogGroup(name);
  return deleted ? `deleted log group ${name}` : `no log group ${name}`;
}
