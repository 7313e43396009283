// The load runner: steps through concurrency levels, keeping exactly N requests in flight at each, and
// summarises every level. Bounded three ways: requests per level, seconds per level, and a cap on the run.

import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import type { PromptSource } from "./prompts";
import type { Backend } from "../../infra/k8s/entry-routing";
import { createAgent, streamChat, type ChatRequest, type RequestResult } from "./request";
import { percentile, summarize, type Summary } from "./stats";

/** An endpoint to load: an OpenAI-compatible base URL, its key and the model to ask for. */
export interface Target {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly model: string;
}

export interface LoadPlan extends Target {
  /** Concurrency levels, run in this order. */
  readonly concurrency: readonly number[];
  /** A level ends once this many requests have been issued and have finished... */
  readonly requestsPerLevel: number;
  /** ...or once this many seconds have passed: no request starts after that, those in flight finish. */
  readonly durationSeconds: number;
  readonly timeoutSeconds: number;
  readonly maxTokens: number;
  readonly ignoreEos: boolean;
  readonly prompts: PromptSource;
  /** The backend of a successful answer that names none (a hostwise stack without a fallback: vLLM). */
  readonly defaultBackend?: Backend;
  /** Hard cap on the whole run (default: maxRunSeconds of the plan); in-flight requests are aborted at it. */
  readonly maxTotalSeconds?: number;
}

export interface Progress {
  /** 0-based index of the level in the plan. */
  readonly level: number;
  readonly levels: number;
  readonly concurrency: number;
  /** Requests of this level that have finished (successfully or not), on every endpoint. */
  readonly completed: number;
  /** Requests of this level on every endpoint: requests per level × endpoints. */
  readonly total: number;
  readonly failed: number;
  readonly elapsedSeconds: number;
  readonly durationSeconds: number;
}

export interface RunHooks {
  /** Ctrl-C: stop issuing, abort the requests in flight, return what was measured. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** Sends one request (default: streamChat); replaceable so the runner's bounds can be tested on their own. */
  readonly send?: (request: ChatRequest) => Promise<RequestResult>;
}

export type LevelStop = "requests" | "duration" | "interrupted" | "time cap";

export interface LevelResult {
  readonly concurrency: number;
  /** Why the level ended. */
  readonly stoppedBy: LevelStop;
  readonly wallSeconds: number;
  /** Requests that finished, cancelled ones excluded: ok + failed. */
  readonly completed: number;
  readonly ok: number;
  readonly failed: number;
  /** Aborted by Ctrl-C or the run's time cap: neither success nor the server's failure. */
  readonly cancelled: number;
  /** failed / completed (0 when nothing completed). */
  readonly errorRate: number;
  readonly errors: Readonly<Record<string, number>>;
  /** One message per error kind, the first seen. */
  readonly errorExamples: Readonly<Record<string, string>>;
  /** Latencies of successful requests, in seconds. ITL pools every gap of every request. */
  readonly ttft?: Summary;
  readonly itl?: Summary;
  readonly e2e?: Summary;
  /** Per successful request: (output tokens − 1) / (e2e − TTFT), the speed at which its tokens arrived. */
  readonly streamTokensPerSecond?: Summary;
  /** The speed 95% of the streams reached or beat (the 5th percentile of streamTokensPerSecond). */
  readonly streamTokensPerSecondP95Floor?: number;
  /** Successful requests per second of level wall time. */
  readonly requestsPerSecond: number;
  /** Output tokens of successful requests per second of level wall time. */
  readonly outputTokensPerSecond: number;
  readonly outputTokens: number;
  /** How the output tokens were counted: the server's usage, or content chunks when it sent none. */
  readonly outputTokensSource: { readonly usage: number; readonly chunks: number };
  readonly meanPromptTokens?: number;
  /** What the server reported in `usage` for the successful requests that carried it: what an API bills. */
  readonly usage: { readonly requests: number; readonly promptTokens: number; readonly completionTokens: number };
  /** Successful requests by the backend that served them ("unlabelled": the server did not say). */
  readonly backends: Readonly<Record<string, number>>;
  /** Tokens of the requests the fallback API served (what it bills). */
  readonly fallbackUsage: { readonly promptTokens: number; readonly outputTokens: number };
}

export interface RunResult {
  readonly startedAt: string;
  readonly baseUrl: string;
  readonly model: string;
  /** The plan's settings, with the prompts described rather than included. */
  readonly settings: Pick<LoadPlan, "concurrency" | "requestsPerLevel" | "durationSeconds" | "timeoutSeconds" | "maxTokens" | "ignoreEos"> & {
    readonly prompts: string;
  };
  /** True when the run stopped before its last level ended by itself (Ctrl-C or the time cap). */
  readonly partial: boolean;
  readonly stoppedBy?: "interrupted" | "time cap";
  readonly wallSeconds: number;
  readonly levels: readonly LevelResult[];
}

