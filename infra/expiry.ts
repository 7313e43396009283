import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Expiry } from "./config/spec";

/**
 * The expiry timestamp for the `expires-at` tag. A duration ("6h") counts from when the stack was first
 * deployed: the creation time is kept in the state of a resource whose input later runs ignore, so the
 * timestamp does not move (and tags do not churn) on every `pulumi up`.
 */
export function expiresAt(expiry: Expiry | undefined, now: Date, opts?: pulumi.CustomResourceOptions): pulumi.Output<string> | undefined {
  if (!expiry) return undefined;
  if (expiry.kind === "at") return pulumi.output(expiry.at.toISOString());
  const created = new random.RandomId("created-at", {
    byteLength: 4,
    keepers: { createdAt: now.toISOString() },
  }, { ...opts, ignoreChanges: ["keepers"] });
  return created.keepers.apply((k) => {
    const createdAt = new Date(k?.createdAt ?? now.toISOString());
    return new Date(createdAt.getTime() + expiry.hours * 3_600_000).toISOString();
  });
}
