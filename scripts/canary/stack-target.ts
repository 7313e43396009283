import { spawn, spawnSync } from "node:child_process";
import { HOURS_PER_MONTH } from "../../infra/catalog/aws-prices";
import { SECONDS_PER_MONTH, usdPerMillionTokens } from "../../infra/cost/curve";
import { findHostedApi } from "../../infra/catalog/hosted-apis";
import { INFERENCE_NAMESPACE, VLLM_NAME } from "../../infra/k8s/inference-objects";
import { writeKubeconfig } from "../lib/kubeconfig-file";
import { UsageError } from "../lib/usage";
import { startPortForward, type PortForwardOptions } from "./port-forward";
import type { CostInputs } from "./report";

// `hostwise canary --stack NAME`: the endpoint, key and prices come from the deployed stack's outputs, and
// the private endpoint is reached through `kubectl port-forward` for the length of the run.

/** The stack outputs the canary reads (see infra/index.ts). */
export interface StackTarget {
  /** The entry point's Service: where the port-forward goes (a request there wakes a stack at zero). */
  readonly entry: { readonly namespace: string; readonly service: string; readonly port: number };
  /** The hosted API the stack falls back to, with its prices, USD per 1M tokens. */
  readonly fallback?: { readonly id: string; readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number };
  readonly model: string;
  readonly apiKey: string;
  readonly kubeconfig: string;
  readonly replicasPerNode: number;
  /** Monthly cost of everything but the GPU nodes, one GPU node, and one node's output tokens/month at capacity. */
  readonly fixedMonthlyUsd: number;
  readonly gpuNodeMonthlyUsd: number;
  readonly outputTokensPerNodeMonth: number;
  readonly hostedApi?: { readonly id: string; readonly outputUsdPerMTok: number };
}

function need<T>(stack: string, value: T | undefined, output: string): T {
  if (value === undefined || value === null || value === "") {
    throw new UsageError(`--stack ${stack}: the stack has no output ${output}`, `deploy it with 'pulumi up --stack ${stack}' (hostwise stacks export it), or pass --url and --api-key`);
  }
  return value;
}

/** Checks and picks what the canary needs from `pulumi stack output --json --show-secrets`. */
export function stackTargetFromOutputs(stack: string, outputs: Record<string, any>): StackTarget {
  const curves = outputs.cost?.curves?.selfHosted;
  const endpoint = outputs.inferenceEndpoint;
  if (endpoint && (endpoint.service === undefined || endpoint.port === undefined)) {
    throw new UsageError(`--stack ${stack}: its inferenceEndpoint output predates the entry point (no service or port)`, `update the stack: pulumi up --stack ${stack}`);
  }
  const hybrid = outputs.cost?.hybrid;
  const catalog = typeof endpoint?.fallbackApi === "string" ? findHostedApi(endpoint.fallbackApi) : undefined;
  const fallback = hybrid
    ? { id: String(hybrid.fallbackApi), inputUsdPerMTok: Number(hybrid.inputUsdPerMTok), outputUsdPerMTok: Number(hybrid.outputUsdPerMTok) }
    : catalog && { id: catalog.id, inputUsdPerMTok: catalog.inputUsdPerMTok, outputUsdPerMTok: catalog.outputUsdPerMTok };
  return {
    entry: {
      namespace: need(stack, endpoint?.namespace, "inferenceEndpoint.namespace"),
      service: need(stack, endpoint?.service, "inferenceEndpoint.service"),
      port: need(stack, endpoint?.port, "inferenceEndpoint.port"),
    },
    ...(fallback ? { fallback } : {}),
    model: need(stack, endpoint?.servedModelName, "inferenceEndpoint.servedModelName"),
    apiKey: need(stack, outputs.apiKey, "apiKey"),
    kubeconfig: need(stack, outputs.kubeconfig, "kubeconfig"),
    replicasPerNode: need(stack, outputs.sizing?.replicasPerNode, "sizing.replicasPerNode"),
    fixedMonthlyUsd: need(stack, curves?.fixedMonthlyUsd, "cost.curves.selfHosted"),
    gpuNodeMonthlyUsd: need(stack, curves?.gpuNodeMonthlyUsd, "cost.curves.selfHosted"),
    outputTokensPerNodeMonth: need(stack, curves?.outputTokensPerNodeMonth, "cost.curves.selfHosted"),
    ...(outputs.cost?.hostedApi ? { hostedApi: { id: outputs.cost.hostedApi.id, outputUsdPerMTok: outputs.cost.hostedApi.outputUsdPerMTok } } : {}),
  };
}

