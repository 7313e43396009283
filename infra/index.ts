import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/errors";
import { readPulumiConfig } from "./config/pulumi-config";
import { resolveStack, type ResolvedStack } from "./resolve";

// The hostwise program: config → sizing → (AWS and Kubernetes components) → outputs. Wiring only.

function resolve(): ResolvedStack {
  try {
    return resolveStack(readPulumiConfig(), { stack: pulumi.getStack(), now: new Date() });
  } catch (e) {
    // RunError prints the message without a stack trace: the config errors are the whole story.
    if (e instanceof ConfigError) throw new pulumi.RunError(`hostwise: stack "${pulumi.getStack()}" has ${e.message}`);
    throw e;
  }
}

const { plan } = resolve();

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
