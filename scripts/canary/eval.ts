// Answers, not only speed: an eval set of prompts with an expected answer and a check, run on each endpoint at
// temperature 0, scored per endpoint, with the items where the endpoints disagree.
//
// An eval file is JSONL, one item a line:
//   {"id": "arith-1", "prompt": "What is 17 × 23? Reply with the number only.", "check": "numeric", "expected": 391}
// - "prompt" (a user message) or "messages" ([{"role", "content"}], as in --prompts);
// - "check" and what it needs:
//     exact     "expected": string — the answer, trimmed, equals it
//     contains  "expected": string — the answer contains it
//     regex     "pattern": string (JavaScript syntax) — the trimmed answer matches it
//     numeric   "expected": number, "tolerance": number (default 0) — the answer's last number is within it
//     json      "expected": any JSON, "path": "a.b.0" (optional, default the whole value) — the answer is JSON
//               (a ```json fence around it is allowed) and the value at the path deep-equals it
// - optional: "id" (default "line N"; unique), "ignoreCase" (exact, contains, regex), "maxTokens" (default 256).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../lib/usage";
import type { ChatMessage } from "./prompts";

export type Check =
  | { readonly kind: "exact" | "contains"; readonly expected: string; readonly ignoreCase: boolean }
  | { readonly kind: "regex"; readonly pattern: string; readonly ignoreCase: boolean }
  | { readonly kind: "numeric"; readonly expected: number; readonly tolerance: number }
  | { readonly kind: "json"; readonly path: string; readonly expected: unknown };

export interface EvalItem {
  readonly id: string;
  readonly messages: readonly ChatMessage[];
  readonly check: Check;
  readonly maxTokens: number;
}

export interface EvalSet {
  /** "default (24 items)" or the file name. */
  readonly name: string;
  readonly items: readonly EvalItem[];
}

/** max_tokens of an item that sets none: room for a short answer, and for a reasoning model's thinking. */
export const DEFAULT_EVAL_MAX_TOKENS = 256;

/** An answer longer than this is not what an eval checks (and the text is kept in memory). */
const MAX_EVAL_TOKENS = 32_768;

/** The eval set shipped with hostwise (arithmetic, extraction, format following), used when --eval names no file. */
export const DEFAULT_EVAL_FILE = join(process.env.HOSTWISE_ROOT ?? join(__dirname, "..", ".."), "scripts", "canary", "evals", "default.jsonl");

const ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant"]);
const CHECKS = ["exact", "contains", "regex", "numeric", "json"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses an eval file's text; `file` names it in errors, which name the line and the field. */
export function parseEvalLines(text: string, file: string): EvalItem[] {
  const items: EvalItem[] = [];
  const ids = new Set<string>();
  const hint = 'one JSON object a line, e.g. {"prompt": "What is 2 + 2? Reply with the number only.", "check": "numeric", "expected": 4} (the README lists every check)';
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    const fail = (what: string) => new UsageError(`--eval: ${file} line ${n}: ${what}`, hint);
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw fail(`not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(json)) throw fail("not a JSON object");
    const id = json.id === undefined ? `line ${n}` : json.id;
    if (typeof id !== "string" || id.trim() === "") throw fail('"id" is not a non-empty string');
    if (ids.has(id)) throw fail(`"id" ${JSON.stringify(id)} is used twice`);
    ids.add(id);

    let messages: ChatMessage[];
    if (json.prompt !== undefined) {
      if (typeof json.prompt !== "string" || json.prompt.trim() === "") throw fail('"prompt" is not a non-empty string');
      messages = [{ role: "user", content: json.prompt }];
    } else if (Array.isArray(json.messages) && json.messages.length > 0) {
      messages = json.messages.map((m: unknown, j) => {
        if (!isObject(m) || typeof m.role !== "string" || !ROLES.has(m.role)) throw fail(`messages[${j}].role is not one of ${[...ROLES].join(", ")}`);
        if (typeof m.content !== "string") throw fail(`messages[${j}].content is not a string`);
        return { role: m.role as ChatMessage["role"], content: m.content };
      });
    } else {
      throw fail('has neither "prompt" nor a non-empty "messages" array');
    }

    const ignoreCase = json.ignoreCase ?? false;
    if (typeof ignoreCase !== "boolean") throw fail('"ignoreCase" is not true or false');
    let check: Check;
    switch (json.check) {
      case "exact":
      case "contains":
        if (typeof json.expected !== "string" || json.expected === "") throw fail(`"expected" of a ${json.check} check is not a non-empty string`);
        check = { kind: json.check, expected: json.expected, ignoreCase };
        break;
      case "regex":
        if (typeof json.pattern !== "string" || json.pattern === "") throw fail('"pattern" of a regex check is not a non-empty string');
        try {
          new RegExp(json.pattern);
        } catch (e) {
          throw fail(`"pattern" is not a regular expression (${(e as Error).message})`);
        }
        check = { kind: "regex", pattern: json.pattern, ignoreCase };
        break;
      case "numeric": {
        const tolerance = json.tolerance ?? 0;
        if (typeof json.expected !== "number" || !Number.isFinite(json.expected)) throw fail('"expected" of a numeric check is not a number');
        if (typeof tolerance !== "number" || !(tolerance >= 0)) throw fail('"tolerance" is not a number of at least 0');
        check = { kind: "numeric", expected: json.expected, tolerance };
        break;
      }
      case "json": {
        const path = json.path ?? "";
        if (typeof path !== "string") throw fail('"path" is not a string like "a.b.0"');
        if (!("expected" in json)) throw fail('a json check needs "expected"');
        check = { kind: "json", path, expected: json.expected };
        break;
      }
      default:
        throw fail(`"check" is ${JSON.stringify(json.check)}, not one of ${CHECKS.join(", ")}`);
    }
    const maxTokens = json.maxTokens ?? DEFAULT_EVAL_MAX_TOKENS;
    if (typeof maxTokens !== "number" || !Number.isSafeInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_EVAL_TOKENS) {
      throw fail(`"maxTokens" is not a whole number from 1 to ${MAX_EVAL_TOKENS.toLocaleString("en-US")}`);
    }
    items.push({ id, messages, check, maxTokens });
  });
  if (items.length === 0) throw new UsageError(`--eval: ${file} has no items`, hint);
  return items;
}

/** Reads an eval file, or the shipped default set when `path` is undefined. */
export function loadEvalSet(path?: string): EvalSet {
  const file = path ?? DEFAULT_EVAL_FILE;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--eval: cannot read ${file}: ${(e as Error).message}`, "give the path of a JSONL eval file, or leave the value out for the default set");
  }
  const items = parseEvalLines(text, path ?? "the default eval set");
  return { name: `${path ?? "default"} (${items.length} item${items.length === 1 ? "" : "s"})`, items };
}

export interface Verdict {
  readonly pass: boolean;
  /** What was compared, for the report: "391 (expected 391 ± 0)", "not JSON: …". */
  readonly detail: string;
}

/** The numbers in a text, thousands separators dropped: "$18,000 in 2 minutes" → [18000, 2]. */
export function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?/g)].map((m) => Number(m[0].replace(/,(?=\d{3}\b)/g, ""))).filter(Number.isFinite);
}

/** The JSON value of an answer: the whole trimmed text, or the inside of one ``` fence around it. */
export function answerJson(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  const trimmed = text.trim();
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1]! : trimmed) };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