/**
 * What the replicas now running cost per hour (the stack's fixed cost plus the GPU nodes they occupy), and
 * the modeled $ per 1M output tokens of those replicas at capacity, on the same hourly basis (a node's month
 * at capacity is all the replicas it holds: replicasPerNode of them).
 */
export function costOfRunningReplicas(t: StackTarget, readyReplicas: number): Required<Pick<CostInputs, "hourlyUsd" | "modeledUsdPerMillionOutputTokens">> {
  const nodes = Math.ceil(readyReplicas / t.replicasPerNode);
  const hourlyUsd = (t.fixedMonthlyUsd + nodes * t.gpuNodeMonthlyUsd) / HOURS_PER_MONTH;
  const tokensPerSecond = (readyReplicas * t.outputTokensPerNodeMonth) / t.replicasPerNode / SECONDS_PER_MONTH;
  return { hourlyUsd, modeledUsdPerMillionOutputTokens: usdPerMillionTokens(hourlyUsd, tokensPerSecond * 3600) };
}

export interface StackConnection {
  readonly url: string;
  readonly readyReplicas: number;
  /** Ready vLLM replicas now, and GPU nodes now (kubectl). */
  readonly countReady: () => Promise<number>;
  readonly countGpuNodes: () => Promise<number>;
  readonly close: () => Promise<void>;
}

/** The label every GPU node of a hostwise stack carries (infra/aws/nodegroups.ts gpuNodeLabels). */
const GPU_NODE_SELECTOR = "hostwise.dev/node-role=gpu";

export interface KubectlDeps {
  /** Runs kubectl with these arguments and resolves to stdout; rejects on failure, or when `signal` fires (the child stops). */
  readonly kubectl: (args: readonly string[], signal?: AbortSignal) => string | Promise<string>;
  /** Overrides for the port-forward (fake kubectl in tests). */
  readonly portForward?: Partial<PortForwardOptions>;
}

/** kubectl for short requests where blocking is fine (the smoke's readiness probe). */
export function realKubectlSync(args: readonly string[]): string {
  const r = spawnSync("kubectl", [...args], { encoding: "utf8" });
  if (r.error) throw new Error((r.error as NodeJS.ErrnoException).code === "ENOENT" ? "kubectl is not installed or not on PATH" : r.error.message);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** kubectl as a child process that a signal can stop (a blocking spawnSync could not be interrupted). */
export function realKubectl(args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", [...args], { stdio: ["ignore", "pipe", "pipe"], ...(signal && { signal }) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-8192)));
    child.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "ENOENT" ? "kubectl is not installed or not on PATH" : e.name === "AbortError" ? `kubectl ${args.join(" ")}: stopped` : e.message)),
    );
    child.once("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`kubectl ${args.join(" ")}: ${stderr.trim() || `exit ${code}`}`))));
  });
}

/** KEDA pins the replica count while this annotation is on the ScaledObject (how a stack at zero is woken). */
const PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";

export interface WakeOptions {
  /** Scale a stack at zero to one replica for the run, and hand it back to KEDA afterwards. */
  readonly wake: boolean;
  /** How long a woken replica may take to become ready (node, image pull, weights). */
  readonly timeoutSeconds: number;
  /** Says what cleanup does (stderr). */
  readonly log?: (line: string) => void;
}

