import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Expiry } from "./config/spec";

/** When a stack expires (ISO time), and for a duration when it was first created: `hostwise teardown` reads both. */
export interface ExpiryTimes {
  readonly expiresAt: pulumi.Output<string>;
  readonly createdAt?: pulumi.Output<string>;
}

/**
 * The expiry timestamp for the `expires-at` tag and the lifecycle output. A duration ("6h") counts from when
 * the stack was first deployed: the creation time is kept in the state of a resource whose input later runs
 * ignore, so the timestamp does not move (and tags do not churn) on every `pulumi up`.
 */
export function expiryTimes(expiry: Expiry | undefined, now: Date, opts?: pulumi.CustomResourceOptions): ExpiryTimes | undefined {
  if (!expiry) return undefined;
  if (expiry.kind === "at") return { expiresAt: pulumi.output(expiry.at.toISOString()) };
  const created = new random.RandomId("created-at", {
    byteLength: 4,
    keepers: { createdAt: now.toISOString() },
  }, { ...opts, ignoreChanges: ["keepers"] });
  const createdAt = created.keepers.apply((k) => k?.createdAt ?? now.toISOString());
  return {
    createdAt,
    expiresAt: createdAt.apply((c) => new Date(new Date(c).getTime() + expiry.hours * 3_600_000).toISOString()),
  };
}
