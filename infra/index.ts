import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Artifacts } from "./aws/artifacts";
import { Cluster } from "./aws/cluster";
import { clusterNameFor } from "./aws/cluster-names";
import { deployerCidr } from "./aws/deployer-address";
import { fitAwsNames } from "./aws/names";
import { Network } from "./aws/network";
import { NodeGroups } from "./aws/nodegroups";
import { kitTags } from "./aws/tags";
import { usableZones } from "./aws/zones";
import { ConfigError } from "./config/errors";
import { readPulumiConfig, secretConfig } from "./config/pulumi-config";
import { collectResourcesForPricing } from "./cost/collect";
import { estimateCost } from "./cost/estimate";
import { expiryTimes } from "./expiry";
import { Addons } from "./k8s/addons";
import { Inference } from "./k8s/inference";
import { INFERENCE_NAMESPACE } from "./k8s/inference-objects";
import { prometheusStorage } from "./k8s/prometheus-values";
import { resolveStack, type ResolvedStack } from "./resolve";

// The hostwise program: config → sizing → AWS components → Kubernetes add-ons and workload → outputs.
// Wiring only: every decision is made in infra/config and infra/sizing before the first resource exists.

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
const pricedResources = collectResourcesForPricing(); // before any resource is registered
// Long stack names would push autonamed IAM roles, node groups … past AWS's name limits: fit those names.
pulumi.runtime.registerStackTransformation(fitAwsNames);
const name = spec.stack;
const region = spec.placement.region;
const clusterName = clusterNameFor(pulumi.getProject(), spec.stack);
const expiry = expiryTimes(spec.expiry, new Date());
const tags = kitTags(spec, expiry?.expiresAt);
const metricsStorage = prometheusStorage(spec, plan);

// Zones where the plan's GPU type and the system type are offered.
const nodeInstanceTypes = [plan.instanceType, spec.nodes.systemInstanceType];
const zones = spec.network.existingVpc ? [] : usableZones(region, nodeInstanceTypes, spec.network.availabilityZoneCount);
const network = new Network(name, {
  network: spec.network, region, zones, instanceTypes: nodeInstanceTypes, internalLoadBalancer: spec.inference.loadBalancer === "internal", tags,
});
const cluster = new Cluster(name, {
  clusterName,
  cluster: spec.cluster,
  region,
  privateSubnetIds: network.privateSubnetIds,
  ...(spec.cluster.publicAccessFromDeployer ? { deployerCidr: deployerCidr() } : {}),
  tags,
});
const nodeGroups = new NodeGroups(name, {
  clusterName,
  cluster: cluster.name,
  kubernetesVersion: spec.cluster.kubernetesVersion,
  privateSubnetIds: network.privateSubnetIds,
  plan,
  nodes: spec.nodes,
  prices: spec.pricing.prices,
  // Nodes join with pod networking and credentials, and the way out of their subnets outlives them.
  dependsOn: [...cluster.networkingAddons, ...network.egress],
  tags,
});
const nodeAddons = cluster.installNodeAddons(name, [nodeGroups.system, nodeGroups.gpu], tags);
// Image caches (egress none) and the weights bucket (weightsSource s3): what the pods pull besides EKS's own.
const artifacts = new Artifacts(name, {
  spec,
  clusterName,
  cluster: cluster.name,
  nodeRoleArn: nodeGroups.gpu.nodeRoleArn,
  namespace: INFERENCE_NAMESPACE,
  tags,
});

