import type * as pulumi from "@pulumi/pulumi";
import type { StackSpec } from "../config/spec";

/** Tag keys every taggable AWS resource carries, so cost allocation and teardown can find everything. */
export const REQUIRED_TAG_KEYS = ["stack", "environment", "owner", "cost-center"] as const;
/** Added on trial stacks. */
export const EXPIRES_AT_TAG = "expires-at";

export type Tags = Record<string, pulumi.Input<string>>;

/** The kit's tags for a stack; `expiresAt` is the resolved expiry time (trial stacks). */
export function kitTags(spec: StackSpec, expiresAt: pulumi.Input<string> | undefined): Tags {
  return {
    stack: spec.stack,
    environment: spec.environment,
    owner: spec.owner,
    "cost-center": spec.costCenter,
    "managed-by": "hostwise",
    ...(expiresAt !== undefined ? { [EXPIRES_AT_TAG]: expiresAt } : {}),
  };
}

/** The kit's tags plus a Name (shown in the EC2 console) and any resource-specific tags. */
export function named(tags: Tags, name: string, extra: Tags = {}): Tags {
  return { ...tags, Name: name, ...extra };
}
