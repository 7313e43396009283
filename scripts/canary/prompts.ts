// The prompts a canary sends: synthetic ones of a target length, or the lines of a JSONL file.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { UsageError } from "../lib/usage";

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** Hands out the messages of the i-th request of a run. */
export interface PromptSource {
  readonly messagesFor: (index: number) => readonly ChatMessage[];
  /** For the report, e.g. "synthetic, ~512 tokens" or "prompts.jsonl (20 prompts)". */
  readonly description: string;
}

/**
 * Words per token of English text: OpenAI's rule of thumb is ~0.75 (a token is ~4 characters). A synthetic
 * prompt gets ⌈targetTokens × 0.75⌉ words, so its real size depends on the model's tokenizer (short common
 * words often take one token each, which makes the prompt smaller than targeted) and the chat template adds
 * a few tokens; the report shows the server's own prompt_tokens count next to the target.
 */
export const WORDS_PER_TOKEN = 0.75;

// Common short English words, so every tokenizer splits them about the same way.
const VOCABULARY = (
  "time year people way day man thing woman life child world school state family student group country " +
  "problem hand part place case week company system program question work government number night point " +
  "home water room mother area money story fact month lot right study book eye job word business issue side " +
  "kind head house service friend father power hour game line end member law car city name team minute idea " +
  "kid body back parent face others level office door health person art war history party result change " +
  "morning reason research girl guy moment air teacher force education foot boy age policy music market " +
  "sense nation plan college interest death experience effect class control care field development role " +
  "effort rate heart drug show leader light voice wife police mind price report decision son view " +
  "relationship town road arm difference value building action model season society tax director position " +
  "player record paper space ground form event official matter center couple site project activity star " +
  "table need court oil situation cost industry figure street image phone data picture practice piece land " +
  "product doctor wall patient worker news test movie north love support technology step baby computer type " +
  "attention film tree source organization hair window evidence population river garden bridge"
).split(" ");

/** A small seeded generator (mulberry32), so a prompt is the same for the same run tag and index. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function hash(text: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619);
  return h >>> 0;
}

/**
 * A synthetic prompt of about `targetTokens` tokens. It starts with the run tag and the request index and
 * its words are drawn per request, so no two prompts share a prefix: vLLM's prefix cache would otherwise
 * skip most of the prefill and flatter the time to first token.
 */
export function syntheticPrompt(targetTokens: number, index: number, runTag: string): string {
  const head = `[${runTag}-${index}] Write a long story that uses these words:`;
  const words = Math.max(1, Math.ceil(targetTokens * WORDS_PER_TOKEN) - head.split(" ").length);
  const next = random(hash(`${runTag}:${index}`));
  const body = Array.from({ length: words }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!);
  return `${head} ${body.join(" ")}`;
}

/** A fresh tag per run, so a rerun against the same server does not hit the previous run's cache either. */
export function newRunTag(): string {
  return randomBytes(4).toString("hex");
}

export function syntheticPrompts(targetTokens: number, runTag: string = newRunTag()): PromptSource {
  return {
    messagesFor: (index) => [{ role: "user", content: syntheticPrompt(targetTokens, index, runTag) }],
    description: `synthetic, ~${targetTokens} tokens (${WORDS_PER_TOKEN} words per token assumed)`,
  };
}

const ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The prompts of a JSONL file: one JSON object a line, either {"prompt": "..."} or {"messages": [{"role",
 * "content"}, ...]} with string content. Blank lines are skipped. `file` names the file in errors.
 */
export function parsePromptLines(text: string, file: string): ReadonlyArray<readonly ChatMessage[]> {
  const prompts: ChatMessage[][] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/); // editors on Windows may start the file with a BOM
  const fail = (n: number, what: string) =>
    new UsageError(`--prompts: ${file} line ${n}: ${what}`, 'each line is {"prompt": "..."} or {"messages": [{"role": "user", "content": "..."}]}');
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw fail(n, `not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(json)) throw fail(n, "not a JSON object");
    if ("prompt" in json) {
      if (typeof json.prompt !== "string" || json.prompt.trim() === "") throw fail(n, '"prompt" is not a non-empty string');
      prompts.push([{ role: "user", content: json.prompt }]);
      return;
    }
    if (!("messages" in json)) throw fail(n, 'has neither "prompt" nor "messages"');
    const messages = json.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw fail(n, '"messages" is not a non-empty array');
    prompts.push(
      messages.map((m: unknown, j) => {
        if (!isObject(m) || typeof m.role !== "string" || !ROLES.has(m.role)) {
          throw fail(n, `messages[${j}].role is not one of ${[...ROLES].join(", ")}`);
        }
        if (typeof m.content !== "string") throw fail(n, `messages[${j}].content is not a string (only text content is supported)`);
        return { role: m.role as ChatMessage["role"], content: m.content };
      }),
    );
  });
  if (prompts.length === 0) throw new UsageError(`--prompts: ${file} has no prompts`, 'write one {"prompt": "..."} a line');
  return prompts;
}

/** Reads a JSONL prompt file; the requests of a run cycle through its prompts in order. */
export function loadPromptFile(path: string): PromptSource {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`--prompts: cannot read ${path}: ${(e as Error).message}`, "give the path of a JSONL file");
  }
  const prompts = parsePromptLines(text, path);
  return {
    messagesFor: (index) => prompts[index % prompts.length]!,
    description: `${path} (${prompts.length} prompt${prompts.length === 1 ? "" : "s"})`,
  };
}
