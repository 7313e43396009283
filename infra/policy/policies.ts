import type { ResourceValidationPolicy } from "@pulumi/policy";
import { RULES } from "./rules";

/** The rules as Pulumi policies: mandatory, so a violation fails `pulumi preview`/`up --policy-pack`. */
export const policies: ResourceValidationPolicy[] = RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    for (const message of rule.check({ type: args.type, name: args.name, props: args.props })) reportViolation(message);
  },
}));
