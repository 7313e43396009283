import type { Registered } from "./evaluate-program";

/** What `pulumi up` would create, grouped for people: AWS resources by type, Helm releases, Kubernetes objects. */
export interface ResourceInventory {
  readonly total: number;
  readonly awsByType: Record<string, number>;
  readonly helmReleases: ReadonlyArray<{ name: string; chart: string; version: string; namespace: string }>;
  readonly kubernetesObjects: ReadonlyArray<{ kind: string; namespace?: string; name: string }>;
}

/** "aws:ec2/natGateway:NatGateway" → "ec2 NatGateway". */
export function shortType(type: string): string {
  const [pkg, module, kind] = type.split(":");
  return pkg === "aws" ? `${module?.split("/")[0]} ${kind}` : `${pkg} ${kind}`;
}

export function summarizeResources(resources: readonly Registered[]): ResourceInventory {
  const custom = resources.filter((r) => !r.type.startsWith("hostwise:") && !r.type.startsWith("pulumi:"));
  const awsByType: Record<string, number> = {};
  for (const r of custom.filter((r) => r.type.startsWith("aws:"))) awsByType[shortType(r.type)] = (awsByType[shortType(r.type)] ?? 0) + 1;
  const helmReleases = custom
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => ({ name: r.inputs.name, chart: r.inputs.chart, version: r.inputs.version, namespace: r.inputs.namespace }));
  const kubernetesObjects = custom
    .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => ({ kind: r.inputs.kind ?? r.type.split(":")[2], namespace: r.inputs.metadata?.namespace, name: r.inputs.metadata?.name ?? r.name }));
  return { total: custom.length, awsByType, helmReleases, kubernetesObjects };
}

export function renderInventory(i: ResourceInventory): string[] {
  const aws = Object.entries(i.awsByType).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} ×${n}`);
  return [
    `Resources \`pulumi up\` would create (${i.total}; evaluated from the Pulumi program under mocks)`,
    `  AWS          ${aws.join(", ")}`,
    `  Helm         ${i.helmReleases.map((r) => `${r.chart} ${r.version} (${r.namespace})`).join(", ")}`,
    `  Kubernetes   ${i.kubernetesObjects.map((o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`).join(", ")}`,
  ];
}
