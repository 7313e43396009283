import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "./read";
import { CONFIG_KEYS, CONFIG_NAMESPACE, REGION_KEY } from "./schema";

/** The stack's config as the Pulumi engine hands it to the program (project defaults already merged). */
export function readPulumiConfig(): RawConfig {
  const hostwise = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const { key } of CONFIG_KEYS) {
    const value = hostwise.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const region = new pulumi.Config("aws").get("region");
  if (region !== undefined) raw[REGION_KEY] = region;
  return raw;
}
