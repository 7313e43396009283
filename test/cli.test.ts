import { execFileSync, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";

import { NOW } from "./helpers";


/** Each plan evaluates the Pulumi program, whose module runs once per module registry: load the CLI afresh. */
async function freshMain(): Promise<typeof import("../scripts/hostwise").main> {
  vi.resetModules();
  return (await import("../scripts/hostwise")).main;
}

const ROOT = join(__dirname, "..");

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await (await freshMain())(argv, (s) => out.push(s), (s) => err.push(s), NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("hostwise plan", () => {
  it("plans the dev stack by default: a 13B-class model on one 24 GB GPU, scaled to zero", async () => {
    const r = await run("plan", "--dir", ROOT);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stack dev \(us-east-1, trial, expires 6h after creation \(2026-11-23T18:00:00\.000Z if created now\)\)/);
    expect(r.out).toMatch(/13B class/);
    expect(r.out).toMatch(/Chosen +g6\.xlarge: 1 × NVIDIA L4/);
    expect(r.out).toMatch(/Replicas +min 0 · peak 1 · max 2/);
    expect(r.out).toMatch(/usable 20\.1 = weights 6\.7 \+ KV cache/);
    expect(r.out).toMatch(/--tensor-parallel-size=1/);
    expect(r.out).toMatch(/\$0\.80\/h per node/);
    expect(r.out).toMatch(/Alternatives \(12 of \d+/);
  });

  it("plans the prod stack: a 70B-class model on 80 GB GPUs with tensor parallelism", async () => {
    const r = await run("plan", "--dir", ROOT, "--stack", "prod", "--json");
    expect(r.code).toBe(0);
    const { plan, trial } = JSON.parse(r.out);
    expect(trial).toBe(false);
    expect(plan.modelClass).toBe("70B class");
    expect(plan.gpu.memoryGiB).toBe(80);
    expect(plan.tensorParallelSize).toBeGreaterThan(1);
    expect(plan.vllmArgs).toContain(`--tensor-parallel-size=${plan.tensorParallelSize}`);
    expect(plan.alternatives.length).toBeGreaterThan(10);
    // the same model in FP8 and 4-bit, sized for the same traffic, listed but never chosen
    expect(plan.vllmArgs.some((a: string) => a.startsWith("--quantization"))).toBe(false);
    expect(plan.quantizationAlternatives.map((q: { quantization: string }) => q.quantization)).toEqual(["fp8", "awq"]);
    for (const q of plan.quantizationAlternatives) expect(q).toMatchObject({ feasible: true, note: "changes the served weights" });
  });

  it("lists the quantized alternatives with $/h and $ per 1M tokens in the text and the Markdown", async () => {
    const text = (await run("plan", "--dir", ROOT, "--stack", "prod")).out;
    expect(text).toMatch(/\nQuantized alternatives \(change the served weights; listed for comparison, never chosen automatically\)\n/);
    expect(text).toMatch(/\n  FP8 \(W8A8\) +p5\.48xlarge +\d+ +\d+ +\d+ +\$[\d,.]+ +\$[\d.]+\n/);
    expect(text).toMatch(/\n  4-bit AWQ\/GPTQ +p\S+ +\d+ +\d+ +\d+ +\$[\d,.]+ +\$[\d.]+\n/);
    const md = (await run("plan", "--dir", ROOT, "--stack", "prod", "--markdown")).out;
    expect(md).toMatch(/Quantized alternatives — they change the served weights, so the plan never switches to them:\n\n\| weights \| instance type \| TP \| replicas \| nodes \| \$\/hour at peak \| \$ per 1M output tokens \|\n/);
    expect(md).toMatch(/\n\| FP8 \(W8A8\) \| p5\.48xlarge \| \d+ \| \d+ \| \d+ \| \$[\d,.]+ \| \$[\d.]+ \|\n/);
  });

  it("prints the same plan as JSON and as text", async () => {
    const json = JSON.parse((await run("plan", "--dir", ROOT, "--json")).out);
    expect(json.expiry).toEqual({ afterCreation: "6h", ifCreatedNow: "2026-11-23T18:00:00.000Z" });
    expect(json.plan.instanceType).toBe("g6.xlarge");
    expect((await run("plan", "--dir", ROOT)).out).toContain(`--max-num-seqs=${json.plan.maxNumSeqs}`);
  });

  it("applies --config overrides, namespaced or not", async () => {
    const r = await run("plan", "--dir", ROOT, "--json", "--config", "hostwise:instanceType=g5.xlarge", "--config", "maxReplicas=3");
    const { plan } = JSON.parse(r.out);
    expect(plan.instanceType).toBe("g5.xlarge");
    expect(plan.replicas.max).toBe(3);
  });

  it("prints every config error as one clean block, without a stack trace, and exits 1", async () => {
    const r = await run("plan", "--dir", ROOT, "--config", "maxModelLen=100000", "--config", "minReplicas=5");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^hostwise: stack "dev" has 2 configuration errors:/);
    expect(r.err).toMatch(/hostwise:maxModelLen: 100000 exceeds meta-llama\/Llama-2-13b-chat-hf's context of 4096 tokens/);
    expect(r.err).toMatch(/hostwise:minReplicas: 5 is above maxReplicas \(2\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("rejects a bad command line with exit 2 and names the flag", async () => {
    expect((await run("plan", "--dir", ROOT, "--stack", "nope")).err).toMatch(/--stack: no Pulumi\.nope\.yaml .*\n  fix: stacks here: dev, prod/);
    expect((await run("plan", "--bogus")).code).toBe(2);
    expect((await run("plan", "--dir", ROOT, "--config", "novalue")).err).toMatch(/--config: "novalue" is not key=value/);
    expect((await run("frobnicate")).code).toBe(2);
  });

  it("has help for the tool and the command", async () => {
    expect((await run("--help")).out).toMatch(/Commands:\n  plan/);
    const help = await run("plan", "--help");
    expect(help.code).toBe(0);
    for (const flag of ["--stack", "--config", "--json", "--all", "--dir"]) expect(help.out).toContain(flag);
  });

  it("runs teardown from the bundle and explains a missing Pulumi CLI instead of crashing", async () => {
    const env = { ...process.env, PATH: dirname(process.execPath) }; // node only: no pulumi on this PATH
    const r = spawnSync("node", ["scripts/run.js", "teardown", "--dry-run"], { cwd: ROOT, encoding: "utf8", env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hostwise: teardown cannot list the stacks: the Pulumi CLI is not installed or not on PATH/);
  });

  it("runs as `npm run plan` does: a real process, offline, exit codes intact", async () => {
    const tsx = join(ROOT, "node_modules", ".bin", "tsx");
    const out = execFileSync(tsx, ["scripts/hostwise.ts", "plan", "--stack", "prod", "--json"], { cwd: ROOT, encoding: "utf8" });
    expect(JSON.parse(out).plan.instanceType).toMatch(/^p/);
    const bad = spawnSync(tsx, ["scripts/hostwise.ts", "plan", "--config", "quantization=int3"], { cwd: ROOT, encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/hostwise:quantization: "int3" is not one of/);
  });
});