// Kubernetes: the provider from the cluster outputs, the pinned add-ons, then the vLLM workload. Each layer
// depends on the one before, so `pulumi destroy` removes the load balancer and volumes while their
// controllers still run, and the add-ons before the nodes and the cluster.
const k8sProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true }, { dependsOn: [nodeGroups, ...cluster.networkingAddons] });
const addons = new Addons(name, {
  provider: k8sProvider,
  spec,
  clusterName,
  cluster: cluster.name,
  region,
  vpcId: network.vpcId,
  dependsOn: [...nodeAddons, cluster.podIdentityAgent, ...artifacts.ready],
  tags,
  imageFor: (upstream) => artifacts.imageFor(upstream),
  pullThroughCache: spec.network.egress === "none",
  metricsStorage,
});
const weightsUri = artifacts.weightsBucket ? pulumi.interpolate`s3://${artifacts.weightsBucket.bucket}/${spec.inference.weightsPrefix}` : undefined;
const inference = new Inference(name, {
  provider: k8sProvider,
  spec,
  plan,
  cluster: cluster.name,
  vpcCidr: network.vpcCidr,
  // The NLB's subnets: the public ones for internet-facing, the load balancer's own for internal.
  loadBalancerSubnets: spec.inference.loadBalancer === "internet-facing"
    ? { ids: network.publicSubnetIds, cidrs: network.publicSubnetCidrs }
    : { ids: network.loadBalancerSubnetIds, cidrs: network.loadBalancerSubnetCidrs },
  huggingFaceToken: spec.inference.huggingFaceTokenSet && spec.inference.weightsSource === "huggingface" ? secretConfig("huggingFaceToken") : undefined,
  fallbackApiKey: spec.entry.fallback?.auth === "api-key" ? secretConfig("fallbackApiKey") : undefined,
  imageFor: (upstream) => artifacts.imageFor(upstream),
  weightsUri,
  tags,
  addons: Object.values(addons.releases),
  awsDependencies: artifacts.ready,
});

export const eksClusterName = cluster.name;
/**
 * What `hostwise teardown` reads as the deployed state: whether this is a trial stack, when it expires (ISO
 * time, resolved at deploy) and, for an expiry given as a duration, when the stack was created.
 */
export const lifecycle = { trial: spec.trial, ...(expiry ? { expiresAt: expiry.expiresAt, ...(expiry.createdAt ? { createdAt: expiry.createdAt } : {}) } : {}) };
/** Secret: `pulumi stack output kubeconfig --show-secrets > kubeconfig.json` (authenticates with `aws eks get-token`). */
export const kubeconfig = cluster.kubeconfig;
export const vpcId = network.vpcId;
/** The bucket vLLM streams the weights from (weightsSource s3): copy the checkpoint under weightsPrefix. */
export const weights = artifacts.weightsBucket
  ? { source: "s3", bucket: artifacts.weightsBucket.bucket, prefix: spec.inference.weightsPrefix, uri: weightsUri }
  : { source: "huggingface", checkpoint: plan.model.checkpoint };
/**
 * How to reach the model: the entry point's in-cluster OpenAI base URL and its Service (namespace, name,
 * port: what `hostwise canary --stack` forwards to), the NLB hostname when there is one, the model name, and
 * the fallback API when the stack has one.
 */
export const inferenceEndpoint = {
  ...inference.endpoint,
  servedModelName: plan.model.servedModelName,
  ...(inference.loadBalancerHostname ? { loadBalancerHostname: inference.loadBalancerHostname } : {}),
  ...(spec.entry.fallback ? { fallbackApi: spec.entry.fallback.api } : {}),
};
/** Secret: every call needs it as `Authorization: Bearer <key>`. */
export const apiKey = pulumi.secret(inference.apiKey);
/** The cost estimate (infra/cost): totals at min/expected/max, breakdown, $ per 1M tokens, API comparison. */
export const cost = pricedResources().apply((resources) => estimateCost(spec, plan, resources, new Date()));
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
  /** Prometheus keeps metricsRetentionDays of metrics (the window `hostwise report` can cover) on a volume sized for them. */
  metricsStorage: { retentionDays: metricsStorage.retentionDays, volumeGiB: metricsStorage.volumeGiB, seriesAtLargestFleet: metricsStorage.series.total },
};
