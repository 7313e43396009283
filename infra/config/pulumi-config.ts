import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "./read";
import { unqualified } from "./read";
import { CONFIG_NAMESPACE, findConfigKey, PROFILE_KEY, REGION_KEY } from "./schema";
import { SECRET_PLACEHOLDER } from "./secret";

/** A secret config value as a Pulumi secret output. */
export function secretConfig(key: string): pulumi.Output<string> {
  return new pulumi.Config(CONFIG_NAMESPACE).requireSecret(key);
}

/** Provider keys whose values the program reads; other providers' values (credentials among them) are only marked as set. */
const PROVIDER_VALUES_READ = new Set([REGION_KEY, PROFILE_KEY]);

/**
 * The stack's config as the Pulumi engine hands it to the program (project defaults already merged): every
 * key, so validation sees typos in any namespace. Values are kept for hostwise keys, aws:region and
 * aws:profile; secrets are only marked as set.
 */
export function readPulumiConfig(): RawConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    const short = unqualified(key);
    const ours = key.startsWith(`${CONFIG_NAMESPACE}:`);
    // Secrets are only checked for presence here; their values stay Pulumi secrets (see secretConfig).
    raw[short] = PROVIDER_VALUES_READ.has(key) || (ours && !findConfigKey(short)?.secret) ? value : SECRET_PLACEHOLDER;
  }
  return raw;
}
