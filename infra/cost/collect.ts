import * as pulumi from "@pulumi/pulumi";
import type { ResourceView } from "../resource-view";
import { PRICE_BOOK } from "./pricebook";

/**
 * Collects, as the program registers them, the inputs of every resource the price book prices (and the
 * launch templates node groups take their disk size from), so the program can export its own cost. Other
 * resources are kept by type and name only (free, or listed as not priced): their inputs may hold secrets.
 */
export function collectResourcesForPricing(): () => pulumi.Output<ResourceView[]> {
  const seen: Array<{ type: string; name: string; props: pulumi.Input<Record<string, unknown>> }> = [];
  pulumi.runtime.registerStackTransformation((args) => {
    const needsInputs = args.type in PRICE_BOOK || args.type === "aws:ec2/launchTemplate:LaunchTemplate";
    seen.push({ type: args.type, name: args.name, props: needsInputs ? (args.props as Record<string, unknown>) : {} });
    return undefined;
  });
  return () => pulumi.output(seen.map((r) => pulumi.output(r.props).apply((props) => ({ type: r.type, name: r.name, props: props as Record<string, any> }))));
}
