import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Entry, type EntryArgs } from "./entry";
import { ROUTE_NAME, SCALER_ADDRESS, vllmCallers } from "./entry-objects";
import {
  allowEgress, allowInference, chatTemplateConfigMap, CREDENTIALS_SECRET, deploymentAwait, denyAll, INFERENCE_NAMESPACE, inferenceNamespace,
  vllmDeployment, vllmDisruptionBudget, vllmScaledObject, vllmService, vllmServiceAccount,
} from "./inference-objects";
import { appLabels } from "./labels";

/** What the workload needs besides what its entry point does (EntryArgs, whose dependsOn it computes). */
export interface InferenceArgs extends Omit<EntryArgs, "dependsOn"> {
  /** The Hugging Face token (a Pulumi secret), when the stack sets one. */
  readonly huggingFaceToken?: pulumi.Input<string>;
  /** s3://bucket/prefix of the checkpoint when the weights are streamed from the stack's bucket. */
  readonly weightsUri?: pulumi.Input<string>;
  /** The add-on releases: KEDA's CRDs, the load balancer controller and Prometheus must exist first. */
  readonly addons: pulumi.Resource[];
  /** AWS resources the pods need first (image caches, the weights' pod identity). */
  readonly awsDependencies: pulumi.Resource[];
}

/** "30m" from seconds, rounded up to whole minutes (Pulumi's custom timeout format). */
const minutes = (seconds: number) => `${Math.ceil(seconds / 60)}m`;

/**
 * The vLLM workload and its entry point: namespace (restricted Pod Security), credentials, the Deployment
 * the plan describes, a ClusterIP Service only the entry point reaches, the entry point (infra/k8s/entry.ts:
 * the route that wakes vLLM and holds requests, the responder, the gateway on fallback stacks, the optional
 * NLB), NetworkPolicies that deny all other traffic, KEDA autoscaling, and a PodDisruptionBudget on production
 * shapes. Every call needs the API key, generated here and exported as a secret.
 */
export class Inference extends pulumi.ComponentResource {
  readonly endpoint: Entry["endpoint"];
  readonly apiKey: pulumi.Output<string>;
  readonly loadBalancerHostname?: pulumi.Output<string>;

  constructor(name: string, args: InferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:k8s:Inference", name, {}, opts);
    const { spec, plan } = args;
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.addons };

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, inferenceNamespace(spec), k8sOpts);
    const inNamespace = { ...k8sOpts, dependsOn: [...args.addons, namespace] };

    // "sk-": LiteLLM accepts only master keys with that prefix, and the gateway's master key is this key.
    const secret = new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent: this }).result;
    this.apiKey = pulumi.interpolate`sk-${secret}`;
    const credentials = new k8s.core.v1.Secret(`${name}-credentials`, {
      metadata: { name: CREDENTIALS_SECRET, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
      type: "Opaque",
      stringData: {
        "api-key": this.apiKey,
        ...(args.huggingFaceToken ? { "hf-token": args.huggingFaceToken } : {}),
      },
    }, inNamespace);
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-vllm`, vllmServiceAccount(spec), inNamespace);
    const templateObject = chatTemplateConfigMap(spec);
    const chatTemplate = templateObject ? [new k8s.core.v1.ConfigMap(`${name}-chat-template`, templateObject, inNamespace)] : [];

    // Awaited for the plan's cold start (see deploymentAwait); the autoscaling objects do not wait for it.
    const wait = deploymentAwait(spec, plan);
    new k8s.apps.v1.Deployment(`${name}-vllm`, vllmDeployment({ spec, plan }, { image: args.imageFor(spec.inference.image), s3Uri: args.weightsUri }), {
      ...inNamespace,
      dependsOn: [...inNamespace.dependsOn, credentials, serviceAccount, ...chatTemplate, ...args.awsDependencies],
      ...(wait.skip ? {} : { customTimeouts: { create: minutes(wait.createSeconds), update: minutes(wait.updateSeconds) } }),
    });
    new k8s.core.v1.Service(`${name}-vllm`, vllmService(spec), inNamespace);

    const entry = new Entry(name, { ...args, dependsOn: [...inNamespace.dependsOn, credentials] }, { parent: this });
    this.endpoint = entry.endpoint;
    this.loadBalancerHostname = entry.loadBalancerHostname;

    new k8s.networking.v1.NetworkPolicy(`${name}-deny-all`, denyAll(spec), inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-inference`, allowInference(spec, vllmCallers(spec)), inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-egress`, allowEgress(spec, args.vpcCidr), inNamespace);
    // The add-on's scaler reads the route when KEDA asks for the trigger's metric spec: created after it, or
    // KEDA falls back to a CPU metric (KEDA HTTP add-on docs, "autoscale an app").
    new k8s.apiextensions.CustomResource(`${name}-scaledobject`, vllmScaledObject({ spec, plan }, { scalerAddress: SCALER_ADDRESS, interceptorRoute: ROUTE_NAME }), {
      ...inNamespace,
      dependsOn: [...inNamespace.dependsOn, entry.route],
    });
    const pdb = vllmDisruptionBudget(spec, plan);
    if (pdb) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, pdb, inNamespace);

    this.registerOutputs({ endpoint: this.endpoint, loadBalancerHostname: this.loadBalancerHostname });
  }
}
