import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planSizing } from "../infra/sizing/choose";
import { main } from "../scripts/hostwise";
import { NOW, specFor } from "./helpers";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s), NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

// Llama-3.1-8B BF16 on one H100 (p5.4xlarge), 1,024-token prompts, 128 fixed-length outputs: the vLLM blog's setup.
const H100_8B = ["perf", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--instance-type", "p5.4xlarge", "--prompt-tokens", "1024", "--output-tokens", "128", "--output-length-cv", "0"];

describe("hostwise perf", () => {
  it("prints per-stream speed, output tokens/s, TTFT and the bound for each concurrency, with the memory budget", async () => {
    const r = await run(...H100_8B, "--concurrency", "1,16,64");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hostwise perf — meta-llama\/Llama-3\.1-8B-Instruct on p5\.4xlarge: 1 × NVIDIA H100 SXM per replica \(TP 1\)/);
    expect(r.out).toMatch(/max-num-seqs 1024 · max-num-batched-tokens 8192/); // vLLM's defaults on an 80 GB H100
    expect(r.out).toMatch(/usable [\d.]+ = weights 15\.0 \+ runtime overhead 0\.6 \+ KV pool/);
    expect(r.out).toMatch(/concurrency +running +tokens\/s per stream +output tokens\/s +requests\/s +TTFT ms +bound by/);
    expect(r.out.split("\n").filter((l) => /^ +(1|16|64) +\d+ /.test(l))).toHaveLength(3);
  });

  it("--json gives levels[] with the four named figures, in tokens/s and ms, from the engine's step time", async () => {
    const r = await run(...H100_8B, "--concurrency", "1,16,64", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.levels.map((l: { concurrency: number }) => l.concurrency)).toEqual([1, 16, 64]);
    for (const l of j.levels) {
      for (const k of ["perStreamTokensPerSecond", "outputTokensPerSecond", "ttftMs"]) expect(typeof l[k]).toBe("number");
    }
    const one = j.levels[0];
    // alone, a request decodes at 1 / 6.4794 ms = 154.3 tokens/s (test/throughput.test.ts works the step out by hand;
    // the vLLM blog measured 1000 / 6.4847 = 154.2); output tokens/s = 128 / (TTFT + 127 steps)
    expect(one.perStreamTokensPerSecond).toBeCloseTo(1000 / 6.4794, 1);
    expect(one.outputTokensPerSecond).toBeCloseTo(128 / (one.ttftMs / 1000 + 127 / one.perStreamTokensPerSecond), 6);
    expect(one.boundBy).toBe("memory bandwidth");
    expect(j.kvCapacityTokens).toBe(j.memory.kvCapacityTokens);
    expect(j.memory.usableGiB).toBeGreaterThan(j.memory.weightsGiB);
    expect(j.engine).toMatchObject({ tensorParallelSize: 1, dtype: "bfloat16", maxNumSeqs: 1024, maxNumBatchedTokens: 8192 });
  });

  it("says when max-num-seqs or the KV pool caps the batch, and the wait for a slot lands in TTFT", async () => {
    const capped = JSON.parse((await run(...H100_8B, "--concurrency", "8,64", "--max-num-seqs", "8", "--json")).out);
    const [at8, at64] = capped.levels;
    expect(at64).toMatchObject({ running: 8, boundBy: "max-num-seqs" });
    expect(at64.outputTokensPerSecond).toBeCloseTo(at8.outputTokensPerSecond, 6);
    expect(at64.ttftMs).toBeGreaterThan(at8.ttftMs * 5);

    // Llama-3.1-8B on one L4 with 4,000-token prompts: 20.1 GiB usable − 15.0 weights − 0.6 overhead leaves a pool of a few requests
    const l4 = JSON.parse((await run("perf", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--instance-type", "g6.xlarge", "--concurrency", "64", "--prompt-tokens", "4000", "--output-tokens", "200", "--json")).out);
    expect(l4.levels[0].boundBy).toBe("KV capacity");
    expect(l4.levels[0].running).toBe(l4.maxRunningByKv);
    expect(l4.maxRunningByKv).toBe(Math.floor(l4.kvCapacityTokens / (4000 + 200)));
  });

  it("runs the plan's engine: its capacity point is what perf reports at the plan's batch", async () => {
    const spec = specFor({ instanceType: "g6e.xlarge", peakRequestsPerSecond: 2 });
    const plan = planSizing(spec);
    const c = plan.throughput.maxConcurrency;
    const r = await run(
      "perf", "--model", spec.model.id, "--instance-type", "g6e.xlarge", "--concurrency", String(c),
      "--prompt-tokens", String(spec.traffic.meanPromptTokens), "--output-tokens", String(spec.traffic.meanOutputTokens),
      "--max-num-seqs", String(plan.maxNumSeqs), "--json",
    );
    const level = JSON.parse(r.out).levels[0];
    expect(level.outputTokensPerSecond).toBeCloseTo(plan.throughput.capacity.outputTokensPerSecond, 6);
    expect(level.perStreamTokensPerSecond).toBeCloseTo(plan.throughput.capacity.perStreamTokensPerSecond, 6);
  });

  it("picks the smallest TP that fits when --tp is not given", async () => {
    const j = JSON.parse((await run("perf", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--instance-type", "p4de.24xlarge", "--concurrency", "1", "--prompt-tokens", "512", "--output-tokens", "128", "--json")).out);
    expect(j.engine.tensorParallelSize).toBe(2); // 141 GB of BF16 weights need two 80 GB A100s
  });

  it("prints what the README's sample shows", async () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### What one replica delivers: `hostwise perf`"));
    const blocks = section.split("```").filter((_, i) => i % 2 === 1);
    const argv = blocks[0]!.replace(/^bash\n/, "").replace(/\\\n/g, " ").trim().split(/\s+/).slice(4); // after "npm run hostwise --"
    const r = await run(...argv);
    expect(r.code).toBe(0);
    for (const line of blocks[1]!.split("\n").filter((l) => l.trim() !== "")) expect(r.out, line).toContain(line);
  });

  it("prints its help", async () => {
    const r = await run("perf", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: npm run hostwise -- perf --model ID --instance-type TYPE --concurrency 1,16,64/);
    expect(r.out).toMatch(/Exit codes: 0 done, 1 the model does not fit/);
    expect((await run("--help")).out).toMatch(/\n  perf +what one replica delivers/);
  });
});

describe("hostwise perf errors", () => {
  const base = ["perf", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--instance-type", "g6e.xlarge", "--prompt-tokens", "512", "--output-tokens", "128"];

  it.each([
    ["a missing flag", ["perf", "--instance-type", "g6e.xlarge", "--concurrency", "1", "--prompt-tokens", "1", "--output-tokens", "1"], /--model is required/],
    ["an unknown model, with the closest id", ["perf", "--model", "meta-llama/llama-3.1-8b-instruct", "--instance-type", "g6e.xlarge", "--concurrency", "1", "--prompt-tokens", "1", "--output-tokens", "1"], /--model: "meta-llama\/llama-3\.1-8b-instruct" is not in the model catalog; did you mean meta-llama\/Llama-3\.1-8B-Instruct\?/],
    ["an unknown instance type", ["perf", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--instance-type", "g6e.xlarg", "--concurrency", "1", "--prompt-tokens", "1", "--output-tokens", "1"], /--instance-type: "g6e\.xlarg" is not in the instance catalog; did you mean g6e\.xlarge, /],
    ["a concurrency of 0", [...base, "--concurrency", "1,0"], /--concurrency: must be a whole number from 1 to 100,000, got 0/],
    ["a TP the instance cannot run", [...base, "--concurrency", "1", "--tp", "2"], /--tp: 2 is not a power of two up to g6e\.xlarge's 1 GPUs/],
    ["fp8 on an Ampere GPU", ["perf", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--instance-type", "g5.xlarge", "--concurrency", "1", "--prompt-tokens", "1", "--output-tokens", "1", "--quantization", "fp8"], /--quantization: fp8 \(W8A8\) needs an Ada or Hopper GPU; the NVIDIA A10G is Ampere/],
    ["an unknown quantization", [...base, "--concurrency", "1", "--quantization", "int4"], /--quantization: "int4" is not one of none, fp8, awq, gptq/],
    ["a request longer than max-model-len", [...base, "--concurrency", "1", "--max-model-len", "600"], /a request of 512 \+ 128 tokens exceeds max-model-len 600/],
    ["a memory share out of range", [...base, "--concurrency", "1", "--gpu-memory-utilization", "1.5"], /--gpu-memory-utilization: must be a number above 0 and at most 1, got 1\.5/],
    ["an unknown flag", [...base, "--concurency", "1"], /Unknown option '--concurency'/],
    ["a count in hex", [...base, "--concurrency", "0x10"], /--concurrency: must be a whole number from 1 to 100,000, got "0x10"/],
    ["a token count past the range", [...base, "--concurrency", "1", "--prompt-tokens", "1e309"], /--prompt-tokens: must be a whole number from 1 to [\d,]+, got 1e309/],
    ["a fractional TP", [...base, "--concurrency", "1", "--tp", "1.5"], /--tp: must be a whole number from 1 to 64, got 1\.5/],
  ])("exits 2 naming the flag for %s", async (_, argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\n  fix: /);
  });

  it("never echoes a terminal control sequence from what the user typed", async () => {
    const r = await run("perf", "--model", "evil\u001b[2Jmodel", "--instance-type", "g6e.xlarge", "--concurrency", "1", "--prompt-tokens", "1", "--output-tokens", "1");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--model: "evil\[2Jmodel" is not in the model catalog/);
    expect(r.err).not.toMatch(/\u001b/);
  });

  it("exits 1 saying by how much a model misses the GPUs", async () => {
    // Llama-3.1-70B BF16: 141.2e9 B = 131.5 GiB of weights against 20.1 GiB usable on one L4
    const r = await run("perf", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--instance-type", "g6.xlarge", "--concurrency", "1", "--prompt-tokens", "512", "--output-tokens", "128");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--instance-type: meta-llama\/Llama-3\.1-70B-Instruct does not fit g6\.xlarge \(1 × NVIDIA L4\) at any TP up to 1: short by 1[\d.]+ GiB per GPU \(needs [\d.]+ GiB: weights 131\.5/);
    expect(r.err).toMatch(/fix: an instance with more GPU memory, --quantization fp8 or awq, or a lower --max-model-len/);
  });
});
