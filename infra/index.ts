import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, clusterNameFor } from "./aws/cluster";
import { Network } from "./aws/network";
import { NodeGroups } from "./aws/nodegroups";
import { kitTags } from "./aws/tags";
import { ConfigError } from "./config/errors";
import { readPulumiConfig } from "./config/pulumi-config";
import { expiresAt } from "./expiry";
import { resolveStack, type ResolvedStack } from "./resolve";

// The hostwise program: config → sizing → AWS components → outputs. Wiring only: every decision is made in
// infra/config and infra/sizing before the first resource is registered.

function resolve(): ResolvedStack {
  try {
    return resolveStack(readPulumiConfig(), { stack: pulumi.getStack(), now: new Date() });
  } catch (e) {
    // RunError prints the message without a stack trace: the config errors are the whole story.
    if (e instanceof ConfigError) throw new pulumi.RunError(`hostwise: stack "${pulumi.getStack()}" has ${e.message}`);
    throw e;
  }
}

const { spec, plan } = resolve();
const name = spec.stack;
const region = spec.placement.region;
const clusterName = clusterNameFor(pulumi.getProject(), spec.stack);
const tags = kitTags(spec, expiresAt(spec.expiry, new Date()));

const zones = aws.getAvailabilityZonesOutput({
  state: "available",
  filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }], // no Local Zones
}).names;
const network = new Network(name, { network: spec.network, region, zones, tags });
const cluster = new Cluster(name, {
  clusterName,
  cluster: spec.cluster,
  region,
  privateSubnetIds: network.privateSubnetIds,
  tags,
});
const nodeGroups = new NodeGroups(name, {
  clusterName,
  cluster: cluster.name,
  kubernetesVersion: spec.cluster.kubernetesVersion,
  privateSubnetIds: network.privateSubnetIds,
  plan,
  nodes: spec.nodes,
  tags,
});
cluster.installNodeAddons(name, [nodeGroups.system, nodeGroups.gpu], tags);

// The Kubernetes provider every in-cluster resource uses: kubeconfig from the cluster outputs.
const k8sProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true }, { dependsOn: [nodeGroups] });
void k8sProvider;

export const eksClusterName = cluster.name;
/** Secret: `pulumi stack output kubeconfig --show-secrets > kubeconfig.json` (authenticates with `aws eks get-token`). */
export const kubeconfig = cluster.kubeconfig;
export const vpcId = network.vpcId;
export const sizing = {
  modelClass: plan.modelClass,
  model: plan.model.id,
  servedModelName: plan.model.servedModelName,
  instanceType: plan.instanceType,
  tensorParallelSize: plan.tensorParallelSize,
  replicasPerNode: plan.replicasPerNode,
  replicas: plan.replicas,
  nodes: plan.nodes,
  vllmArgs: plan.vllmArgs,
  gpuHourlyUsd: plan.gpuCost.hourlyUsd,
};
