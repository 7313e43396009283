import type { ConfigIssue } from "./errors";
import { parseNumber, type NumberRange } from "./numbers";
import { CONFIG_NAMESPACE, findConfigKey, type ConfigKeySpec } from "./schema";

/** Raw stack config: hostwise keys without their namespace, provider keys (`aws:region`) with theirs. */
export type RawConfig = Readonly<Record<string, unknown>>;

/** "hostwise:maxModelLen" → "maxModelLen"; other namespaces (aws:region) stay as they are. */
export function unqualified(key: string): string {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

export function qualified(key: string): string {
  return key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
}

export function setHint(key: string, example: string | number): string {
  return `pulumi config set ${qualified(key)} ${example}`;
}

/** A value inside the range for a fix: 1 where allowed, else the nearest bound. */
function example(range: NumberRange): number {
  return Math.min(range.max, Math.max(range.minExclusive ? Math.min(1, range.max) : range.min, 1));
}

/**
 * Reads typed values out of raw config, applying the schema defaults and collecting every problem as a
 * ConfigIssue instead of stopping at the first. Each getter returns undefined when the value is unset or
 * invalid, so callers skip checks that depend on it.
 */
export class ConfigReader {
  readonly issues: ConfigIssue[] = [];

  constructor(private readonly raw: RawConfig) {}

  fail(key: string, message: string, hint: string): undefined {
    this.issues.push({ key: qualified(key), message, hint });
    return undefined;
  }

  /** The raw value, or the schema default; undefined when unset ("" counts as unset). */
  private value(key: string): unknown {
    const spec = this.spec(key);
    const v = key in this.raw ? this.raw[key] : spec.default;
    return v === "" || v === null ? undefined : v;
  }

  private spec(key: string): ConfigKeySpec {
    const spec = findConfigKey(key);
    if (!spec) throw new Error(`config key ${key} is not in CONFIG_KEYS`);
    return spec;
  }

  isSet(key: string): boolean {
    return this.value(key) !== undefined;
  }

  /** The stack gives a value itself (not the schema default). */
  isExplicit(key: string): boolean {
    return key in this.raw && this.raw[key] !== "" && this.raw[key] !== null;
  }

  string(key: string): string | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") return this.fail(key, `must be a string, got ${JSON.stringify(v)}`, setHint(key, "<text>"));
    const allowed = this.spec(key).oneOf;
    if (allowed && !allowed.includes(v)) {
      return this.fail(key, `"${v}" is not one of ${allowed.join(", ")}`, setHint(key, allowed[0]!));
    }
    return v;
  }

  requiredString(key: string, example: string): string | undefined {
    const v = this.string(key);
    if (v === undefined && !this.issues.some((i) => i.key === qualified(key))) {
      return this.fail(key, "is required and not set", setHint(key, example));
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.value(key);
    if (v === undefined || typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return this.fail(key, `must be true or false, got ${JSON.stringify(v)}`, setHint(key, "true"));
  }

  /**
   * A number within the key's range (schema.ts), whole for integer keys: the same parser reads stack files,
   * the values the Pulumi engine hands the program (text) and every CLI flag (infra/config/numbers.ts).
   */
  number(key: string): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const range = this.spec(key).range;
    if (!range) throw new Error(`config key ${key} has no range in CONFIG_KEYS`);
    const parsed = parseNumber(v, range);
    if (!parsed.ok) return this.fail(key, parsed.problem, setHint(key, example(range)));
    return parsed.value;
  }

  /** A list of strings: a YAML list, or the JSON text Pulumi hands programs for arrays. */
  stringList(key: string): string[] {
    let v = this.value(key);
    if (v === undefined) return [];
    if (typeof v === "string") {
      try {
        v = JSON.parse(v);
      } catch {
        return this.fail(key, `must be a list of strings, got ${JSON.stringify(v)}`, `set it in Pulumi.<stack>.yaml as a YAML list`) ?? [];
      }
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
      return this.fail(key, `must be a list of strings, got ${JSON.stringify(v)}`, `set it in Pulumi.<stack>.yaml as a YAML list`) ?? [];
    }
    return v;
  }
}
