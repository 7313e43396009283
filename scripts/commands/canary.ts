import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import type { NumberRange } from "../../infra/config/numbers";
import { loadPromptFile, syntheticPrompts, type PromptSource } from "../canary/prompts";
import { findHostedApi } from "../../infra/catalog/hosted-apis";
import type { Backend } from "../../infra/k8s/entry-routing";
import { costSplit, GpuNodeMeter, probeColdPath, type ColdPath, type ColdPathOptions, type CostSplit } from "../canary/cold-path";
import { renderSideBySideMarkdown, renderSideBySideSummary, sideBySideJson, type ComparedEndpoint, type EndpointPricing } from "../canary/compare-report";
import { loadEvalSet, runEval, type Answer, type EvalItem, type EvalResult, type EvalSet } from "../canary/eval";
import { evalJson, evalMarkdown, evalScoreLine } from "../canary/eval-report";
import { disqualification, reportJson, renderMarkdown, renderSummary, stackExtrasJson, stackExtrasMarkdown, stackExtrasSummary, type CostInputs } from "../canary/report";
import { listModels, streamChat } from "../canary/request";
import { maxRunSeconds, runLoad, runSideBySide, type LevelResult, type LoadPlan, type Progress, type RunResult, type Target } from "../canary/run";
import { PulumiCliError, readStackOutputs } from "../lib/pulumi-cli";
import { numberFlag, parseFlags } from "../lib/flags";
import { terminalText } from "../lib/markdown";
import { redactDeep, redactText, redactUrl } from "../lib/redact";
import { checkStackName } from "../lib/stack-name";
import { UsageError } from "../lib/usage";
import {
  ConnectInterrupted, connectToStack, costOfRunningReplicas, realKubectl, stackTargetFromOutputs, type KubectlDeps, type StackConnection, type StackTarget,
} from "../canary/stack-target";

/** Concurrency above this would measure the client machine more than the server. */
const MAX_CONCURRENCY = 1024;

/**
 * Bounds of every number the canary takes, checked by the parser stack config uses (infra/config/numbers.ts).
 * Times stay far below what a timer can hold (setTimeout fires at once beyond 24.8 days).
 */
const RANGES = {
  concurrency: { min: 1, max: MAX_CONCURRENCY, integer: true },
  requests: { min: 1, max: 1_000_000, integer: true },
  durationSeconds: { min: 0, minExclusive: true, max: 86_400 },
  timeoutSeconds: { min: 0, minExclusive: true, max: 3_600 },
  wakeTimeoutSeconds: { min: 0, minExclusive: true, max: 86_400 },
  tokens: { min: 1, max: 1_000_000, integer: true },
  hourlyUsd: { min: 0, minExclusive: true, max: 100_000 },
  usdPerMTok: { min: 0, minExclusive: true, max: 10_000 },
  tokensPerSecond: { min: 0, minExclusive: true, max: 10_000 },
} satisfies Record<string, NumberRange>;

