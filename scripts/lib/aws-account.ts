// What the CLI asks AWS directly (not through Pulumi): finding what a stack left behind, and removing the
// control-plane log group EKS re-creates during a delete. Behind an interface so teardown and smoke are
// tested with a fake; the real one uses the AWS SDK for JavaScript v3 with the stack's region and profile.

export interface AwsAccount {
  readonly region: string;
  /** ARNs of resources carrying every one of these tags (Resource Groups Tagging API, GetResources). */
  taggedResources(tags: Readonly<Record<string, string>>): Promise<string[]>;
  /** Network interfaces EKS (description "Amazon EKS <cluster>") or the VPC CNI (its cluster tag) made for a cluster. */
  clusterNetworkInterfaces(clusterName: string): Promise<string[]>;
  /** EBS volumes of PersistentVolumeClaims that carry the stack's tag (the EBS CSI add-on adds it). */
  claimVolumes(stack: string): Promise<string[]>;
  /** Log group names starting with a prefix. */
  logGroups(prefix: string): Promise<string[]>;
  /** Deletes a log group; false when there was none. */
  deleteLogGroup(name: string): Promise<boolean>;
}

/** The real account: AWS SDK v3 clients, loaded on first use (the CLI starts without them). */
export function awsAccount(region: string, profile?: string): AwsAccount {
  const credentials = profile ? { profile } : {};
  const config = { region, ...credentials };
  const sdk = {
    tagging: () => require("@aws-sdk/client-resource-groups-tagging-api") as typeof import("@aws-sdk/client-resource-groups-tagging-api"),
    ec2: () => require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2"),
    logs: () => require("@aws-sdk/client-cloudwatch-logs") as typeof import("@aws-sdk/client-cloudwatch-logs"),
  };
  return {
    region,
    taggedResources: async (tags) => {
      const { ResourceGroupsTaggingAPIClient, paginateGetResources } = sdk.tagging();
      const client = new ResourceGroupsTaggingAPIClient(config);
      const arns: string[] = [];
      const TagFilters = Object.entries(tags).map(([Key, value]) => ({ Key, Values: [value] }));
      for await (const page of paginateGetResources({ client }, { TagFilters })) {
        for (const r of page.ResourceTagMappingList ?? []) if (r.ResourceARN) arns.push(r.ResourceARN);
      }
      return arns;
    },
    clusterNetworkInterfaces: async (clusterName) => {
      const { EC2Client, paginateDescribeNetworkInterfaces } = sdk.ec2();
      const client = new EC2Client(config);
      const ids = new Set<string>();
      for (const Filters of [
        [{ Name: "description", Values: [`Amazon EKS ${clusterName}`] }],
        [{ Name: "tag:cluster.k8s.amazonaws.com/name", Values: [clusterName] }],
      ]) {
        for await (const page of paginateDescribeNetworkInterfaces({ client }, { Filters })) {
          for (const eni of page.NetworkInterfaces ?? []) if (eni.NetworkInterfaceId) ids.add(eni.NetworkInterfaceId);
        }
      }
      return [...ids];
    },
    claimVolumes: async (stack) => {
      const { EC2Client, paginateDescribeVolumes } = sdk.ec2();
      const client = new EC2Client(config);
      const ids: string[] = [];
      const Filters = [{ Name: "tag:stack", Values: [stack] }, { Name: "tag-key", Values: ["kubernetes.io/created-for/pvc/name"] }];
      for await (const page of paginateDescribeVolumes({ client }, { Filters })) {
        for (const v of page.Volumes ?? []) if (v.VolumeId) ids.push(v.VolumeId);
      }
      return ids;
    },
    logGroups: async (prefix) => {
      const { CloudWatchLogsClient, paginateDescribeLogGroups } = sdk.logs();
      const client = new CloudWatchLogsClient(config);
      const names: string[] = [];
      for await (const page of paginateDescribeLogGroups({ client }, { logGroupNamePrefix: prefix })) {
        for (const g of page.logGroups ?? []) if (g.logGroupName) names.push(g.logGroupName);
      }
      return names;
    },
    deleteLogGroup: async (name) => {
      const { CloudWatchLogsClient, DeleteLogGroupCommand, ResourceNotFoundException } = sdk.logs();
      try {
        await new CloudWatchLogsClient(config).send(new DeleteLogGroupCommand({ logGroupName: name }));
        return true;
      } catch (e) {
        if (e instanceof ResourceNotFoundException) return false;
        throw e;
      }
    },
  };
}
