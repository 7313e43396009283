import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";
import type { Tags } from "../aws/tags";
import {
  allowInference, CREDENTIALS_SECRET, denyAllIngress, INFERENCE_NAMESPACE, inClusterEndpoint, vllmDeployment,
  tagAnnotation, vllmDisruptionBudget, vllmLoadBalancerService, vllmScaledObject, vllmService,
} from "./inference-objects";
import { appLabels } from "./labels";

export interface InferenceArgs {
  readonly provider: k8s.Provider;
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
  readonly vpcCidr: string;
  /** The Hugging Face token (a Pulumi secret), when the stack sets one. */
  readonly huggingFaceToken?: pulumi.Output<string>;
  /** AWS tags for the load balancer the controller creates. */
  readonly tags: Tags;
  /** The add-on releases: KEDA's CRDs, the load balancer controller and Prometheus must exist first. */
  readonly addons: pulumi.Resource[];
}

/**
 * The vLLM workload: namespace (restricted Pod Security), credentials, the Deployment the plan describes, a
 * ClusterIP Service, an optional internal or allowlisted Network Load Balancer, NetworkPolicies that deny all
 * other ingress, KEDA autoscaling, and a PodDisruptionBudget on production shapes. Every call needs the API
 * key, generated here and exported as a secret.
 */
export class Inference extends pulumi.ComponentResource {
  readonly endpoint: string;
  readonly apiKey: pulumi.Output<string>;
  readonly loadBalancerHostname?: pulumi.Output<string>;

  constructor(name: string, args: InferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:k8s:Inference", name, {}, opts);
    const { spec, plan } = args;
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.addons };

    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: INFERENCE_NAMESPACE,
        labels: { ...appLabels("namespace", spec.stack), "pod-security.kubernetes.io/enforce": "restricted" },
      },
    }, k8sOpts);
    const inNamespace = { ...k8sOpts, dependsOn: [...args.addons, namespace] };

    this.apiKey = new random.RandomPassword(`${name}-api-key`, { length: 48, special: false }, { parent: this }).result;
    const credentials = new k8s.core.v1.Secret(`${name}-credentials`, {
      metadata: { name: CREDENTIALS_SECRET, namespace: INFERENCE_NAMESPACE, labels: appLabels("inference", spec.stack) },
      type: "Opaque",
      stringData: {
        "api-key": this.apiKey,
        ...(args.huggingFaceToken ? { "hf-token": args.huggingFaceToken } : {}),
      },
    }, inNamespace);

    const deployment = vllmDeployment({ spec, plan });
    const vllm = new k8s.apps.v1.Deployment(`${name}-vllm`, deployment, { ...inNamespace, dependsOn: [...inNamespace.dependsOn, credentials] });
    new k8s.core.v1.Service(`${name}-vllm`, vllmService(spec), inNamespace);
    this.endpoint = inClusterEndpoint();

    const resourceTags = (pulumi.output(args.tags) as pulumi.Output<Record<string, string>>).apply(tagAnnotation);
    const nlb = vllmLoadBalancerService(spec, args.vpcCidr, resourceTags);
    if (nlb) {
      const service = new k8s.core.v1.Service(`${name}-vllm-nlb`, nlb, inNamespace);
      this.loadBalancerHostname = service.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname ?? "");
    }

    new k8s.networking.v1.NetworkPolicy(`${name}-deny-ingress`, denyAllIngress(spec), inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-inference`, allowInference(spec, args.vpcCidr), inNamespace);
    new k8s.apiextensions.CustomResource(`${name}-scaledobject`, vllmScaledObject({ spec, plan }), { ...inNamespace, dependsOn: [...inNamespace.dependsOn, vllm] });
    const pdb = vllmDisruptionBudget(spec);
    if (pdb) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, pdb, inNamespace);

    this.registerOutputs({ endpoint: this.endpoint, loadBalancerHostname: this.loadBalancerHostname });
  }
}