/**
 * The longest a plan can run if every bound holds: per level its duration, then one request timeout for the
 * last requests issued, plus a second of slack for timers.
 */
export function maxRunSeconds(plan: Pick<LoadPlan, "concurrency" | "durationSeconds" | "timeoutSeconds">): number {
  return plan.concurrency.length * (plan.durationSeconds + plan.timeoutSeconds + 1);
}

/** The summary of one level's requests. Pure. */
export function summarizeLevel(concurrency: number, results: readonly RequestResult[], wallSeconds: number, stoppedBy: LevelStop, defaultBackend?: Backend): LevelResult {
  const cancelled = results.filter((r) => r.error?.kind === "aborted").length;
  const done = results.filter((r) => r.error?.kind !== "aborted");
  const good = done.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  const errorExamples: Record<string, string> = {};
  for (const r of done) {
    if (!r.error) continue;
    errors[r.error.kind] = (errors[r.error.kind] ?? 0) + 1;
    errorExamples[r.error.kind] ??= r.error.message;
  }
  const speeds = good
    .filter((r) => r.ttftSeconds !== undefined && r.outputTokens > 1 && r.e2eSeconds > r.ttftSeconds)
    .map((r) => (r.outputTokens - 1) / (r.e2eSeconds - r.ttftSeconds!));
  const outputTokens = good.reduce((sum, r) => sum + r.outputTokens, 0);
  const promptCounts = good.flatMap((r) => (r.promptTokens === undefined ? [] : [r.promptTokens]));
  const withUsage = good.filter((r) => r.outputTokensSource === "usage");
  const perSecond = (n: number) => (wallSeconds > 0 ? n / wallSeconds : 0);
  const ttft = summarize(good.flatMap((r) => (r.ttftSeconds === undefined ? [] : [r.ttftSeconds])));
  const itl = summarize(good.flatMap((r) => r.itlSeconds));
  const e2e = summarize(good.map((r) => r.e2eSeconds));
  const streamTokensPerSecond = summarize(speeds);
  return {
    concurrency,
    stoppedBy,
    wallSeconds,
    completed: done.length,
    ok: good.length,
    failed: done.length - good.length,
    cancelled,
    errorRate: done.length === 0 ? 0 : (done.length - good.length) / done.length,
    errors,
    errorExamples,
    ...(ttft && { ttft }),
    ...(itl && { itl }),
    ...(e2e && { e2e }),
    ...(streamTokensPerSecond && { streamTokensPerSecond, streamTokensPerSecondP95Floor: percentile(speeds, 5) }),
    requestsPerSecond: perSecond(good.length),
    outputTokensPerSecond: perSecond(outputTokens),
    outputTokens,
    outputTokensSource: {
      usage: good.filter((r) => r.outputTokensSource === "usage").length,
      chunks: good.filter((r) => r.outputTokensSource === "chunks").length,
    },
    ...(promptCounts.length > 0 && { meanPromptTokens: promptCounts.reduce((a, b) => a + b, 0) / promptCounts.length }),
    usage: {
      requests: withUsage.length,
      promptTokens: withUsage.reduce((sum, r) => sum + (r.promptTokens ?? 0), 0),
      completionTokens: withUsage.reduce((sum, r) => sum + r.outputTokens, 0),
    },
    ...backendSplit(good, defaultBackend),
  };
}

/** Successful requests counted by backend, and the fallback API's tokens. */
export function backendSplit(good: readonly RequestResult[], defaultBackend?: Backend): Pick<LevelResult, "backends" | "fallbackUsage"> {
  const backends: Record<string, number> = {};
  let promptTokens = 0;
  let outputTokens = 0;
  for (const r of good) {
    const backend = r.backend ?? defaultBackend ?? "unlabelled";
    backends[backend] = (backends[backend] ?? 0) + 1;
    if (backend === "fallback") {
      promptTokens += r.promptTokens ?? 0;
      outputTokens += r.outputTokens;
    }
  }
  return { backends, fallbackUsage: { promptTokens, outputTokens } };
}

/** Runs the plan level by level. Never rejects for request failures; they are counted. */
export async function runLoad(plan: LoadPlan, hooks: RunHooks = {}): Promise<RunResult> {
  return (await runTargets(plan, [plan], hooks))[0]!;
}

/**
 * The plan against the plan's endpoint and `others` at once: at each level every endpoint keeps N requests in
 * flight, their workers started alternately so both see the same moment, the k-th request of each carrying
 * the same prompt. A level ends for all endpoints together (requests or duration); each endpoint's wall
 * time runs to its own last response. One RunResult per endpoint, the plan's first.
 */