export const CANARY_HELP = `hostwise canary — a bounded load test of the deployed OpenAI-compatible endpoint (vLLM)

Usage: npm run hostwise -- canary --url URL [--api-key KEY] [options]
       npm run hostwise -- canary --stack NAME [options]
       npm run hostwise -- canary --stack NAME --compare-url API_URL --compare-name ID --compare-api-key-env VAR [options]

Steps through concurrency levels; at each it keeps exactly N streaming chat completions in flight until
--requests have finished or --duration has passed (no request starts after that; those in flight finish
within --timeout), then moves to the next level. The whole run is capped at levels × (duration + timeout + 1)
seconds. It measures, per level: time to first token (TTFT), inter-token latency (ITL), end-to-end latency
(p50/p90/p95/p99), requests/s and output tokens/s, and errors by kind; with --hourly-usd, the GPU cost per
1M output tokens, compared with the modeled cost and a hosted API.

With --compare-url it loads a second OpenAI-compatible endpoint (e.g. the hosted API the stack would replace)
at the same time: the same prompts, N requests in flight on each at every level, dispatched alternately so
both see the same moment; the report puts them side by side per level, the stack priced by the GPU $/h of
its running replicas and the API by its list prices times the tokens it reported (input and output apart).
Then it asks both the eval set's questions at temperature 0 and scores the answers (--eval).

Options:
  --url URL                     the server's base URL, e.g. http://127.0.0.1:8000 (or --stack)
  --stack NAME                  a deployed hostwise stack: reads its outputs (pulumi stack output), forwards a
                                local port to its entry point with kubectl port-forward for the run, and
                                takes the model, the API key, the hourly cost of the running replicas, the
                                modeled $/1M tokens and the hosted API's price from the stack (flags override).
                                A stack at zero is woken by the first request: the report gives its cold path
                                (time to first token, 503s while it woke, when a replica was ready), which
                                backend served each request, and the run's cost split between GPU node time
                                (nodes polled every 15 s) and the fallback API's tokens
  --dir PATH                    with --stack: the project directory (default: the current directory)
  --wake                        with --stack: pre-warm instead of measuring the cold path: if no replica is
                                ready, pin one for the run (KEDA paused-replicas), wait for it, and hand the
                                stack back to KEDA after
  --wake-timeout SECONDS        how long waking may take (the cold path, or --wake), up to 86,400 (default: 1800)
  --api-key KEY                 sent as "Authorization: Bearer KEY" (default: $HOSTWISE_API_KEY; none if unset).
                                Prefer the variable: a flag is visible to other users in the process list
  --model NAME                  served model name (default: the first id of GET {url}/v1/models)
  --concurrency LIST            comma-separated concurrency levels, each 1..${MAX_CONCURRENCY} (default: 1,4,16)
  --requests N                  requests per level, at least the highest concurrency, up to 1,000,000 (default: 32)
  --duration SECONDS            longest time a level issues requests, up to 86,400 (default: 60)
  --timeout SECONDS             per-request timeout, connect to last token, up to 3,600 (default: 120)
  --prompt-tokens N             length of the synthetic prompts, ~0.75 words per token (default: 512); each
                                prompt starts differently so vLLM's prefix cache cannot shorten the prefill
  --output-tokens N             max_tokens of every request (default: 128)
  --stop-at-eos                 let answers end at end-of-sequence; by default ignore_eos (a vLLM parameter)
                                makes every answer exactly --output-tokens long. Use it for non-vLLM servers;
                                side by side it is always on (both get the same request, and hosted APIs
                                reject ignore_eos)
  --prompts FILE.jsonl          prompts from a file instead: one {"prompt": "..."} or {"messages": [...]} a
                                line, used in order and repeated (repeats can hit the prefix cache)
  --hourly-usd X                GPU cost per hour of the replicas behind --url (from 'hostwise plan')
  --modeled-usd-per-mtok X      the modeled USD per 1M output tokens, to compare with (needs --hourly-usd)
  --api-price X --api-name ID   a hosted API's output price, USD per 1M tokens, to compare with (needs --hourly-usd)
  --min-stream-tokens-per-second X
                                only levels where 95% of streams reach this speed count for the verdict
Side by side:
  --compare-url URL             a second endpoint to load at the same time (any OpenAI-compatible API)
  --compare-model NAME          its model (default: the first id of GET {compare-url}/v1/models)
  --compare-name NAME           its label; a hosted API id from the price catalog (e.g. openai/gpt-4.1-mini)
                                also sets its list prices (default: the URL's host)
  --compare-api-key-env VAR     the environment variable holding its API key (a key is never a flag value)
  --compare-input-price X       its input price, USD per 1M tokens (default: the catalog's, for a catalog name)
  --compare-output-price X      its output price, USD per 1M tokens (default: likewise)
Answers:
  --eval FILE.jsonl|default     ask every endpoint an eval set's questions at temperature 0 and score the
                                answers: a JSONL file (the README lists its format and checks) or "default",
                                the set shipped with hostwise (arithmetic, extraction, format following).
                                With --compare-url the default set runs unless --eval names another
  --no-eval                     with --compare-url: skip the answers
  --out-dir DIR                 where canary-report.json and canary-report.md go; created and checked before the
                                run starts (default: the current directory)
  --json                        print the JSON report on stdout instead of the summary
  -h, --help                    show this help

The verdict uses the level with the highest output tokens/s among those with at most 1% failed requests
(and the stream-speed floor, if given). Progress is drawn on stderr when it is a terminal. Ctrl-C or SIGTERM
at any moment stops the run: it aborts the requests in flight, stops the port-forward, hands a woken stack
back to KEDA, removes the temporary kubeconfig and still writes the partial report (a second signal exits at
once). The API key and URL credentials never appear in a report or on stderr, even when the server echoes
them.

Exit codes: 0 done and at least one level qualified (side by side: on each endpoint), 1 no level qualified or the server could not be reached
(or the report not written, or a woken stack not handed back), 2 bad command line or --out-dir not writable,
130 stopped by Ctrl-C, 143 by SIGTERM (partial report written when anything was measured).`;

/** A woken replica needs a node, the ~10 GB image and the weights: half an hour covers a 70B-class model. */
const DEFAULT_WAKE_TIMEOUT_SECONDS = 1800;

const DEFAULTS = {
  concurrency: [1, 4, 16],
  requests: 32,
  durationSeconds: 60,
  timeoutSeconds: 120,
  promptTokens: 512,
  outputTokens: 128,
} as const;

export interface CanaryOptions {
  readonly help: false;
  /** Exactly one of url and stack. */
  readonly url?: string;
  readonly stack?: { readonly name: string; readonly dir: string };
  /** With stack: scale a stack at zero to one replica for the run. */
  readonly wake?: boolean;
  readonly wakeTimeoutSeconds?: number;
  readonly apiKey?: string;
  readonly model?: string;
  readonly concurrency: readonly number[];
  readonly requests: number;
  readonly durationSeconds: number;
  readonly timeoutSeconds: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly ignoreEos: boolean;
  readonly promptsFile?: string;
  readonly hourlyUsd?: number;
  readonly modeledUsdPerMillionOutputTokens?: number;
  readonly hostedApi?: { readonly id: string; readonly outputUsdPerMTok: number };
  readonly minStreamTokensPerSecond?: number;
  /** A second endpoint loaded at the same time (side by side). */
  readonly compare?: CompareOptions;
  /** Ask every endpoint an eval set: the shipped one without a file. */
  readonly eval?: { readonly file?: string };
  /** Absolute. */
  readonly outDir: string;
  readonly json: boolean;
}

