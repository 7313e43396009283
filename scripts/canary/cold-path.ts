// `hostwise canary --stack` on a stack at zero: the first request wakes it through the entry point. This
// measures that cold path — how long until the first token, which backend answered, how many 503 +
// Retry-After the hold ended in, when a replica became ready and vLLM answered itself — and meters the GPU
// nodes for the whole run, so the report can split what the run cost between GPU time and API tokens.

import { performance } from "node:perf_hooks";
import type { Backend } from "../../infra/k8s/entry-routing";
import type { LevelResult } from "./run";
import { streamChat, type ChatRequest, type RequestResult } from "./request";

/** One request of the cold path, timed from the start of the path. */
export interface ColdAttempt {
  readonly atSeconds: number;
  readonly status?: number;
  readonly backend?: Backend | "unlabelled";
  readonly error?: string;
  readonly retryAfterSeconds?: number;
}

export interface ColdPath {
  readonly attempts: readonly ColdAttempt[];
  /** The first answer: seconds from the first attempt to its first token, its backend, the attempts it took. */
  readonly firstAnswer?: { readonly ttftSeconds: number; readonly backend: Backend | "unlabelled"; readonly attempts: number };
  /** Seconds from the first attempt to the first token of the first answer vLLM served itself. */
  readonly firstVllmSeconds?: number;
  /** Seconds until the deployment reported a ready replica. */
  readonly replicaReadySeconds?: number;
  readonly stoppedBy: "vllm" | "deadline" | "interrupted";
  /** Tokens of the cold path's answers the fallback API served, and of all its answers. */
  readonly fallbackUsage: { readonly promptTokens: number; readonly outputTokens: number };
  readonly outputTokens: number;
}

export interface ColdPathOptions {
  /** One streaming request as the load test sends it, minus the timeout and signal. */
  readonly request: Omit<ChatRequest, "timeoutSeconds" | "signal">;
  readonly requestTimeoutSeconds: number;
  /** The whole cold path may take this long (the canary's --wake-timeout). */
  readonly deadlineSeconds: number;
  /** Ready replicas of the vLLM deployment. */
  readonly readyReplicas: () => Promise<number>;
  /** The backend of an answer that names none (a stack without a fallback: vLLM). */
  readonly defaultBackend?: Backend;
  readonly signal?: AbortSignal;
  /** How often readiness is polled, and the wait between attempts after a fallback answer or an error. */
  readonly pollSeconds?: number;
  readonly log?: (line: string) => void;
  /** Replaceable for tests. */
  readonly send?: (request: ChatRequest) => Promise<RequestResult>;
}

/** Waits `seconds`, or less when the signal fires. */
function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || seconds <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Sends the first request to a stack at zero and keeps at it until vLLM itself answers, the deadline passes
 * or the run is stopped: a 503 is retried after its Retry-After, an answer from the fallback API (the stack
 * serves from it while cold) is followed by another once a readiness poll has passed, any other failure after
 * a poll interval. Readiness is polled throughout. Bounded by the deadline in every branch.
 */
export async function probeColdPath(o: ColdPathOptions): Promise<ColdPath> {
  const send = o.send ?? streamChat;
  const poll = o.pollSeconds ?? 15;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const attempts: ColdAttempt[] = [];
  let firstAnswer: ColdPath["firstAnswer"];
  let firstVllmSeconds: number | undefined;
  let replicaReadySeconds: number | undefined;
  const usage = { promptTokens: 0, outputTokens: 0 };
  let outputTokens = 0;

  let polling = true;
  const readiness = (async () => {
    while (polling && !o.signal?.aborted && elapsed() < o.deadlineSeconds) {
      const ready = await o.readyReplicas().catch(() => 0);
      if (ready > 0) {
        replicaReadySeconds = elapsed();
        return;
      }
      await sleep(poll, o.signal);
    }
  })();

  let stoppedBy: ColdPath["stoppedBy"] = "deadline";
  try {
    for (;;) {
      if (o.signal?.aborted) {
        stoppedBy = "interrupted";
        break;
      }
      const remaining = o.deadlineSeconds - elapsed();
      if (remaining <= 0) break;
      const startedAt = elapsed();
      const r = await send({ ...o.request, timeoutSeconds: Math.min(o.requestTimeoutSeconds, remaining), ...(o.signal && { signal: o.signal }) });
      if (r.error?.kind === "aborted") {
        stoppedBy = "interrupted";
        break;
      }
      const backend = r.ok ? r.backend ?? o.defaultBackend ?? "unlabelled" : r.backend;
      attempts.push({
        atSeconds: startedAt,
        ...(r.status !== undefined && { status: r.status }),
        ...(backend !== undefined && { backend }),
        ...(r.error && { error: r.error.kind }),
        ...(r.retryAfterSeconds !== undefined && { retryAfterSeconds: r.retryAfterSeconds }),
      });
      if (r.ok && backend) {
        const ttft = startedAt + (r.ttftSeconds ?? r.e2eSeconds);
        firstAnswer ??= { ttftSeconds: ttft, backend, attempts: attempts.length };
        outputTokens += r.outputTokens;
        if (backend === "fallback") {
          usage.promptTokens += r.promptTokens ?? 0;
          usage.outputTokens += r.outputTokens;
        } else {
          firstVllmSeconds = ttft;
          stoppedBy = "vllm";
          break;
        }
        o.log?.(`hostwise canary: cold path: answered by the fallback API after ${ttft.toFixed(1)} s; waiting for vLLM`);
        await sleep(Math.min(poll, o.deadlineSeconds - elapsed()), o.signal);
      } else if (r.status === 503 && r.retryAfterSeconds !== undefined) {
        o.log?.(`hostwise canary: cold path: 503 after ${elapsed().toFixed(0)} s (vLLM still starting); retrying after ${r.retryAfterSeconds} s`);
        await sleep(Math.min(r.retryAfterSeconds, o.deadlineSeconds - elapsed()), o.signal);
      } else {
        await sleep(Math.min(poll, o.deadlineSeconds - elapsed()), o.signal);
      }
    }
  } finally {
    polling = false;
  }
  await readiness;
  return {
    attempts,
    ...(firstAnswer && { firstAnswer }),
    ...(firstVllmSeconds !== undefined && { firstVllmSeconds }),
    ...(replicaReadySeconds !== undefined && { replicaReadySeconds }),
    stoppedBy,
    fallbackUsage: usage,
    outputTokens,
  };
}