export function runSideBySide(plan: LoadPlan, others: readonly Target[], hooks: RunHooks = {}): Promise<RunResult[]> {
  return runTargets(plan, [plan, ...others], hooks);
}

interface TargetLevel {
  readonly results: RequestResult[];
  issued: number;
  failed: number;
  hitDeadline: boolean;
  lastDone: number;
}

async function runTargets(plan: LoadPlan, targets: readonly Target[], hooks: RunHooks): Promise<RunResult[]> {
  const startedAt = new Date();
  const runStart = performance.now();
  const send = hooks.send ?? streamChat;
  const agents = targets.map((t) => createAgent(t.baseUrl));
  const stop = new AbortController();
  // Every request in flight listens on this signal; Node warns past 10 listeners by default.
  setMaxListeners(Math.max(...plan.concurrency) * targets.length + 10, stop.signal);
  let stoppedBy: "interrupted" | "time cap" | undefined;
  const halt = (why: "interrupted" | "time cap") => {
    stoppedBy ??= why;
    stop.abort();
  };
  const onInterrupt = () => halt("interrupted");
  if (hooks.signal?.aborted) onInterrupt();
  hooks.signal?.addEventListener("abort", onInterrupt, { once: true });
  const cap = setTimeout(() => halt("time cap"), (plan.maxTotalSeconds ?? maxRunSeconds(plan)) * 1000);

  const levels: LevelResult[][] = targets.map(() => []);
  try {
    for (const [level, concurrency] of plan.concurrency.entries()) {
      if (stop.signal.aborted) break;
      const levelStart = performance.now();
      const deadline = levelStart + plan.durationSeconds * 1000;
      const state: TargetLevel[] = targets.map(() => ({ results: [], issued: 0, failed: 0, hitDeadline: false, lastDone: levelStart }));
      const report = () =>
        hooks.onProgress?.({
          level,
          levels: plan.concurrency.length,
          concurrency,
          completed: state.reduce((n, s) => n + s.results.length, 0),
          total: plan.requestsPerLevel * targets.length,
          failed: state.reduce((n, s) => n + s.failed, 0),
          elapsedSeconds: (performance.now() - levelStart) / 1000,
          durationSeconds: plan.durationSeconds,
        });
      // Each worker keeps one request in flight; N workers per endpoint keep N in flight until a bound stops them.
      const worker = async (t: number) => {
        const s = state[t]!;
        const target = targets[t]!;
        while (!stop.signal.aborted && s.issued < plan.requestsPerLevel) {
          if (performance.now() >= deadline) {
            s.hitDeadline = true;
            return;
          }
          const index = level * plan.requestsPerLevel + s.issued++;
          const result = await send({
            baseUrl: target.baseUrl,
            ...(target.apiKey !== undefined && { apiKey: target.apiKey }),
            model: target.model,
            messages: plan.prompts.messagesFor(index),
            maxTokens: plan.maxTokens,
            ignoreEos: plan.ignoreEos,
            timeoutSeconds: plan.timeoutSeconds,
            signal: stop.signal,
            agent: agents[t]!,
          });
          s.results.push(result);
          s.lastDone = performance.now();
          if (!result.ok && result.error?.kind !== "aborted") s.failed++;
          report();
        }
      };
      report();
      const workers = Math.min(concurrency, plan.requestsPerLevel);
      await Promise.all(Array.from({ length: workers * targets.length }, (_, i) => worker(i % targets.length)));
      for (const [t, s] of state.entries()) {
        const levelStop: LevelStop = stoppedBy ?? (s.hitDeadline ? "duration" : "requests");
        if (s.results.length > 0) levels[t]!.push(summarizeLevel(concurrency, s.results, (s.lastDone - levelStart) / 1000, levelStop, t === 0 ? plan.defaultBackend : undefined));
      }
    }
  } finally {
    clearTimeout(cap);
    hooks.signal?.removeEventListener("abort", onInterrupt);
    for (const agent of agents) agent.destroy();
  }
  const wallSeconds = (performance.now() - runStart) / 1000;
  return targets.map((target, t) => ({
    startedAt: startedAt.toISOString(),
    baseUrl: target.baseUrl,
    model: target.model,
    settings: {
      concurrency: plan.concurrency,
      requestsPerLevel: plan.requestsPerLevel,
      durationSeconds: plan.durationSeconds,
      timeoutSeconds: plan.timeoutSeconds,
      maxTokens: plan.maxTokens,
      ignoreEos: plan.ignoreEos,
      prompts: plan.prompts.description,
    },
    partial: stoppedBy !== undefined,
    ...(stoppedBy && { stoppedBy }),
    wallSeconds,
    levels: levels[t]!,
  }));
}