function at(value: unknown, path: string): { found: boolean; value?: unknown } {
  let v = value;
  for (const key of path === "" ? [] : path.split(".")) {
    if (Array.isArray(v) && /^\d+$/.test(key) && Number(key) < v.length) v = v[Number(key)];
    else if (isObject(v) && Object.prototype.hasOwnProperty.call(v, key)) v = v[key];
    else return { found: false };
  }
  return { found: true, value: v };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const clip = (s: string, max = 80) => (s.length > max ? `${s.slice(0, max)}…` : s);

/** Whether an answer passes its check. Pure. */
export function checkAnswer(check: Check, answer: string): Verdict {
  const trimmed = answer.trim();
  const fold = (s: string, ignoreCase: boolean) => (ignoreCase ? s.toLowerCase() : s);
  switch (check.kind) {
    case "exact":
      return { pass: fold(trimmed, check.ignoreCase) === fold(check.expected, check.ignoreCase), detail: `expected exactly ${JSON.stringify(check.expected)}` };
    case "contains":
      return { pass: fold(trimmed, check.ignoreCase).includes(fold(check.expected, check.ignoreCase)), detail: `expected to contain ${JSON.stringify(check.expected)}` };
    case "regex":
      return { pass: new RegExp(check.pattern, check.ignoreCase ? "i" : "").test(trimmed), detail: `expected to match /${check.pattern}/${check.ignoreCase ? "i" : ""}` };
    case "numeric": {
      const n = numbersIn(trimmed).at(-1);
      const expected = `expected ${check.expected}${check.tolerance ? ` ± ${check.tolerance}` : ""}`;
      if (n === undefined) return { pass: false, detail: `no number in the answer; ${expected}` };
      return { pass: Math.abs(n - check.expected) <= check.tolerance + 1e-12, detail: `read ${n}; ${expected}` };
    }
    case "json": {
      const parsed = answerJson(trimmed);
      const where = check.path === "" ? "the answer" : `"${check.path}"`;
      const expected = `expected ${where} = ${clip(JSON.stringify(check.expected))}`;
      if (!parsed.ok) return { pass: false, detail: `not JSON (${parsed.why}); ${expected}` };
      const found = at(parsed.value, check.path);
      if (!found.found) return { pass: false, detail: `no ${where} in the JSON; ${expected}` };
      return { pass: deepEqual(found.value, check.expected), detail: `read ${clip(JSON.stringify(found.value))}; ${expected}` };
    }
  }
}

/** One endpoint's answer to one item. */
export type Answer = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

export interface ItemResult {
  readonly id: string;
  /** Per endpoint, in the order of the endpoints. */
  readonly answers: ReadonlyArray<{ readonly answer: Answer; readonly verdict: Verdict }>;
}

export interface EvalResult {
  readonly set: string;
  readonly endpoints: readonly string[];
  readonly items: readonly ItemResult[];
  /** Per endpoint: passed, failed (a wrong answer) and errors (no answer: HTTP error, timeout …). */
  readonly scores: ReadonlyArray<{ readonly endpoint: string; readonly passed: number; readonly failed: number; readonly errors: number; readonly passRate: number }>;
  /** Items that passed on some endpoints and not on others. */
  readonly disagreements: readonly string[];
  /** True when Ctrl-C stopped it: the items not asked are left out. */
  readonly partial: boolean;
}

/**
 * Asks every endpoint every item, `concurrency` items at a time per endpoint, the endpoints' requests for an
 * item sent together so they see the same moment. `ask` never rejects: a failure is an Answer with an error.
 */
export async function runEval(
  set: EvalSet,
  endpoints: readonly string[],
  ask: (endpoint: number, item: EvalItem) => Promise<Answer>,
  options: { readonly concurrency: number; readonly signal?: AbortSignal },
): Promise<EvalResult> {
  const results: Array<ItemResult | undefined> = new Array(set.items.length);
  let next = 0;
  const worker = async () => {
    while (next < set.items.length && !options.signal?.aborted) {
      const i = next++;
      const item = set.items[i]!;
      const answers = await Promise.all(endpoints.map((_, e) => ask(e, item)));
      if (options.signal?.aborted) return; // answers cut short by Ctrl-C are not the endpoints' answers
      results[i] = {
        id: item.id,
        answers: answers.map((answer) => ({ answer, verdict: answer.ok ? checkAnswer(item.check, answer.text) : { pass: false, detail: `no answer: ${answer.error}` } })),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, set.items.length) }, worker));
  const items = results.filter((r): r is ItemResult => r !== undefined);
  const scores = endpoints.map((endpoint, e) => {
    const passed = items.filter((r) => r.answers[e]!.verdict.pass).length;
    const errors = items.filter((r) => !r.answers[e]!.answer.ok).length;
    return { endpoint, passed, failed: items.length - passed - errors, errors, passRate: items.length === 0 ? 0 : passed / items.length };
  });
  const disagreements = items.filter((r) => new Set(r.answers.map((a) => a.verdict.pass)).size > 1).map((r) => r.id);
  return { set: set.name, endpoints, items, scores, disagreements, partial: items.length < set.items.length };
}
