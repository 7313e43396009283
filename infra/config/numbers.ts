// One parser for every number hostwise reads — stack config (offline and in the Pulumi program) and every CLI
// flag — so a value one of them accepts, the others accept too. Pure.

/** The values a number may take: from min (exclusive when minExclusive) to max, both finite. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive?: boolean;
  /** Whole numbers only. */
  readonly integer?: boolean;
}

/**
 * Plain decimal notation: digits, an optional fraction, an optional exponent (YAML's own float syntax reads
 * `1e3` too). No `+`, no hex (`0x10`), no separators (`1_000`, `1,000`), no spaces, no `Infinity` or `NaN`.
 */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type ParsedNumber = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: string };

const figure = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 6 });

/** "a whole number from 0 to 1,000", "a number above 0 and at most 1". */
function describeRange(r: NumberRange): string {
  const kind = r.integer ? "a whole number" : "a number";
  return r.minExclusive ? `${kind} above ${figure(r.min)} and at most ${figure(r.max)}` : `${kind} from ${figure(r.min)} to ${figure(r.max)}`;
}

/** How a rejected value is shown: decimal text as it is, anything else quoted (so spaces and hex stay visible). */
function shown(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string" && DECIMAL.test(value)) return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * A number from config text, a YAML number or a command-line argument: decimal, finite, whole when the range
 * says so, and within the range. The problem reads after the key or flag: `must be a whole number from 0 to
 * 1,000, got -1`.
 */
export function parseNumber(value: unknown, range: NumberRange): ParsedNumber {
  const n = typeof value === "number" ? value : typeof value === "string" && DECIMAL.test(value) ? Number(value) : NaN;
  const inRange = (range.minExclusive ? n > range.min : n >= range.min) && n <= range.max;
  if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || !inRange) {
    return { ok: false, problem: `must be ${describeRange(range)}, got ${shown(value)}` };
  }
  return { ok: true, value: n === 0 ? 0 : n }; // -0 reads as 0
}