/** GPU nodes counted at a fixed interval for the length of a run: node-seconds, the base of the GPU $. */
export class GpuNodeMeter {
  private nodeSeconds = 0;
  private last?: { at: number; nodes: number };
  private timer?: NodeJS.Timeout;
  private pending: Promise<void> = Promise.resolve();
  private stopped?: Promise<number>;

  constructor(private readonly count: () => Promise<number>, private readonly intervalSeconds = 15, private readonly now = () => performance.now() / 1000) {}

  /** Each sample counts until the next: a node that boots mid-interval is billed from the next sample. */
  private sample(): Promise<void> {
    this.pending = this.pending.then(async () => {
      const nodes = await this.count().catch(() => this.last?.nodes ?? 0);
      const at = this.now();
      if (this.last) this.nodeSeconds += this.last.nodes * (at - this.last.at);
      this.last = { at, nodes };
    });
    return this.pending;
  }

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops sampling and returns the node-seconds measured (the same figure on every later call). */
  stop(): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.stopped ??= this.sample().then(() => this.nodeSeconds);
    return this.stopped;
  }
}

/** What the run cost, split between the GPU nodes it kept up and the tokens the fallback API billed. */
export interface CostSplit {
  readonly gpuNodeSeconds: number;
  readonly gpuUsd: number;
  readonly api?: { readonly id: string; readonly promptTokens: number; readonly outputTokens: number; readonly usd: number };
  readonly totalUsd: number;
  /** Output tokens of every successful answer, both backends. */
  readonly outputTokens: number;
  /** totalUsd per 1M of them. */
  readonly blendedUsdPerMillionOutputTokens?: number;
}

export function costSplit(
  levels: readonly LevelResult[],
  coldPath: ColdPath | undefined,
  gpu: { readonly nodeSeconds: number; readonly nodeHourlyUsd: number },
  fallback?: { readonly id: string; readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number },
): CostSplit {
  const promptTokens = levels.reduce((n, l) => n + l.fallbackUsage.promptTokens, coldPath?.fallbackUsage.promptTokens ?? 0);
  const apiOutput = levels.reduce((n, l) => n + l.fallbackUsage.outputTokens, coldPath?.fallbackUsage.outputTokens ?? 0);
  const outputTokens = levels.reduce((n, l) => n + l.outputTokens, coldPath?.outputTokens ?? 0);
  const gpuUsd = (gpu.nodeSeconds / 3600) * gpu.nodeHourlyUsd;
  const api = fallback && {
    id: fallback.id,
    promptTokens,
    outputTokens: apiOutput,
    usd: (promptTokens * fallback.inputUsdPerMTok + apiOutput * fallback.outputUsdPerMTok) / 1e6,
  };
  const totalUsd = gpuUsd + (api?.usd ?? 0);
  return {
    gpuNodeSeconds: gpu.nodeSeconds,
    gpuUsd,
    ...(api && { api }),
    totalUsd,
    outputTokens,
    ...(outputTokens > 0 && { blendedUsdPerMillionOutputTokens: (totalUsd / outputTokens) * 1e6 }),
  };
}
