/**
 * The app.kubernetes.io labels every hostwise Kubernetes object carries. `app` names the workload the object
 * belongs to: vLLM, or one of the entry point's own (the gateway, the unavailable responder).
 */
export function appLabels(component: string, stack: string, app = "vllm"): Record<string, string> {
  return {
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/instance": stack,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "hostwise",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The labels a selector matches on: stable across upgrades (no version, no component churn). */
export function selectorLabels(stack: string, app = "vllm"): Record<string, string> {
  return { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": stack };
}
