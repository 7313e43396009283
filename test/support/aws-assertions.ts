import { expect } from "vitest";
import { RULES, STACK_RULES } from "../../infra/policy/rules";
import { stackView } from "../../scripts/lib/evaluate-program";
import { REQUIRED_TAG_KEYS } from "../../infra/aws/tags";
import { UNTAGGABLE_TYPES } from "../../infra/policy/rules";
import { ofType, one, type Registered } from "./program";

/** Every policy rule passes on every registered resource, and every stack rule on the whole program. */
export function expectPoliciesPass(resources: readonly Registered[]): void {
  const violations = resources.flatMap((r) =>
    RULES.flatMap((rule) => rule.check({ type: r.type, name: r.name, props: r.inputs, opts: r.opts }).map((m) => `${rule.name}: ${r.type} ${r.name}: ${m}`)),
  );
  const view = stackView(resources);
  const stackViolations = STACK_RULES.flatMap((rule) => rule.check(view).map((m) => `${rule.name}: ${m}`));
  expect([...violations, ...stackViolations]).toEqual([]);
}

/** Every taggable AWS resource carries every required tag (and expires-at where given). */
export function expectTagged(resources: readonly Registered[], extraKeys: readonly string[] = []): void {
  const taggable = resources.filter((r) => r.type.startsWith("aws:") && !UNTAGGABLE_TYPES.has(r.type));
  expect(taggable.length).toBeGreaterThan(10);
  for (const r of taggable) {
    for (const key of [...REQUIRED_TAG_KEYS, ...extraKeys]) expect(r.inputs.tags?.[key], `${r.type} ${r.name} tag ${key}`).toBeTruthy();
  }
}

/** Resource counts by type: the reviewer's view of what `pulumi up` would create. */
export function countByType(resources: readonly Registered[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of [...resources].sort((a, b) => a.type.localeCompare(b.type))) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** The GPU node group and its launch template match the sizing plan. */
export function expectGpuNodesMatchPlan(resources: readonly Registered[], stack: string, plan: { instanceType: string; nodes: { min: number; max: number }; nodeDiskGiB: number }): void {
  const group = one(resources, "aws:eks/nodeGroup:NodeGroup", `${stack}-gpu`);
  expect(group.inputs.instanceTypes).toEqual([plan.instanceType]);
  expect(group.inputs.amiType).toBe("AL2023_x86_64_NVIDIA");
  expect(group.inputs.scalingConfig).toEqual({ minSize: plan.nodes.min, desiredSize: plan.nodes.min, maxSize: plan.nodes.max });
  expect(group.inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
  const template = one(resources, "aws:ec2/launchTemplate:LaunchTemplate", `${stack}-gpu`);
  expect(template.inputs.blockDeviceMappings[0].ebs).toMatchObject({ volumeSize: plan.nodeDiskGiB, volumeType: "gp3", encrypted: "true" });
  expect(template.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
  for (const t of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) expect(t.inputs.metadataOptions.httpTokens).toBe("required");
}
