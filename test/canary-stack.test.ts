import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costOfRunningReplicas, stackTargetFromOutputs } from "../scripts/canary/stack-target";
import { runCanary, type CanaryDeps, type CanaryIo, type CanaryOptions } from "../scripts/commands/canary";
import { UsageError } from "../scripts/lib/usage";
import { API_KEY, MODEL, startFakeVllm, type FakeVllm } from "./canary-fake-vllm";
import { PROXY } from "./support/fake-kubectl";
import { costSplit, GpuNodeMeter, probeColdPath } from "../scripts/canary/cold-path";
import { backendOf, retryAfterOf, type RequestResult } from "../scripts/canary/request";
import { backendSplit, type LevelResult } from "../scripts/canary/run";

// `hostwise canary --stack`: outputs of a deployed stack (faked), a kubectl whose port-forward is a local TCP
// proxy to the fake vLLM server, and the reports priced from the stack's cost curves.

const ENDPOINT = {
  url: "http://keda-add-ons-http-interceptor-proxy.keda-http.svc.cluster.local:8080/v1",
  namespace: "keda-http",
  service: "keda-add-ons-http-interceptor-proxy",
  port: 8080,
  servedModelName: MODEL,
};
const OUTPUTS = {
  inferenceEndpoint: ENDPOINT,
  apiKey: API_KEY,
  kubeconfig: '{"apiVersion":"v1","kind":"Config"}',
  sizing: { replicasPerNode: 2 },
  cost: {
    hostedApi: { id: "bedrock/llama-3.1-8b", outputUsdPerMTok: 0.22 },
    curves: { selfHosted: { fixedMonthlyUsd: 292, gpuNodeMonthlyUsd: 730, outputTokensPerNodeMonth: 2_628_000_000 } },
  },
};

let server: FakeVllm;
let out: string;
beforeAll(async () => {
  server = await startFakeVllm({ chunks: 8 });
  out = mkdtempSync(join(tmpdir(), "hostwise-canary-stack-"));
});
afterAll(async () => {
  await server.close();
  rmSync(out, { recursive: true, force: true });
});

function io() {
  const rec = { out: [] as string[], err: [] as string[], handlers: 0, interrupt: undefined as ((signal?: "SIGINT" | "SIGTERM") => void) | undefined };
  const value: CanaryIo = {
    out: (s) => rec.out.push(s),
    err: (s) => rec.err.push(s),
    onInterrupt: (handler) => {
      rec.handlers++;
      rec.interrupt = handler;
      return () => {
        rec.handlers--;
        rec.interrupt = undefined;
      };
    },
  };
  return { io: value, rec };
}

/** The kubeconfig path the canary passed kubectl. */
const kubeconfigOf = (calls: string[][]) => calls[0]![calls[0]!.indexOf("--kubeconfig") + 1]!;

const options = (overrides: Partial<CanaryOptions> = {}): CanaryOptions => ({
  help: false,
  stack: { name: "dev", dir: "/work" },
  concurrency: [1, 2],
  requests: 4,
  durationSeconds: 10,
  timeoutSeconds: 10,
  promptTokens: 16,
  outputTokens: 8,
  ignoreEos: true,
  outDir: out,
  json: false,
  ...overrides,
});

function deps(readyReplicas: string, kubectlCalls: string[][]): CanaryDeps {
  const port = Number(new URL(server.url).port);
  return {
    pollSeconds: 0.05,
    stackOutputs: (stack) => {
      expect(stack).toBe("dev");
      return OUTPUTS;
    },
    kubectl: {
      kubectl: (args) => {
        kubectlCalls.push([...args]);
        return readyReplicas;
      },
      portForward: { command: process.execPath, commandArgs: ["-e", PROXY(port), "--"], readyTimeoutSeconds: 5 },
    },
  };
}