export interface CompareOptions {
  readonly url: string;
  readonly model?: string;
  readonly name: string;
  /** Read from the environment variable --compare-api-key-env names. */
  readonly apiKey?: string;
  /** Its list prices (catalog or flags); absent: its tokens are not priced. */
  readonly price?: { readonly id: string; readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number };
}

export type CanaryArgs = { readonly help: true } | CanaryOptions;

function parseConcurrency(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULTS.concurrency];
  const hint = "a comma-separated list of whole numbers, e.g. --concurrency 1,4,16,64";
  const items = text.split(",").map((s) => s.trim());
  if (items.every((s) => s === "")) throw new UsageError("--concurrency: the list is empty", hint);
  const levels = items.map((s) => numberFlag("--concurrency", s, RANGES.concurrency, "1,4,16")!);
  const dup = levels.find((n, i) => levels.indexOf(n) !== i);
  if (dup !== undefined) throw new UsageError(`--concurrency: ${dup} is listed twice`, hint);
  // Ascending, so the chart reads left to right and a failing level shows where the server gave out.
  return levels.sort((a, b) => a - b);
}

function parseUrl(text: string | undefined, flag = "--url"): string {
  const hint = `the server's base URL, e.g. ${flag} ${flag === "--url" ? "http://127.0.0.1:8000" : "https://api.openai.com/v1"}`;
  if (text === undefined || text.trim() === "") throw new UsageError(`${flag} is required`, hint);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: "${text}" is not a URL`, hint);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${flag}: "${text}" is not http or https`, hint);
  return text;
}

/** The --compare-* flags: the second endpoint, its key from the environment, its list prices. */
function parseCompare(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): CompareOptions | undefined {
  const flags = ["compare-model", "compare-name", "compare-api-key-env", "compare-input-price", "compare-output-price"] as const;
  if (values["compare-url"] === undefined) {
    const stray = flags.find((f) => values[f] !== undefined);
    if (stray) throw new UsageError(`--${stray}: only with --compare-url`, "add --compare-url URL, the endpoint to compare with, or drop the flag");
    return undefined;
  }
  const url = parseUrl(values["compare-url"] as string, "--compare-url");
  const text = (f: (typeof flags)[number]) => {
    const v = values[f] as string | undefined;
    if (v !== undefined && v.trim() === "") throw new UsageError(`--${f}: empty`, `give a value or leave --${f} out`);
    return v;
  };
  const model = text("compare-model");
  const name = text("compare-name") ?? new URL(url).host;
  let apiKey: string | undefined;
  const keyEnv = text("compare-api-key-env");
  if (keyEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv)) {
      // Not echoed: a key passed here by mistake must not reach the terminal.
      throw new UsageError("--compare-api-key-env: the value is not an environment variable name (letters, digits and _)", "name the variable that holds the key, e.g. --compare-api-key-env OPENAI_API_KEY (never the key itself)");
    }
    apiKey = env[keyEnv];
    if (apiKey === undefined || apiKey === "") throw new UsageError(`--compare-api-key-env: ${keyEnv} is not set`, `export ${keyEnv}=<the API's key>, then run again`);
  }
  const catalog = findHostedApi(name);
  const input = numberFlag("--compare-input-price", text("compare-input-price"), RANGES.usdPerMTok, "0.40");
  const output = numberFlag("--compare-output-price", text("compare-output-price"), RANGES.usdPerMTok, "1.60");
  if (!catalog && (input === undefined) !== (output === undefined)) {
    const missing = input === undefined ? "--compare-input-price" : "--compare-output-price";
    throw new UsageError(`${missing}: needed with its pair, since ${name} is not in the price catalog`, "give both --compare-input-price and --compare-output-price, USD per 1M tokens");
  }
  const price = input !== undefined || output !== undefined || catalog
    ? { id: name, inputUsdPerMTok: input ?? catalog!.inputUsdPerMTok, outputUsdPerMTok: output ?? catalog!.outputUsdPerMTok }
    : undefined;
  return { url, ...(model !== undefined && { model }), name, ...(apiKey !== undefined && { apiKey }), ...(price && { price }) };
}