/** The connection was interrupted (Ctrl-C, SIGTERM) before it was up; everything it started is already undone. */
export class ConnectInterrupted extends Error {}

/** Cleanup requests give up after this long: an unreachable API must not hold the exit forever. */
const CLEANUP_TIMEOUT = "--request-timeout=30s";

/**
 * Writes the stack's kubeconfig (owner-only), counts ready replicas — waking a stack at zero when asked —
 * and forwards a local port to the Service. close() stops the forward, hands a woken stack back to KEDA
 * and removes the kubeconfig. When `signal` fires at any moment, the same cleanup runs and the promise
 * rejects with ConnectInterrupted. If the process exits without cleaning up, the kubeconfig is still removed.
 */
export async function connectToStack(stack: string, t: StackTarget, deps: KubectlDeps, wake: WakeOptions, signal?: AbortSignal): Promise<StackConnection> {
  const kubeconfig = writeKubeconfig(t.kubeconfig, "hostwise-canary-");
  const kubeconfigPath = kubeconfig.path;
  const kubectl = async (args: string[], stoppable = false) =>
    deps.kubectl(["--kubeconfig", kubeconfigPath, "-n", INFERENCE_NAMESPACE, ...args], stoppable ? signal : undefined);
  const readyReplicas = async () => Number((await kubectl(["get", "deployment", VLLM_NAME, "-o", "jsonpath={.status.readyReplicas}"])).trim() || "0");
  const unpause = `kubectl -n ${INFERENCE_NAMESPACE} annotate scaledobject ${VLLM_NAME} ${PAUSED_REPLICAS}-`;
  let paused = false;
  const release = async () => {
    try {
      if (paused) {
        wake.log?.(`hostwise canary: handing stack ${stack} back to KEDA (removing ${PAUSED_REPLICAS})`);
        await kubectl([CLEANUP_TIMEOUT, "annotate", "scaledobject", VLLM_NAME, `${PAUSED_REPLICAS}-`]);
        paused = false;
      }
    } catch (e) {
      throw new Error(`could not hand stack ${stack} back to KEDA: ${(e as Error).message}; it stays pinned at one replica until you run: ${unpause}`);
    } finally {
      kubeconfig.remove();
    }
  };
  const interrupted = () => {
    if (signal?.aborted) throw new ConnectInterrupted(`--stack ${stack}: stopped before the endpoint was reached`);
  };
  try {
    interrupted();
    let ready = await readyReplicas();
    interrupted();
    if (!(ready > 0) && wake.wake) {
      // Marked first: if the request reaches the API but the answer never comes back, cleanup still unpauses.
      paused = true;
      await kubectl(["annotate", "scaledobject", VLLM_NAME, `${PAUSED_REPLICAS}=1`, "--overwrite"]);
      interrupted();
      await kubectl(["rollout", "status", `deployment/${VLLM_NAME}`, `--timeout=${Math.round(wake.timeoutSeconds)}s`], true).catch((e: Error) => {
        interrupted();
        throw e;
      });
      ready = await readyReplicas();
      interrupted();
    }
    // At zero replicas the forward still works: it reaches the entry point, whose first request wakes vLLM.
    const pf = await startPortForward({
      namespace: t.entry.namespace,
      service: t.entry.service,
      remotePort: t.entry.port,
      commandArgs: ["--kubeconfig", kubeconfigPath],
      ...(signal ? { signal } : {}),
      ...deps.portForward,
    }).catch((e: Error) => {
      interrupted();
      throw e;
    });
    return {
      url: pf.url,
      readyReplicas: ready,
      countReady: readyReplicas,
      countGpuNodes: async () => (await kubectl(["get", "nodes", "-l", GPU_NODE_SELECTOR, "-o", "name"])).split("\n").filter((l) => l.trim() !== "").length,
      close: async () => {
        await pf.stop();
        await release();
      },
    };
  } catch (e) {
    await release().catch((r: Error) => wake.log?.(`hostwise: warning: ${r.message}`));
    throw e;
  }
}