describe("canary --stack", () => {
  it("prices the running replicas from the stack's cost curves", () => {
    const t = stackTargetFromOutputs("dev", OUTPUTS);
    // 3 ready replicas at 2 per node → 2 nodes: ($292 + 2 × $730) / 730 h = $2.40/h;
    // 3 replicas × 2,628,000,000 / 2 tokens/month / 2,628,000 s = 1,500 tokens/s (the second node's free GPU
    // produces nothing) → $2.40 / 3,600 / 1,500 × 1e6 = $0.4444
    const c = costOfRunningReplicas(t, 3);
    expect(c.hourlyUsd).toBeCloseTo(2.4, 10);
    expect(c.modeledUsdPerMillionOutputTokens).toBeCloseTo(0.44444, 4);
    expect(() => stackTargetFromOutputs("dev", { ...OUTPUTS, apiKey: undefined })).toThrow(UsageError);
    // a stack deployed before the entry point: its endpoint output has no Service to forward to
    expect(() => stackTargetFromOutputs("dev", { ...OUTPUTS, inferenceEndpoint: { url: "http://vllm.inference.svc.cluster.local:8000/v1", servedModelName: MODEL } }))
      .toThrow(/predates the entry point/);
  });

  it("reaches the endpoint through a port-forward and writes both reports with the stack's prices", async () => {
    const calls: string[][] = [];
    const { io: recIo, rec } = io();
    const code = await runCanary(options(), recIo, deps("1", calls));
    expect(code).toBe(0);
    expect(calls[0]).toEqual(expect.arrayContaining(["-n", "inference", "get", "deployment", "vllm"]));
    expect(rec.err.join("\n")).toMatch(/stack dev, 1 ready replica\(s\) through http:\/\/127\.0\.0\.1:\d+/);
    const report = JSON.parse(readFileSync(join(out, "canary-report.json"), "utf8"));
    expect(JSON.stringify(report)).toContain("bedrock/llama-3.1-8b");
    expect(server.received.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
    // 1 replica → 1 node: ($292 + $730) / 730 = $1.40/h
    expect(JSON.stringify(report)).toMatch(/1\.4\b/);
    expect(readFileSync(join(out, "canary-report.md"), "utf8")).toContain("```mermaid");
  });

  it("wakes a stack at zero with its first request through the entry point, and reports the cold path and the GPU time", async () => {
    // the entry point holds, then answers 503 + Retry-After twice while vLLM starts; then vLLM answers
    const first = server.received.length;
    server.behavior = (i) => (i - first < 2 ? { status: 503, headers: { "retry-after": "0", "x-hostwise-backend": "none" } } : { chunks: 8 });
    const calls: string[][] = [];
    const forwarded: string[][] = [];
    let gets = 0;
    const d = deps("", calls);
    const waking: CanaryDeps = {
      ...d,
      kubectl: {
        portForward: { ...d.kubectl.portForward, spawn: (command, args, opts) => (forwarded.push([...args]), spawn(command, [...args], opts)) },
        kubectl: (args) => {
          calls.push([...args]);
          if (args.includes("nodes")) return gets > 1 ? "node/ip-10-0-1-1\n" : "";
          return args.includes("deployment") && gets++ > 0 ? "1" : "";
        },
      },
    };
    const { io: recIo, rec } = io();
    const outDir = mkdtempSync(join(tmpdir(), "hostwise-canary-cold-"));
    expect(await runCanary(options({ outDir }), recIo, waking)).toBe(0);
    // the forward goes to the entry point's Service, not vLLM's
    expect(forwarded[0]).toEqual(expect.arrayContaining(["-n", "keda-http", "svc/keda-add-ons-http-interceptor-proxy"]));
    expect(forwarded[0]!.some((a) => /^\d+:8080$/.test(a))).toBe(true);
    expect(rec.err.join("\n")).toMatch(/at zero: the first request wakes it/);
    const report = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(report.coldPath.attempts.map((a: any) => a.status)).toEqual([503, 503, 200]);
    expect(report.coldPath.attempts[0]).toMatchObject({ backend: "none", retryAfterSeconds: 0 });
    expect(report.coldPath.firstAnswer).toMatchObject({ backend: "vllm", attempts: 3 });
    expect(report.coldPath.stoppedBy).toBe("vllm");
    expect(report.coldPath.replicaReadySeconds).not.toBeNull();
    // no fallback: every answer is vLLM's; GPU node time metered, no API
    expect(report.levels[0].backends).toEqual({ vllm: 4 });
    expect(report.costSplit).toMatchObject({ api: null });
    expect(report.costSplit.gpuNodeSeconds).toBeGreaterThanOrEqual(0);
    expect(readFileSync(join(outDir, "canary-report.md"), "utf8")).toMatch(/## Cold path \(the stack was at zero\)[\s\S]*on attempt 3 \(2 × 503 \+ Retry-After while the stack woke\)/);
    rmSync(outDir, { recursive: true, force: true });
    server.behavior = { chunks: 8 };
  });

  it("from zero beside a compared endpoint: the cold path runs first, and the side-by-side reports carry it and the cost split", async () => {
    const first = server.received.length;
    server.behavior = (i) => (i - first < 1 ? { status: 503, headers: { "retry-after": "0", "x-hostwise-backend": "none" } } : { chunks: 8 });
    let gets = 0;
    const d = deps("", []);
    const waking: CanaryDeps = { ...d, kubectl: { ...d.kubectl, kubectl: (args) => (args.includes("deployment") && gets++ > 0 ? "1" : "") } };
    const { io: recIo, rec } = io();
    const outDir = mkdtempSync(join(tmpdir(), "hostwise-canary-cold-compare-"));
    const compare = { url: server.url, name: "the same server", model: MODEL, apiKey: API_KEY };
    expect(await runCanary(options({ outDir, compare }), recIo, waking)).toBe(0);
    const report = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(report.coldPath.attempts.map((a: any) => a.status)).toEqual([503, 200]);
    expect(report.costSplit).toMatchObject({ api: null });
    expect(readFileSync(join(outDir, "canary-report.md"), "utf8")).toMatch(/## Cold path \(the stack was at zero\)[\s\S]*\*\*What the run cost:\*\*/);
    expect(rec.out.join("\n")).toMatch(/Cold path \(the stack was at zero\)\n {2}first token [\d.]+ s after the first request, from vllm, on attempt 2[\s\S]*\nRun cost: GPU nodes/);
    rmSync(outDir, { recursive: true, force: true });
    server.behavior = { chunks: 8 };
  });

  it("on a fallback stack: the hosted API answers while vLLM is cold, and the run's cost splits into GPU time and API tokens", async () => {
    // the first answer comes from the fallback API (100 prompt + 8 output tokens), the next from vLLM
    const first = server.received.length;
    server.behavior = (i) => ({ chunks: 8, promptTokens: 100, headers: { "x-litellm-model-id": i === first ? "fallback" : "vllm" } });
    let gets = 0;
    const d = deps("", []);
    const hybrid: CanaryDeps = {
      ...d,
      stackOutputs: () => ({
        ...OUTPUTS,
        inferenceEndpoint: { ...ENDPOINT, fallbackApi: "fireworks/llama-3.3-70b" },
        cost: { ...OUTPUTS.cost, hybrid: { fallbackApi: "fireworks/llama-3.3-70b", inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9 } },
      }),
      kubectl: { ...d.kubectl, kubectl: (args) => (args.includes("deployment") && gets++ > 0 ? "1" : "") },
    };
    const { io: recIo } = io();
    const outDir = mkdtempSync(join(tmpdir(), "hostwise-canary-hybrid-"));
    expect(await runCanary(options({ outDir }), recIo, hybrid)).toBe(0);
    const report = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(report.coldPath.firstAnswer).toMatchObject({ backend: "fallback", attempts: 1 });
    expect(report.coldPath.firstVllmSeconds).toBeGreaterThan(report.coldPath.firstAnswer.ttftSeconds);
    expect(report.levels.map((l: any) => l.backends)).toEqual([{ vllm: 4 }, { vllm: 4 }]);
    // the API's share: 100 prompt tokens × $0.90 + 8 output tokens × $0.90, per 1M = $0.0000972
    expect(report.costSplit.api).toEqual({ id: "fireworks/llama-3.3-70b", promptTokens: 100, outputTokens: 8, usd: 0.000097 });
    // no GPU node was listed, so the run's GPU time is nothing: the total is the API's share
    expect(report.costSplit.totalUsd).toBeCloseTo(0.0000972, 6);
    rmSync(outDir, { recursive: true, force: true });
    server.behavior = { chunks: 8 };
  });

  it("--wake pins one replica for the run, waits for it, and hands the stack back to KEDA after", async () => {
    const calls: string[][] = [];
    let woken = false;
    const d = deps("", calls);
    const wakingKubectl: CanaryDeps = {
      ...d,
      kubectl: {
        ...d.kubectl,
        kubectl: (args) => {
          calls.push([...args]);
          if (args.includes("annotate") && args.some((a) => a.endsWith("paused-replicas=1"))) woken = true;
          return args.includes("get") ? (woken ? "1" : "") : "";
        },
      },
    };
    const { io: recIo } = io();
    expect(await runCanary(options({ wake: true, wakeTimeoutSeconds: 600 }), recIo, wakingKubectl)).toBe(0);
    const verbs = calls.map((c) => c.slice(4).join(" ")).filter((v) => !v.startsWith("get nodes"));
    expect(verbs).toEqual([
      "get deployment vllm -o jsonpath={.status.readyReplicas}",
      "annotate scaledobject vllm autoscaling.keda.sh/paused-replicas=1 --overwrite",
      "rollout status deployment/vllm --timeout=600s",
      "get deployment vllm -o jsonpath={.status.readyReplicas}",
      "--request-timeout=30s annotate scaledobject vllm autoscaling.keda.sh/paused-replicas-",
    ]);
  });

  it("installs the interrupt handler before --wake pins a replica; Ctrl-C while waiting unpauses, removes the kubeconfig and exits 130", async () => {
    const calls: string[][] = [];
    const { io: recIo, rec } = io();
    let handlersWhenPinned = -1;
    const d = deps("", calls);
    const waiting: CanaryDeps = {
      ...d,
      kubectl: {
        ...d.kubectl,
        kubectl: (args, signal) => {
          calls.push([...args]);
          if (args.some((a) => a.endsWith("paused-replicas=1"))) handlersWhenPinned = rec.handlers;
          if (!args.includes("rollout")) return "";
          // The replica takes its time; Ctrl-C arrives while kubectl waits, and must stop it.
          setTimeout(() => rec.interrupt!("SIGINT"), 20);
          return new Promise((_, reject) => signal!.addEventListener("abort", () => reject(new Error("kubectl rollout status: stopped"))));
        },
      },
    };
    const outDir = mkdtempSync(join(tmpdir(), "hostwise-canary-wake-"));
    expect(await runCanary(options({ wake: true, outDir }), recIo, waiting)).toBe(130);
    expect(handlersWhenPinned).toBe(1);
    expect(calls.map((c) => c.slice(4).join(" "))).toEqual([
      "get deployment vllm -o jsonpath={.status.readyReplicas}",
      "annotate scaledobject vllm autoscaling.keda.sh/paused-replicas=1 --overwrite",
      "rollout status deployment/vllm --timeout=1800s",
      "--request-timeout=30s annotate scaledobject vllm autoscaling.keda.sh/paused-replicas-",
    ]);
    expect(existsSync(kubeconfigOf(calls))).toBe(false);
    expect(existsSync(join(outDir, "canary-report.json"))).toBe(false); // nothing was measured
    expect(rec.err.join("\n")).toMatch(/handing stack dev back to KEDA[\s\S]*stopped before the endpoint was reached; cleaned up, nothing measured/);
    expect(rec.handlers).toBe(0);
    rmSync(outDir, { recursive: true, force: true });
  });

  it("SIGTERM during the run stops kubectl port-forward, hands the stack back, removes the kubeconfig, writes the partial report, exits 143", async () => {
    server.behavior = { chunks: 200, tokenDelayMs: 20 };
    const calls: string[][] = [];
    const children: ChildProcess[] = [];
    const { io: recIo, rec } = io();
    const d = deps("", calls);
    let woken = false;
    const live: CanaryDeps = {
      ...d,
      kubectl: {
        portForward: { ...d.kubectl.portForward, spawn: (command, args, opts) => children[children.push(spawn(command, [...args], opts)) - 1]! },
        kubectl: (args) => {
          calls.push([...args]);
          if (args.some((a) => a.endsWith("paused-replicas=1"))) woken = true;
          return args.includes("get") ? (woken ? "1" : "") : "";
        },
      },
    };
    const outDir = mkdtempSync(join(tmpdir(), "hostwise-canary-term-"));
    const before = server.received.length;
    const running = runCanary(options({ wake: true, outDir, outputTokens: 200 }), recIo, live);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (server.received.length > before) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    rec.interrupt!("SIGTERM");
    expect(await running).toBe(143);
    expect(children).toHaveLength(1);
    expect(children[0]!.exitCode !== null || children[0]!.signalCode !== null).toBe(true); // kubectl port-forward stopped
    expect(calls.filter((c) => !c.includes("nodes")).pop()!.slice(4).join(" ")).toBe("--request-timeout=30s annotate scaledobject vllm autoscaling.keda.sh/paused-replicas-");
    expect(existsSync(kubeconfigOf(calls))).toBe(false);
    const report = JSON.parse(readFileSync(join(outDir, "canary-report.json"), "utf8"));
    expect(report).toMatchObject({ partial: true, stoppedBy: "interrupted" });
    rmSync(outDir, { recursive: true, force: true });
  });
});

// The cold path's parts on their own: the cold path of a stack at zero, the GPU node meter and the cost split, with a scripted server and clock.

const ok = (extra: Partial<RequestResult> = {}): RequestResult => ({ ok: true, status: 200, ttftSeconds: 0.5, itlSeconds: [], e2eSeconds: 1, outputTokens: 8, outputTokensSource: "usage", promptTokens: 100, ...extra });
const unavailable: RequestResult = { ok: false, status: 503, error: { kind: "http_503", message: "starting" }, itlSeconds: [], e2eSeconds: 0, outputTokens: 0, outputTokensSource: "chunks", retryAfterSeconds: 0, backend: "none" };
const base = { request: { baseUrl: "http://x", model: "m", messages: [], maxTokens: 8, ignoreEos: true }, requestTimeoutSeconds: 5, pollSeconds: 0.01 };

describe("cold path", () => {
  it("retries the entry point's 503 after its Retry-After until vLLM answers", async () => {
    const answers = [unavailable, unavailable, ok()];
    const path = await probeColdPath({ ...base, deadlineSeconds: 5, readyReplicas: async () => 1, defaultBackend: "vllm", send: async () => answers.shift()! });
    expect(path.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(path.firstAnswer).toMatchObject({ backend: "vllm", attempts: 3 });
    expect(path.stoppedBy).toBe("vllm");
    expect(path.replicaReadySeconds).toBeDefined();
  });

  it("counts the fallback API's tokens while vLLM is cold and stops once vLLM answers", async () => {
    const answers = [ok({ backend: "fallback", promptTokens: 120, outputTokens: 30 }), ok({ backend: "fallback", promptTokens: 80, outputTokens: 10 }), ok({ backend: "vllm" })];
    const path = await probeColdPath({ ...base, deadlineSeconds: 5, readyReplicas: async () => 0, send: async () => answers.shift()! });
    expect(path.firstAnswer!.backend).toBe("fallback");
    expect(path.fallbackUsage).toEqual({ promptTokens: 200, outputTokens: 40 });
    expect(path.outputTokens).toBe(48);
    expect(path.firstVllmSeconds).toBeDefined();
  });

  it("is bounded by its deadline and by the caller's signal", async () => {
    const t0 = Date.now();
    const never = await probeColdPath({ ...base, deadlineSeconds: 0.2, readyReplicas: async () => 0, send: async () => unavailable });
    expect(never.stoppedBy).toBe("deadline");
    expect(never.firstAnswer).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2000);
    const stop = new AbortController();
    stop.abort();
    expect((await probeColdPath({ ...base, deadlineSeconds: 60, readyReplicas: async () => 0, signal: stop.signal, send: async () => unavailable })).stoppedBy).toBe("interrupted");
  });
});

describe("entry point headers", () => {
  it("names the backend from LiteLLM's deployment id or the responder, and reads Retry-After", () => {
    expect(backendOf({ "x-litellm-model-id": "vllm" })).toBe("vllm");
    expect(backendOf({ "x-litellm-model-id": "fallback" })).toBe("fallback");
    // a deployment id hostwise did not set, but a fallback attempted: the fallback served it
    expect(backendOf({ "x-litellm-model-id": "a1b2", "x-litellm-attempted-fallbacks": "1" })).toBe("fallback");
    expect(backendOf({ "x-hostwise-backend": "none" })).toBe("none");
    expect(backendOf({})).toBeUndefined();
    expect(retryAfterOf({ "retry-after": "30" })).toBe(30);
    expect(retryAfterOf({ "retry-after": "Wed, 21 Oct 2026 07:28:30 GMT" }, Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(30);
    expect(retryAfterOf({})).toBeUndefined();
  });
});

describe("cost split", () => {
  it("meters node-seconds sample to sample", async () => {
    let now = 0;
    const counts = [0, 1, 1, 2];
    const meter = new GpuNodeMeter(async () => counts.shift() ?? 2, 3600, () => now);
    await meter.start(); // t 0: 0 nodes
    now = 100;
    await (meter as any).sample(); // t 100: 1 node (0 counted so far)
    now = 400;
    await (meter as any).sample(); // t 400: 1 node → 300 node-seconds
    now = 500;
    // stop samples at t 500: 1 node × 100 s → 400 node-seconds in all
    expect(await meter.stop()).toBe(400);
    expect(await meter.stop()).toBe(400);
  });

  it("prices GPU time and the fallback's tokens, and blends them per output token", () => {
    const good = [ok({ backend: "fallback", promptTokens: 1000, outputTokens: 200 }), ok({ backend: "vllm", outputTokens: 300 }), ok({ outputTokens: 500 })];
    const split = backendSplit(good, "vllm");
    expect(split).toEqual({ backends: { fallback: 1, vllm: 2 }, fallbackUsage: { promptTokens: 1000, outputTokens: 200 } });
    const level = { ...split, outputTokens: 1000 } as unknown as LevelResult;
    const s = costSplit([level], undefined, { nodeSeconds: 1800, nodeHourlyUsd: 0.8 }, { id: "fireworks/llama-3.3-70b", inputUsdPerMTok: 0.9, outputUsdPerMTok: 0.9 });
    // GPU: 1,800 node-seconds = 0.5 node-hour × $0.80 = $0.40; API: (1,000 + 200) × $0.90 / 1M = $0.00108
    expect(s.gpuUsd).toBeCloseTo(0.4, 12);
    expect(s.api!.usd).toBeCloseTo(0.00108, 12);
    // blended: $0.40108 for 1,000 output tokens = $401.08 per 1M
    expect(s.blendedUsdPerMillionOutputTokens).toBeCloseTo(401.08, 6);
  });
});
