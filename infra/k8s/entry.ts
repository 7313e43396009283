import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GATEWAY_IMAGE, RESPONDER_IMAGE } from "../catalog/entry-components";
import type { StackSpec } from "../config/spec";
import type { SizingPlan } from "../sizing/choose";
import { podIdentity } from "../aws/iam";
import type { Tags } from "../aws/tags";
import {
  allowEntry, allowGateway, allowResponder, bedrockInvokePolicy, entryEndpoint, entryLoadBalancerService, GATEWAY_CREDENTIALS, GATEWAY_NAME,
  gatewayConfigMap, gatewayDeployment, gatewayDisruptionBudget, gatewayEgress, gatewayService, gatewayServiceAccount, interceptorRoute,
  responderConfigMap, responderDeployment, responderService, tagAnnotation, type LoadBalancerSubnets,
} from "./entry-objects";
import { INFERENCE_NAMESPACE } from "./inference-objects";
import { appLabels } from "./labels";

export interface EntryArgs {
  readonly provider: k8s.Provider;
  readonly spec: StackSpec;
  readonly plan: SizingPlan;
  /** The EKS cluster's name (Pod Identity associations). */
  readonly cluster: pulumi.Input<string>;
  readonly vpcCidr: string;
  /** The subnets an NLB sits in (public for internet-facing, the load balancer's own for internal). */
  readonly loadBalancerSubnets: LoadBalancerSubnets;
  /** The fallback API's key (a Pulumi secret), for providers that take one. */
  readonly fallbackApiKey?: pulumi.Input<string>;
  /** The reference each upstream image is pulled as (the ECR cache with egress none). */
  readonly imageFor: (upstream: string) => pulumi.Input<string>;
  /** AWS tags of what gets created in AWS: the NLB (through the controller), the gateway's role. */
  readonly tags: Tags;
  /** What the objects need first: the add-on releases (the route's CRD, the interceptor), the namespace, the credentials. */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * The stack's entry point: the InterceptorRoute the KEDA HTTP add-on serves, the responder behind it, the
 * LiteLLM gateway when the stack has a fallback API (with Bedrock access through EKS Pod Identity for
 * bedrock/* fallbacks), their NetworkPolicies and the optional Network Load Balancer in front of the
 * interceptor. See entry-objects.ts for what each object does.
 */
export class Entry extends pulumi.ComponentResource {
  readonly route: k8s.apiextensions.CustomResource;
  readonly endpoint = entryEndpoint();
  readonly loadBalancerHostname?: pulumi.Output<string>;

  constructor(name: string, args: EntryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hostwise:k8s:Entry", name, {}, opts);
    const { spec, plan } = args;
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn };

    const responderConfig = new k8s.core.v1.ConfigMap(`${name}-unavailable`, responderConfigMap(spec), k8sOpts);
    new k8s.apps.v1.Deployment(`${name}-unavailable`, responderDeployment(spec, args.imageFor(RESPONDER_IMAGE.image)), {
      ...k8sOpts,
      dependsOn: [...args.dependsOn, responderConfig],
    });
    const responder = new k8s.core.v1.Service(`${name}-unavailable`, responderService(spec), k8sOpts);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-unavailable`, allowResponder(spec), k8sOpts);

    const gateway = spec.entry.fallback ? this.gateway(name, args, k8sOpts) : [];
    this.route = new k8s.apiextensions.CustomResource(`${name}-route`, interceptorRoute(spec, plan), {
      ...k8sOpts,
      dependsOn: [...args.dependsOn, responder, ...gateway],
    });

    new k8s.networking.v1.NetworkPolicy(`${name}-allow-entry`, allowEntry(spec, args.loadBalancerSubnets.cidrs), k8sOpts);
    const resourceTags = (pulumi.output(args.tags) as pulumi.Output<Record<string, string>>).apply(tagAnnotation);
    const subnetIds = pulumi.all([...args.loadBalancerSubnets.ids]).apply((ids) => ids.join(","));
    const nlb = entryLoadBalancerService(spec, args.vpcCidr, subnetIds, resourceTags);
    if (nlb) {
      const service = new k8s.core.v1.Service(`${name}-entry-nlb`, nlb, k8sOpts);
      this.loadBalancerHostname = service.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname ?? "");
    }
    this.registerOutputs({ endpoint: this.endpoint, loadBalancerHostname: this.loadBalancerHostname });
  }

  /** The LiteLLM gateway's objects; returns what the route waits for. */
  private gateway(name: string, args: EntryArgs, k8sOpts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn: pulumi.Resource[] }): pulumi.Resource[] {
    const { spec } = args;
    const fallback = spec.entry.fallback!;
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-gateway`, gatewayServiceAccount(spec), k8sOpts);
    const config = new k8s.core.v1.ConfigMap(`${name}-gateway`, gatewayConfigMap(spec)!, k8sOpts);
    const needs: pulumi.Resource[] = [serviceAccount, config];
    if (fallback.auth === "api-key") {
      if (!args.fallbackApiKey) throw new Error("the fallback API needs hostwise:fallbackApiKey (config validation should have said so)");
      needs.push(new k8s.core.v1.Secret(`${name}-gateway-credentials`, {
        metadata: { name: GATEWAY_CREDENTIALS, namespace: INFERENCE_NAMESPACE, labels: appLabels("entry", spec.stack, GATEWAY_NAME) },
        type: "Opaque",
        stringData: { "fallback-api-key": args.fallbackApiKey },
      }, k8sOpts));
    } else {
      needs.push(this.bedrockAccess(name, args));
    }
    const deployment = new k8s.apps.v1.Deployment(`${name}-gateway`, gatewayDeployment(spec, args.imageFor(GATEWAY_IMAGE.image))!, {
      ...k8sOpts,
      dependsOn: [...k8sOpts.dependsOn, ...needs],
    });
    const service = new k8s.core.v1.Service(`${name}-gateway`, gatewayService(spec)!, k8sOpts);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-gateway`, allowGateway(spec)!, k8sOpts);
    new k8s.networking.v1.NetworkPolicy(`${name}-gateway-egress`, gatewayEgress(spec, args.vpcCidr)!, k8sOpts);
    const pdb = gatewayDisruptionBudget(spec);
    if (pdb) new k8s.policy.v1.PodDisruptionBudget(`${name}-gateway`, pdb, k8sOpts);
    return [deployment, service];
  }

  /** Bedrock through the gateway's service account: a role with InvokeModel on the fallback's profile only. */
  private bedrockAccess(name: string, args: EntryArgs): aws.eks.PodIdentityAssociation {
    const fallback = args.spec.entry.fallback!;
    return podIdentity(`${name}-gateway`, {
      cluster: args.cluster,
      namespace: INFERENCE_NAMESPACE,
      serviceAccount: GATEWAY_NAME,
      description: `LiteLLM gateway (${INFERENCE_NAMESPACE}/${GATEWAY_NAME}) calls ${fallback.api}`,
      policy: bedrockInvokePolicy(fallback.litellmModel, args.spec.placement.region),
      policyDescription: `Invoke ${fallback.litellmModel} on Bedrock`,
      tags: args.tags,
    }, this);
  }
}
