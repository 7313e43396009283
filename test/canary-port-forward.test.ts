import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { PortForwardError, portForwardArgs, startPortForward, withPortForward, type PortForwardOptions } from "../scripts/canary/port-forward";

// Fake kubectls: node scripts that receive kubectl's arguments after "--".
const LISTENS = `
const [local] = process.argv.find((a) => /^\\d+:\\d+$/.test(a)).split(":");
setTimeout(() => require("node:net").createServer((s) => s.end()).listen(Number(local), "127.0.0.1"), 100);
process.on("SIGTERM", () => process.exit(0));`;
const FAILS = `process.stderr.write('error: services "vllm" not found\\n'); process.exit(1);`;
const NEVER_LISTENS = `setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0));`;

function fake(script: string, overrides: Partial<PortForwardOptions> = {}) {
  const children: ChildProcess[] = [];
  const calls: string[][] = [];
  const options: PortForwardOptions = {
    namespace: "hostwise",
    service: "vllm",
    remotePort: 8000,
    command: process.execPath,
    commandArgs: ["-e", script, "--"],
    spawn: (command: string, args: readonly string[], o: SpawnOptions) => {
      calls.push([...args]);
      const child = spawn(command, [...args], o);
      children.push(child);
      return child;
    },
    readyTimeoutSeconds: 3,
    ...overrides,
  };
  return { options, children, calls };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

describe("port-forward", () => {
  it("runs kubectl port-forward on 127.0.0.1 to svc/<name>", () => {
    expect(portForwardArgs({ namespace: "ns", service: "vllm", remotePort: 8000, commandArgs: ["--context", "prod"] }, 18000)).toEqual([
      "--context", "prod", "port-forward", "--address", "127.0.0.1", "-n", "ns", "svc/vllm", "18000:8000",
    ]);
  });

  it("resolves once the local port accepts connections, and stops the child afterwards", async () => {
    const { options, children, calls } = fake(LISTENS);
    const seen = await withPortForward(options, async (pf) => {
      expect(pf.url).toBe(`http://127.0.0.1:${pf.localPort}`);
      expect(await canConnect(pf.localPort)).toBe(true);
      return pf.localPort;
    });
    expect(calls[0]).toContain(`${seen}:8000`);
    expect(exited(children[0]!)).toBe(true);
  });

  it("fails with kubectl's stderr when it exits", async () => {
    const { options } = fake(FAILS);
    const error = await startPortForward(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortForwardError);
    expect((error as Error).message).toMatch(/exited \(code 1\)\nerror: services "vllm" not found/);
  });

  it("gives up after the ready timeout and stops the child", async () => {
    const { options, children } = fake(NEVER_LISTENS, { readyTimeoutSeconds: 0.3 });
    await expect(startPortForward(options)).rejects.toThrow(/did not accept connections within 0\.3 s/);
    expect(exited(children[0]!)).toBe(true);
  });

  it("stops waiting and the child when the signal fires", async () => {
    const controller = new AbortController();
    const { options, children } = fake(NEVER_LISTENS, { signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    await expect(startPortForward(options)).rejects.toThrow(/stopped before the port was ready/);
    expect(exited(children[0]!)).toBe(true);
  });
});
