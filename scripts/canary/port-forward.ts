// A `kubectl port-forward` to the inference service for the length of a canary run, so a stack without a
// public endpoint can be tested from the operator's machine.

import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer, connect } from "node:net";

export interface PortForwardOptions {
  readonly namespace: string;
  /** The Kubernetes Service name (forwarded as svc/<service>). */
  readonly service: string;
  readonly remotePort: number;
  /** Local port on 127.0.0.1; 0 or absent picks a free one. */
  readonly localPort?: number;
  /** The program to run (default "kubectl") and arguments before `port-forward` (e.g. --context); injectable for tests. */
  readonly command?: string;
  readonly commandArgs?: readonly string[];
  readonly spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  /** How long kubectl may take to start listening (default 20 s: it resolves the service and a pod first). */
  readonly readyTimeoutSeconds?: number;
  readonly signal?: AbortSignal;
}

export interface PortForward {
  readonly localPort: number;
  /** http://127.0.0.1:<localPort> */
  readonly url: string;
  /** Stops kubectl; resolves once it has exited. */
  readonly stop: () => Promise<void>;
}

/** kubectl could not forward: it exited, never listened, or the caller gave up. The message carries kubectl's stderr. */
export class PortForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PortForwardError";
  }
}

/** A port nobody listens on right now. Another process could take it before kubectl does; kubectl then exits and says so. */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The arguments after the command: `[...commandArgs] port-forward --address 127.0.0.1 -n <ns> svc/<name> <local>:<remote>`. */
export function portForwardArgs(o: PortForwardOptions, localPort: number): string[] {
  return [
    ...(o.commandArgs ?? []),
    "port-forward",
    "--address",
    "127.0.0.1",
    "-n",
    o.namespace,
    `svc/${o.service}`,
    `${localPort}:${o.remotePort}`,
  ];
}

/** SIGTERM, then SIGKILL if the child is still there after a few seconds: stopping is bounded too. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const POLL_MS = 100;

/**
 * Starts the port-forward and resolves once the local port accepts connections. kubectl listens only after it
 * has found a pod behind the service, so an accepting port means the tunnel is up. Rejects with
 * PortForwardError (and stops kubectl) if kubectl exits, does not listen within the timeout, or the signal fires.
 */
export async function startPortForward(o: PortForwardOptions): Promise<PortForward> {
  const localPort = o.localPort || (await freeLocalPort());
  const command = o.command ?? "kubectl";
  const args = portForwardArgs(o, localPort);
  const spawn = o.spawn ?? nodeSpawn;
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  // If the process exits without stopping it (a second Ctrl-C), kubectl must not outlive it.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.off("exit", killOnExit);
    await stopChild(child);
  };
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => {
    if (stderr.length < 8192) stderr += s;
  });
  let exited: string | undefined;
  child.once("error", (e) => (exited = `could not run ${command}: ${e.message}`));
  child.once("exit", (code, signal) => (exited ??= `${command} exited (${signal ?? `code ${code}`})`));

  const describe = (why: string) => {
    const said = stderr.trim();
    return new PortForwardError(`${command} ${args.join(" ")}: ${why}${said ? `\n${said}` : ""}`);
  };
  const deadline = Date.now() + (o.readyTimeoutSeconds ?? 20) * 1000;
  for (;;) {
    if (exited !== undefined) {
      process.off("exit", killOnExit);
      throw describe(exited);
    }
    if (o.signal?.aborted) {
      await stop();
      throw describe("stopped before the port was ready");
    }
    if (await accepts(localPort)) break;
    if (Date.now() >= deadline) {
      await stop();
      throw describe(`127.0.0.1:${localPort} did not accept connections within ${o.readyTimeoutSeconds ?? 20} s`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const onAbort = () => void stop();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    localPort,
    url: `http://127.0.0.1:${localPort}`,
    stop: async () => {
      o.signal?.removeEventListener("abort", onAbort);
      await stop();
    },
  };
}

/** Runs `fn` with a port-forward up, and stops kubectl afterwards whether `fn` succeeded or not. */
export async function withPortForward<T>(o: PortForwardOptions, fn: (pf: PortForward) => Promise<T>): Promise<T> {
  const pf = await startPortForward(o);
  try {
    return await fn(pf);
  } finally {
    await pf.stop();
  }
}