/** Reads and checks the command line of `hostwise canary`; throws UsageError naming the flag. */
export function parseCanaryArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CanaryArgs {
  const values = parseFlags("canary", argv, {
    url: { type: "string" },
    "api-key": { type: "string" },
    model: { type: "string" },
    concurrency: { type: "string" },
    requests: { type: "string" },
    duration: { type: "string" },
    timeout: { type: "string" },
    "prompt-tokens": { type: "string" },
    "output-tokens": { type: "string" },
    "stop-at-eos": { type: "boolean", default: false },
    prompts: { type: "string" },
    "hourly-usd": { type: "string" },
    "modeled-usd-per-mtok": { type: "string" },
    "api-price": { type: "string" },
    "api-name": { type: "string" },
    "min-stream-tokens-per-second": { type: "string" },
    "out-dir": { type: "string" },
    json: { type: "boolean", default: false },
    stack: { type: "string" },
    dir: { type: "string" },
    wake: { type: "boolean", default: false },
    "wake-timeout": { type: "string" },
    "compare-url": { type: "string" },
    "compare-model": { type: "string" },
    "compare-name": { type: "string" },
    "compare-api-key-env": { type: "string" },
    "compare-input-price": { type: "string" },
    "compare-output-price": { type: "string" },
    eval: { type: "string" },
    "no-eval": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { help: true };
  const compare = parseCompare(values, env);
  if (values.eval !== undefined && values["no-eval"]) throw new UsageError("--eval and --no-eval: choose one", "drop one of them");
  if (values["no-eval"] && !compare) throw new UsageError("--no-eval: only with --compare-url (without it no eval runs unless --eval asks)", "drop --no-eval");
  if (values.eval !== undefined && values.eval.trim() === "") throw new UsageError("--eval: empty", 'give a JSONL file, or "default" for the shipped set');
  const evalSet = values.eval !== undefined ? (values.eval === "default" ? {} : { file: values.eval }) : compare && !values["no-eval"] ? {} : undefined;
  if (values.stack !== undefined && values.url !== undefined) {
    throw new UsageError("--stack and --url: give one target", "--stack reaches the stack's private endpoint itself; drop --url");
  }
  if (values.dir !== undefined && values.stack === undefined) throw new UsageError("--dir: only with --stack", "drop --dir, or add --stack NAME");
  if ((values.wake || values["wake-timeout"] !== undefined) && values.stack === undefined) throw new UsageError("--wake: only with --stack", "add --stack NAME, or drop --wake");
  const wakeTimeout = numberFlag("--wake-timeout", values["wake-timeout"], RANGES.wakeTimeoutSeconds, "1800");
  if (values.stack !== undefined && values.stack.trim() === "") throw new UsageError("--stack: empty", "give the stack name, e.g. --stack dev");
  const target = values.stack !== undefined
    ? {
        stack: { name: checkStackName(values.stack, { qualified: true }), dir: resolve(cwd, values.dir ?? ".") },
        ...(values.wake ? { wake: true } : {}),
        ...(wakeTimeout !== undefined ? { wakeTimeoutSeconds: wakeTimeout } : {}),
      }
    : { url: parseUrl(values.url) };
  const concurrency = parseConcurrency(values.concurrency);
  const requests = numberFlag("--requests", values.requests, RANGES.requests, "32") ?? DEFAULTS.requests;
  const top = concurrency[concurrency.length - 1]!;
  if (requests < top) {
    throw new UsageError(
      `--requests: ${requests} per level is below the highest concurrency, ${top}: that level would never have ${top} requests in flight`,
      `raise --requests to ${top * 2} or more (twice the concurrency gives a steady state), or lower --concurrency`,
    );
  }
  if (values.prompts !== undefined && values["prompt-tokens"] !== undefined) {
    throw new UsageError("--prompt-tokens: sets the length of synthetic prompts, which --prompts replaces", "drop one of the two");
  }
  if (values.prompts !== undefined && values.prompts.trim() === "") throw new UsageError("--prompts: empty file name", "give the path of a JSONL file");
  const hourlyUsd = numberFlag("--hourly-usd", values["hourly-usd"], RANGES.hourlyUsd, "1.01");
  const modeled = numberFlag("--modeled-usd-per-mtok", values["modeled-usd-per-mtok"], RANGES.usdPerMTok, "0.35");
  const apiPrice = numberFlag("--api-price", values["api-price"], RANGES.usdPerMTok, "0.72");
  const apiName = values["api-name"];
  if (apiPrice !== undefined && (apiName === undefined || apiName.trim() === "")) {
    throw new UsageError("--api-price: needs --api-name, the hosted API it is the price of", "e.g. --api-price 0.72 --api-name bedrock/llama-3.3-70b");
  }
  if (apiName !== undefined && apiPrice === undefined) {
    throw new UsageError("--api-name: needs --api-price, its output price in USD per 1M tokens", "e.g. --api-price 0.72 --api-name bedrock/llama-3.3-70b");
  }
  for (const [flag, given] of [["--modeled-usd-per-mtok", modeled], ["--api-price", apiPrice]] as const) {
    if (given !== undefined && hourlyUsd === undefined && values.stack === undefined) {
      throw new UsageError(`${flag}: needs --hourly-usd, from which the measured cost per token is computed`, "pass --hourly-usd with the stack's GPU cost per hour ('hostwise plan' shows it)");
    }
  }
  const apiKey = values["api-key"] ?? env.HOSTWISE_API_KEY;
  if (values["api-key"] !== undefined && values["api-key"].trim() === "") throw new UsageError("--api-key: empty", "pass the key, or set HOSTWISE_API_KEY");
  if (values.model !== undefined && values.model.trim() === "") throw new UsageError("--model: empty", "give the served model name, or leave --model out to ask the server");
  const minStream = numberFlag("--min-stream-tokens-per-second", values["min-stream-tokens-per-second"], RANGES.tokensPerSecond, "10");
  return {
    help: false,
    ...target,
    ...(apiKey ? { apiKey } : {}),
    ...(values.model !== undefined && { model: values.model }),
    concurrency,
    requests,
    durationSeconds: numberFlag("--duration", values.duration, RANGES.durationSeconds, "60") ?? DEFAULTS.durationSeconds,
    timeoutSeconds: numberFlag("--timeout", values.timeout, RANGES.timeoutSeconds, "120") ?? DEFAULTS.timeoutSeconds,
    promptTokens: numberFlag("--prompt-tokens", values["prompt-tokens"], RANGES.tokens, "512") ?? DEFAULTS.promptTokens,
    outputTokens: numberFlag("--output-tokens", values["output-tokens"], RANGES.tokens, "128") ?? DEFAULTS.outputTokens,
    // Side by side both endpoints get the same request, and hosted APIs reject vLLM's ignore_eos.
    ignoreEos: !values["stop-at-eos"] && !compare,
    ...(values.prompts !== undefined && { promptsFile: values.prompts }),
    ...(hourlyUsd !== undefined && { hourlyUsd }),
    ...(modeled !== undefined && { modeledUsdPerMillionOutputTokens: modeled }),
    ...(apiPrice !== undefined && apiName !== undefined && { hostedApi: { id: apiName, outputUsdPerMTok: apiPrice } }),
    ...(minStream !== undefined && { minStreamTokensPerSecond: minStream }),
    ...(compare && { compare }),
    ...(evalSet && { eval: evalSet }),
    outDir: resolve(cwd, values["out-dir"] ?? "."),
    json: values.json,
  };
}

/** The signals that stop a run: Ctrl-C, or a process manager's SIGTERM. */
export type InterruptSignal = "SIGINT" | "SIGTERM";
/** The conventional exit code of a process stopped by a signal: 128 + its number. */
const SIGNAL_EXIT: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Where runCanary talks to the world; tests pass their own. */
export interface CanaryIo {
  /** stdout: the summary, or the JSON report with --json. */
  readonly out: (s: string) => void;
  /** stderr: what the run is doing, where the reports went, errors. */
  readonly err: (s: string) => void;
  /** Redraws the single progress line (the whole line each time; "" clears it). Absent when stderr is not a terminal. */
  readonly progress?: (line: string) => void;
  /** Installs the Ctrl-C and SIGTERM handler (called with the signal; SIGINT when absent); returns the function that removes it. */
  readonly onInterrupt: (handler: (signal?: InterruptSignal) => void) => () => void;
}

/**
 * The real process: stdout, stderr, a progress line only on a terminal, SIGINT and SIGTERM. The first signal
 * stops the run and lets it clean up; a second one exits at once.
 */
export function processCanaryIo(): CanaryIo {
  return {
    out: (s) => console.log(s),
    err: (s) => console.error(s),
    ...(process.stderr.isTTY && { progress: (line: string) => process.stderr.write(`\r${line}\x1b[K`) }),
    onInterrupt: (handler) => {
      let received = 0;
      const on = (signal: InterruptSignal) => {
        if (++received > 1) {
          console.error(`hostwise canary: ${signal} again: exiting before the cleanup finished (the lines above say what may be left)`);
          process.exit(SIGNAL_EXIT[signal]);
        }
        console.error(`hostwise canary: ${signal}: stopping and cleaning up (${signal} again exits at once)`);
        handler(signal);
      };
      process.on("SIGINT", on);
      process.on("SIGTERM", on);
      return () => {
        process.off("SIGINT", on);
        process.off("SIGTERM", on);
      };
    },
  };
}

const BAR_WIDTH = 24;

/** One progress line: the level, a bar of the larger of request and time progress, the counts. */
export function progressLine(p: Progress): string {
  const fraction = Math.min(1, Math.max(p.completed / p.total, p.elapsedSeconds / p.durationSeconds));
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}`;
  return (
    `concurrency ${p.concurrency} (level ${p.level + 1}/${p.levels}) [${bar}] ${p.completed}/${p.total} requests` +
    `${p.failed ? `, ${p.failed} failed` : ""}, ${Math.floor(Math.min(p.elapsedSeconds, p.durationSeconds))}/${p.durationSeconds} s`
  );
}

function fail(io: CanaryIo, message: string, hint: string, code: number): number {
  io.err(`hostwise: ${message}\n  fix: ${hint}`);
  return code;
}

/** How --stack reaches a deployed stack; tests replace both. */
export interface CanaryDeps {
  /** Seconds between readiness and GPU-node polls on a stack (default 15; tests shorten it). */
  readonly pollSeconds?: number;
  readonly stackOutputs: (stack: string, dir: string) => Record<string, unknown>;
  readonly kubectl: KubectlDeps;
}

const REAL_DEPS: CanaryDeps = { stackOutputs: readStackOutputs, kubectl: { kubectl: realKubectl } };

/** --out-dir exists (created if need be) and takes files: checked before anything runs or wakes. */
function checkOutDir(dir: string): void {
  const probe = join(dir, `.hostwise-canary-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (e) {
    throw new UsageError(`--out-dir ${dir}: cannot write the reports there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass a writable directory with --out-dir");
  }
}

/** What a run knows while it runs: the interrupt (set by the signal handler) and the secrets to keep out of output. */
interface RunState {
  readonly stop: AbortController;
  signal?: InterruptSignal;
  readonly secrets: Array<string | undefined>;
}

const interruptedExit = (state: RunState) => SIGNAL_EXIT[state.signal ?? "SIGINT"];

/**
 * Runs the canary and writes canary-report.json and canary-report.md into options.outDir. Resolves to the
 * exit code (see CANARY_HELP). The interrupt handler is installed first: a Ctrl-C or SIGTERM at any moment
 * — reading the stack, waking a replica, forwarding the port, the load — stops what runs, hands a woken stack
 * back to KEDA, stops kubectl, removes the temporary kubeconfig and writes whatever report exists. Nothing
 * printed or written carries the API key or a URL credential.
 */
export async function runCanary(options: CanaryOptions, terminal: CanaryIo = processCanaryIo(), deps: CanaryDeps = REAL_DEPS): Promise<number> {
  const state: RunState = { stop: new AbortController(), secrets: [options.apiKey, options.compare?.apiKey] };
  const clean = (s: string) => terminalText(redactText(s, state.secrets));
  const io: CanaryIo = { ...terminal, out: (s) => terminal.out(clean(s)), err: (s) => terminal.err(clean(s)) };
  const removeInterrupt = io.onInterrupt((signal) => {
    state.signal ??= signal ?? "SIGINT";
    state.stop.abort();
  });
  try {
    try {
      checkOutDir(options.outDir);
    } catch (e) {
      if (e instanceof UsageError) return fail(io, e.message, e.hint, 2);
      throw e;
    }
    if (!options.stack) return await runAgainst(options, options.url!, io, state);
    return await runOnStack(options, options.stack.name, io, deps, state);
  } finally {
    removeInterrupt();
  }
}

async function runOnStack(options: CanaryOptions, stack: string, io: CanaryIo, deps: CanaryDeps, state: RunState): Promise<number> {
  let target: StackTarget;
  try {
    target = stackTargetFromOutputs(stack, deps.stackOutputs(stack, options.stack!.dir));
    state.secrets.push(target.apiKey);
  } catch (e) {
    if (e instanceof UsageError) return fail(io, e.message, e.hint, 2);
    if (e instanceof PulumiCliError) return fail(io, `--stack ${stack}: ${e.message}`, "install the Pulumi CLI, log in to the stack's backend, and check the stack name (pulumi stack ls)", 1);
    throw e;
  }
  let connection: StackConnection;
  try {
    if (state.stop.signal.aborted) throw new ConnectInterrupted(`--stack ${stack}: stopped before the endpoint was reached`);
    const wake = { wake: options.wake ?? false, timeoutSeconds: options.wakeTimeoutSeconds ?? DEFAULT_WAKE_TIMEOUT_SECONDS, log: io.err };
    connection = await connectToStack(stack, target, deps.kubectl, wake, state.stop.signal);
  } catch (e) {
    if (e instanceof ConnectInterrupted) {
      io.err(`hostwise canary: ${e.message}; cleaned up, nothing measured, no report written`);
      return interruptedExit(state);
    }
    if (e instanceof UsageError) return fail(io, e.message, e.hint, 1);
    return fail(io, `--stack ${stack}: cannot reach the endpoint: ${(e as Error).message}`, "check that kubectl is installed and that this machine reaches the cluster API (see the README's 'Reaching the endpoint')", 1);
  }
  let code: number;
  const pollSeconds = deps.pollSeconds ?? STACK_POLL_SECONDS;
  const meter = new GpuNodeMeter(connection.countGpuNodes, pollSeconds);
  try {
    await meter.start();
    const cold = connection.readyReplicas === 0;
    io.err(
      `hostwise canary: stack ${stack}, ${connection.readyReplicas} ready replica(s) through ${redactUrl(connection.url)} (the entry point)` +
        (cold ? `; at zero: the first request wakes it, the cold path is measured (up to ${options.wakeTimeoutSeconds ?? DEFAULT_WAKE_TIMEOUT_SECONDS} s)` : ""),
    );
    const nodeHourlyUsd = target.gpuNodeMonthlyUsd / HOURS_PER_MONTH;
    const stackRun: StackRun = {
      ...(target.fallback ? {} : { defaultBackend: "vllm" as const }),
      ...(cold && {
        coldStart: (request: ColdPathOptions["request"]) =>
          probeColdPath({
            request,
            requestTimeoutSeconds: options.timeoutSeconds,
            deadlineSeconds: options.wakeTimeoutSeconds ?? DEFAULT_WAKE_TIMEOUT_SECONDS,
            readyReplicas: connection.countReady,
            ...(target.fallback ? {} : { defaultBackend: "vllm" as const }),
            signal: state.stop.signal,
            pollSeconds,
            log: io.err,
          }),
      }),
      costNow: async () => costOfRunningReplicas(target, cold ? await connection.countReady().catch(() => 0) : connection.readyReplicas),
      split: async (levels, coldPath) => costSplit(levels, coldPath, { nodeSeconds: await meter.stop(), nodeHourlyUsd }, target.fallback),
    };
    code = await runAgainst(
      {
        ...options,
        apiKey: options.apiKey ?? target.apiKey,
        model: options.model ?? target.model,
        ...(options.hostedApi ?? target.hostedApi ? { hostedApi: options.hostedApi ?? target.hostedApi } : {}),
      },
      connection.url,
      io,
      state,
      stackRun,
    );
  } finally {
    await meter.stop().catch(() => 0);
    try {
      await connection.close();
    } catch (e) {
      io.err(`hostwise: warning: ${(e as Error).message}`);
      code = 1;
    }
  }
  return code;
}

/** Readiness and GPU nodes are polled this often on a stack: KEDA's polling interval. */
const STACK_POLL_SECONDS = 15;

/** What a run against a deployed stack adds: the cold path, the backend of unlabelled answers, the cost split. */
interface StackRun {
  readonly defaultBackend?: Backend;
  /** Present when the stack was at zero: sends the first request and measures the wake. */
  readonly coldStart?: (request: ColdPathOptions["request"]) => Promise<ColdPath>;
  /** The hourly cost of the replicas running now (after a cold path: the ones it woke) and their modeled $/1M. */
  readonly costNow: () => Promise<{ hourlyUsd: number; modeledUsdPerMillionOutputTokens: number }>;
  /** After the load: GPU node time metered over the run and the fallback API's tokens, priced. */
  readonly split: (levels: readonly LevelResult[], coldPath: ColdPath | undefined) => Promise<CostSplit>;
}

/** The run with every secret redacted from what the server said and from the URL. */
function redactRun(result: RunResult, secrets: readonly (string | undefined)[]): RunResult {
  return { ...redactDeep(result, secrets), baseUrl: redactUrl(redactText(result.baseUrl, secrets)) };
}

/** Eval items in flight per endpoint: enough to finish a set in seconds, few enough for an API's rate limit. */
const EVAL_CONCURRENCY = 4;

/** One eval item asked of one endpoint, the answer's text kept (reasoning left out). Never rejects. */
async function ask(target: Target, item: EvalItem, timeoutSeconds: number, signal: AbortSignal): Promise<Answer> {
  const r = await streamChat({
    baseUrl: target.baseUrl,
    ...(target.apiKey !== undefined && { apiKey: target.apiKey }),
    model: target.model,
    messages: item.messages,
    maxTokens: item.maxTokens,
    ignoreEos: false,
    timeoutSeconds,
    signal,
    keepText: true,
  });
  return r.ok ? { ok: true, text: r.text ?? "" } : { ok: false, error: `${r.error!.kind}: ${r.error!.message}` };
}

/** The endpoint under test as the reports name it: the stack, or the URL's host. */
function endpointName(options: CanaryOptions, url: string): string {
  return options.stack ? `stack ${options.stack.name}` : new URL(url).host;
}

/** The load test against one base URL (and the compared endpoint beside it), the answers, then the reports. */
async function runAgainst(options: CanaryOptions, url: string, io: CanaryIo, state: RunState, stack?: StackRun): Promise<number> {
  let prompts: PromptSource;
  let evalSet: EvalSet | undefined;
  try {
    prompts = options.promptsFile !== undefined ? loadPromptFile(options.promptsFile) : syntheticPrompts(options.promptTokens);
    evalSet = options.eval ? loadEvalSet(options.eval.file) : undefined;
  } catch (e) {
    if (e instanceof UsageError) return fail(io, e.message, e.hint, 2);
    throw e;
  }

  const stop = state.stop;
  let ticker: NodeJS.Timeout | undefined;
  try {
    /** The model to ask for: given, or the first the server lists; an exit code when it cannot be had. */
    const modelOf = async (who: string, base: string, key: string | undefined, given: string | undefined, flags: string, modelFlag: string): Promise<string | number> => {
      if (given !== undefined) return given;
      try {
        const model = (await listModels(base, key, Math.min(options.timeoutSeconds, 30), stop.signal))[0];
        return model ?? fail(io, `${who} lists no models at /v1/models`, `pass ${modelFlag} with the served model name`, 1);
      } catch (e) {
        if (stop.signal.aborted) {
          io.err("hostwise canary: stopped before the run started; nothing measured, no report written");
          return interruptedExit(state);
        }
        return fail(io, `cannot ask ${who} for its model: ${(e as Error).message}`, `check ${flags}, or pass ${modelFlag}`, 1);
      }
    };
    const model = await modelOf("the server", url, options.apiKey, options.model, "--url and --api-key (or HOSTWISE_API_KEY)", "--model");
    if (typeof model === "number") return model;
    const compare = options.compare;
    let compareTarget: Target | undefined;
    if (compare) {
      const compareModel = await modelOf("the compared endpoint", compare.url, compare.apiKey, compare.model, "--compare-url and --compare-api-key-env", "--compare-model");
      if (typeof compareModel === "number") return compareModel;
      compareTarget = { baseUrl: compare.url, ...(compare.apiKey !== undefined && { apiKey: compare.apiKey }), model: compareModel };
    }

    const plan: LoadPlan = {
      baseUrl: url,
      ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
      model,
      concurrency: options.concurrency,
      requestsPerLevel: options.requests,
      durationSeconds: options.durationSeconds,
      timeoutSeconds: options.timeoutSeconds,
      maxTokens: options.outputTokens,
      ignoreEos: options.ignoreEos,
      prompts,
      ...(stack?.defaultBackend && { defaultBackend: stack.defaultBackend }),
    };
    const names = [endpointName(options, url), ...(compare ? [compare.name] : [])];
    const coldPath = stack?.coldStart
      ? await stack.coldStart({
          baseUrl: url,
          ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
          model,
          messages: prompts.messagesFor(0),
          maxTokens: options.outputTokens,
          ignoreEos: options.ignoreEos,
        })
      : undefined;
    const running = stack ? await stack.costNow() : undefined;
    if (running) {
      options = {
        ...options,
        hourlyUsd: options.hourlyUsd ?? running.hourlyUsd,
        modeledUsdPerMillionOutputTokens: options.modeledUsdPerMillionOutputTokens ?? running.modeledUsdPerMillionOutputTokens,
      };
    }
    io.err(
      `hostwise canary: ${model} at ${redactUrl(url)}${compareTarget ? ` beside ${compareTarget.model} at ${redactUrl(compareTarget.baseUrl)}` : ""}, ` +
        `concurrency ${options.concurrency.join(", ")}; at most ${Math.round(maxRunSeconds(plan))} s of load` +
        `${evalSet ? `, then ${evalSet.name} to answer` : ""} (Ctrl-C stops it and keeps what was measured)`,
    );

    // The runner reports on each finished request; the ticker keeps the clock moving between them.
    let last: { p: Progress; at: number } | undefined;
    const draw = io.progress;
    const onProgress = draw
      ? (p: Progress) => {
          last = { p, at: Date.now() };
          draw(progressLine(p));
        }
      : undefined;
    if (draw) {
      ticker = setInterval(() => {
        if (last) draw(progressLine({ ...last.p, elapsedSeconds: last.p.elapsedSeconds + (Date.now() - last.at) / 1000 }));
      }, 1000);
      ticker.unref();
    }
    const hooks = { signal: stop.signal, ...(onProgress && { onProgress }) };
    const runs = compareTarget ? await runSideBySide(plan, [compareTarget], hooks) : [await runLoad(plan, hooks)];
    const results = runs.map((r) => redactRun(r, state.secrets));
    if (ticker) clearInterval(ticker);
    draw?.("");

    let answers: EvalResult | undefined;
    if (evalSet && !stop.signal.aborted) {
      const targets: Target[] = [plan, ...(compareTarget ? [compareTarget] : [])];
      answers = redactDeep(
        await runEval(evalSet, names, (e, item) => ask(targets[e]!, item, options.timeoutSeconds, stop.signal), { concurrency: EVAL_CONCURRENCY, signal: stop.signal }),
        state.secrets,
      );
    }
    const checks = new Map(evalSet?.items.map((i) => [i.id, i.check]));

    const cost: CostInputs = {
      ...(options.hourlyUsd !== undefined && { hourlyUsd: options.hourlyUsd }),
      ...(options.modeledUsdPerMillionOutputTokens !== undefined && { modeledUsdPerMillionOutputTokens: options.modeledUsdPerMillionOutputTokens }),
      ...(options.hostedApi && { hostedApi: options.hostedApi }),
      ...(options.minStreamTokensPerSecond !== undefined && { minStreamTokensPerSecond: options.minStreamTokensPerSecond }),
    };
    const extras = { ...(coldPath && { coldPath: redactDeep(coldPath, state.secrets) }), ...(stack && { split: await stack.split(results[0]!.levels, coldPath) }) };
    const endpoints: ComparedEndpoint[] | undefined = compare
      ? [
          { name: names[0]!, result: results[0]!, pricing: gpuPricing(options) },
          { name: compare.name, result: results[1]!, pricing: listPricing(compare) },
        ]
      : undefined;
    const evalJsonPart = { eval: answers ? evalJson(answers, checks) : null };
    const json = endpoints
      ? { ...sideBySideJson(endpoints, cost), ...stackExtrasJson(extras), ...evalJsonPart }
      : { ...reportJson(results[0]!, cost, extras), ...evalJsonPart };
    const evalMd = answers ? `\n${evalMarkdown(answers, checks)}\n` : "";
    const markdown = (endpoints ? renderSideBySideMarkdown(endpoints, cost) + stackExtrasMarkdown(extras) : renderMarkdown(results[0]!, cost, extras)) + evalMd;
    const summary =
      (endpoints ? [renderSideBySideSummary(endpoints, cost), ...stackExtrasSummary(extras)].join("\n") : renderSummary(results[0]!, cost, extras)) +
      (answers ? `\n${evalScoreLine(answers)}` : "");

    const jsonText = `${JSON.stringify(json, null, 2)}\n`;
    const jsonPath = join(options.outDir, "canary-report.json");
    const mdPath = join(options.outDir, "canary-report.md");
    let written = true;
    try {
      mkdirSync(options.outDir, { recursive: true });
      writeFileSync(jsonPath, jsonText);
      writeFileSync(mdPath, markdown);
    } catch (e) {
      written = false;
      fail(io, `--out-dir: cannot write the report: ${(e as Error).message}`, "pass a writable --out-dir", 1);
    }
    io.out(options.json ? jsonText.trimEnd() : summary);
    if (written) io.err(`hostwise canary: wrote ${jsonPath} and ${mdPath}`);

    if (results[0]!.stoppedBy === "interrupted" || stop.signal.aborted) return interruptedExit(state);
    if (!written) return 1;
    return results.every((r) => r.levels.some((l) => disqualification(l, cost) === undefined)) ? 0 : 1;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** The endpoint under test is priced by the GPU cost per hour of its replicas, when known. */
function gpuPricing(options: CanaryOptions): EndpointPricing {
  return options.hourlyUsd !== undefined
    ? { kind: "gpu-hourly", hourlyUsd: options.hourlyUsd }
    : { kind: "none", why: "no GPU cost per hour (--hourly-usd, or --stack)" };
}

/** The compared endpoint is priced by its list prices times the tokens it reports. */
function listPricing(compare: CompareOptions): EndpointPricing {
  return compare.price
    ? { kind: "list-price", ...compare.price }
    : { kind: "none", why: "no list price (name a catalog API with --compare-name, or give --compare-input-price and --compare-output-price)" };
}
