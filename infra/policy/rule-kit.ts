import { findInstanceType } from "../catalog/instances";
import type { ResourceView, StackResourceView } from "../resource-view";

// What every rule file shares: the two rule shapes, the type tokens rules look for, and the small readers
// of resource inputs (lists that may be one value, JSON documents, durations, pod specs).

export type { ResourceView, StackResourceView } from "../resource-view";

export interface Rule {
  readonly name: string;
  readonly description: string;
  /** Violation messages; empty when the resource complies or the rule does not apply to it. */
  check(resource: ResourceView): string[];
}

/**
 * A guardrail over the whole evaluated program: for constraints between resources (what waits for what, a
 * timeout against a budget another resource implies). Violation messages name the resource they are about.
 */
export interface StackRule {
  readonly name: string;
  readonly description: string;
  check(resources: readonly StackResourceView[]): string[];
}

/** Pulumi type tokens the rules read. */
export const T = {
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  addon: "aws:eks/addon:Addon",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  route: "aws:ec2/route:Route",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  k8sProvider: "pulumi:providers:kubernetes",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  namespace: "kubernetes:core/v1:Namespace",
  release: "kubernetes:helm.sh/v3:Release",
  scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  interceptorRoute: "kubernetes:http.keda.sh/v1beta1:InterceptorRoute",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  disruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
} as const;

/** An input that may be a list, one value or absent, as a list. */
export const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A JSON document input (IAM policies arrive as strings); undefined when it does not parse. */
export function parseJson(v: unknown): any {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

export const ofType = (rs: readonly StackResourceView[], type: string) => rs.filter((r) => r.type === type);

/** "20m", "1h30m", "2400s" (Go durations, Pulumi's timeout strings, the policy pack's seconds) → seconds. */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text !== "string" || text === "") return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[unit as "h" | "m" | "s"], 0);
}

// ---- Kubernetes objects -------------------------------------------------------------------------------------

export const namespaceOf = (r: ResourceView): string | undefined => r.props.metadata?.namespace;
export const annotations = (r: ResourceView): Record<string, string> => r.props.metadata?.annotations ?? {};
export const podSpec = (d: ResourceView): Record<string, any> => d.props.spec?.template?.spec ?? {};

/** Whether a label selector's matchLabels all hold in `labels`. */
export const selects = (selector: Record<string, any> | undefined, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** The ScaledObject scaling a Deployment (same namespace, scaleTargetRef name). */
export function scaledObjectFor(resources: readonly StackResourceView[], d: ResourceView): StackResourceView | undefined {
  return ofType(resources, T.scaledObject).find((s) => s.props.spec?.scaleTargetRef?.name === d.props.metadata?.name && namespaceOf(s) === namespaceOf(d));
}

/** The Deployment a ScaledObject scales. */
export function scaleTargetOf(resources: readonly StackResourceView[], so: ResourceView): StackResourceView | undefined {
  return ofType(resources, T.deployment).find((d) => d.props.metadata?.name === so.props.spec?.scaleTargetRef?.name && namespaceOf(d) === namespaceOf(so));
}

// ---- AWS resources ------------------------------------------------------------------------------------------

/** A node group runs GPUs when its AMI is an NVIDIA one or its instance types carry GPUs. */
export function isGpuNodeGroup(r: ResourceView): boolean {
  return r.type === T.nodeGroup &&
    (String(r.props.amiType ?? "").includes("NVIDIA") || list(r.props.instanceTypes).some((t) => (findInstanceType(t)?.gpuCount ?? 0) > 0));
}
