import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "./read";
import { CONFIG_KEYS, CONFIG_NAMESPACE, PROFILE_KEY, REGION_KEY } from "./schema";
import { SECRET_PLACEHOLDER } from "./secret";

/** A secret config value as a Pulumi secret output. */
export function secretConfig(key: string): pulumi.Output<string> {
  return new pulumi.Config(CONFIG_NAMESPACE).requireSecret(key);
}

/** The stack's config as the Pulumi engine hands it to the program (project defaults already merged). */
export function readPulumiConfig(): RawConfig {
  const hostwise = new pulumi.Config(CONFIG_NAMESPACE);
  const raw: Record<string, unknown> = {};
  for (const { key, secret } of CONFIG_KEYS) {
    // Secrets are only checked for presence here; their values stay Pulumi secrets (see secretConfig).
    const value = secret ? (pulumi.runtime.getConfig(`${CONFIG_NAMESPACE}:${key}`) ? SECRET_PLACEHOLDER : undefined) : hostwise.get(key);
    if (value !== undefined) raw[key] = value;
  }
  const aws = new pulumi.Config("aws");
  const region = aws.get("region");
  if (region !== undefined) raw[REGION_KEY] = region;
  const profile = aws.get("profile");
  if (profile !== undefined) raw[PROFILE_KEY] = profile;
  return raw;
}
