/** The app.kubernetes.io labels every hostwise Kubernetes object carries. */
export function appLabels(component: string, stack: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "vllm",
    "app.kubernetes.io/instance": stack,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "hostwise",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The labels a selector matches on: stable across upgrades (no version, no component churn). */
export function selectorLabels(stack: string): Record<string, string> {
  return { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": stack };
}
