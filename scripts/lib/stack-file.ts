import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { unqualified, type RawConfig } from "../../infra/config/read";
import { UsageError } from "./usage";
import { SECRET_PLACEHOLDER } from "../../infra/config/secret";

/** Stacks with a Pulumi.<stack>.yaml in a project directory. */
export function listStacks(projectDir: string): string[] {
  return readdirSync(projectDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Reads a stack's config from Pulumi.<stack>.yaml the way the Pulumi CLI hands it to the program: hostwise
 * keys lose their namespace, provider keys keep theirs. Encrypted values (`secure:`) cannot be read offline
 * and are passed on as a placeholder.
 */
export function readStackFile(projectDir: string, stack: string): RawConfig {
  const path = join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(path)) {
    const stacks = listStacks(projectDir);
    throw new UsageError(`--stack: no Pulumi.${stack}.yaml in ${projectDir}`, `stacks here: ${stacks.join(", ") || "none"}`);
  }
  const doc = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    const short = unqualified(key);
    const secret = typeof value === "object" && value !== null && "secure" in value;
    raw[short] = secret ? SECRET_PLACEHOLDER : value;
  }
  return raw;
}

/** Applies `--config key=value` overrides (`key`, `hostwise:key` or a provider key such as `aws:region`). */
export function applyOverrides(raw: RawConfig, overrides: readonly string[]): RawConfig {
  const out: Record<string, unknown> = { ...raw };
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config: "${o}" is not key=value`, "write --config maxModelLen=4096");
    const key = o.slice(0, eq);
    out[unqualified(key)] = o.slice(eq + 1);
  }
  return out;
}
