import type { ConfigIssue } from "./errors";
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

  /** A decimal number, strictly greater than `above` (or at least `atLeast`) and at most `atMost`. */
  number(key: string, bounds: { above?: number; atLeast?: number; atMost?: number } = {}): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(n)) return this.fail(key, `must be a number, got ${JSON.stringify(v)}`, setHint(key, 1));
    if (bounds.above !== undefined && !(n > bounds.above)) {
      return this.fail(key, `must be greater than ${bounds.above}, got ${n}`, setHint(key, bounds.atMost ?? 1));
    }
    if (bounds.atLeast !== undefined && n < bounds.atLeast) {
      return this.fail(key, `must be at least ${bounds.atLeast}, got ${n}`, setHint(key, bounds.atLeast));
    }
    if (bounds.atMost !== undefined && n > bounds.atMost) {
      return this.fail(key, `must be at most ${bounds.atMost}, got ${n}`, setHint(key, bounds.atMost));
    }
    return n;
  }

  /** A whole number of at least `min`. */
  integer(key: string, min: number): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return this.fail(key, `must be a whole number, got ${JSON.stringify(v)}`, setHint(key, Math.max(min, 1)));
    if (n < min) {
      const what = min === 1 ? "positive" : `at least ${min}`;
      return this.fail(key, `must be ${what}, got ${n}`, setHint(key, Math.max(min, 1)));
    }
    return n;
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
