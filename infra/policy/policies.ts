import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { ResourceOptionsView, StackResourceView } from "../resource-view";
import { RULES, STACK_RULES, type StackRule } from "./rules";

const keyOf = (r: PolicyResource): string => `${r.type}::${r.name}`;

/** The options a rule may read, as the policy pack sees them (Pulumi reports timeouts in seconds). */
function optionsView(r: PolicyResource): ResourceOptionsView {
  const t = r.opts?.customTimeouts;
  const seconds = (n: number | undefined) => (n ? `${n}s` : undefined);
  return {
    ignoreChanges: r.opts?.ignoreChanges ?? [],
    protect: r.opts?.protect ?? false,
    ...(r.opts?.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.opts.deleteBeforeReplace } : {}),
    ...(t ? { customTimeouts: { create: seconds(t.createSeconds), update: seconds(t.updateSeconds), delete: seconds(t.deleteSeconds) } } : {}),
  };
}

/** The rules as Pulumi policies: mandatory, so a violation fails `pulumi preview`/`up --policy-pack`. */
export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  ...RULES.map((rule): ResourceValidationPolicy => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      for (const message of rule.check({ type: args.type, name: args.name, props: args.props })) reportViolation(message);
    },
  })),
  ...STACK_RULES.map(stackPolicy),
];

/** A stack rule as a Pulumi stack policy: the engine's resources turned into the view the rule reads. */
export function stackPolicy(rule: StackRule): StackValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const view: StackResourceView[] = args.resources.map((r) => ({
        type: r.type,
        name: r.name,
        key: keyOf(r),
        props: r.props,
        opts: optionsView(r),
        dependencies: [...r.dependencies.map(keyOf), ...(r.provider ? [`${r.provider.type}::${r.provider.name}`] : [])],
        ...(r.parent ? { parent: keyOf(r.parent) } : {}),
      }));
      for (const message of rule.check(view)) reportViolation(message);
    },
  };
}
