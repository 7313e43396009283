import { describe, expect, it } from "vitest";
import type { RawConfig } from "../infra/config/read";
import type { SelfHostedCostModel } from "../infra/cost/curve";
import { resolveStack } from "../infra/resolve";
import {
  DECIDE_HELP, decideModel, parseDecideArgs, parseTokenCount, renderDecideText, runDecide, type DecideOptions,
} from "../scripts/commands/decide";
import type { StackCost } from "../scripts/lib/stack-cost";
import { UsageError } from "../scripts/lib/usage";
import { BASE, NOW } from "./helpers";
import { ROOT } from "./support/program";

// Command-line handling and the model around the decision, without evaluating the Pulumi program: every
// error below is raised before the program would run, and the stack's cost curve is a synthetic one.

const WORKLOAD = ["--monthly-input-tokens", "3B", "--monthly-output-tokens", "3B"];

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDecide(["--dir", ROOT, ...argv], { out: (s) => out.push(s), err: (s) => err.push(s) }, NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function usageError(argv: string[]): UsageError {
  try {
    parseDecideArgs(argv, ROOT);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

function options(...argv: string[]): DecideOptions {
  const o = parseDecideArgs([...WORKLOAD, ...argv], ROOT);
  if ("help" in o) throw new Error("unexpected --help");
  return o;
}

/** $500 a month fixed, $2,000 per GPU node carrying 1B output tokens a month (as in decide-rules.test.ts). */
const SELF: SelfHostedCostModel = { fixedMonthlyUsd: 500, gpuNodeMonthlyUsd: 2000, outputTokensPerNodeMonth: 1e9, minNodes: 0, peopleMonthlyUsd: 0, peakToMean: 1 };

/** A real spec and sizing plan (no Pulumi program) with the synthetic cost curve. */
function stack(config: RawConfig = {}): StackCost {
  const { spec, plan } = resolveStack({ ...BASE, ...config }, { stack: "test", now: NOW });
  const people = spec.usage.people && { ...spec.usage.people, monthlyUsd: spec.usage.people.hoursPerMonth * spec.usage.people.hourlyUsd };
  const cost = { curves: { selfHosted: { ...SELF, peopleMonthlyUsd: people?.monthlyUsd ?? 0 } }, ...(people && { people }) };
  return { spec, plan, resources: [], cost } as unknown as StackCost;
}

describe("hostwise decide: the command line", () => {
  it("reads token counts with K, M, B and T suffixes through the shared number parser, up to 1,000T", () => {
    expect(parseTokenCount("--x", "50M")).toBe(50e6);
    expect(parseTokenCount("--x", "2B")).toBe(2e9);
    expect(parseTokenCount("--x", "1.5k")).toBe(1500);
    expect(parseTokenCount("--x", "0.25T")).toBe(0.25e12);
    expect(parseTokenCount("--x", "1e9")).toBe(1e9);
    expect(parseTokenCount("--x", "1000T")).toBe(1e15);
    expect(parseTokenCount("--x", "0")).toBe(0);
    for (const bad of ["5X", "-3M", "", "M", "1_000_000", "40,000", " 5M", "0x10", "Infinity", "1e309", "1001T", "1e16"]) {
      expect(() => parseTokenCount("--monthly-input-tokens", bad), bad).toThrow(/^--monthly-input-tokens: ".*" is not a token count from 0 to 1,000T$/);
    }
  });

  it("names the flag in every command-line error", () => {
    const cases: Array<[string[], RegExp]> = [
      [["--monthly-output-tokens", "5M"], /^--monthly-input-tokens is required$/],
      [["--monthly-input-tokens", "5M"], /^--monthly-output-tokens is required$/],
      [["--monthly-input-tokens", "5M", "--monthly-output-tokens", "0"], /^--monthly-output-tokens: must be above 0$/],
      [["--monthly-input-tokens", "lots", "--monthly-output-tokens", "5M"], /^--monthly-input-tokens: "lots" is not a token count/],
      [[...WORKLOAD, "--peak-to-mean", "0.5"], /^--peak-to-mean: must be a number from 1 to 1,000, got 0\.5$/],
      [[...WORKLOAD, "--peak-to-mean", "1e6"], /^--peak-to-mean: must be a number from 1 to 1,000, got 1e6$/],
      [[...WORKLOAD, "--ops-hours-available=-1"], /^--ops-hours-available: must be a number from 0 to 100,000, got -1$/],
      [[...WORKLOAD, "--ops-hours-needed", "40"], /^--ops-hours-needed: needs --ops-hours-available/],
      [[...WORKLOAD, "--setup-weeks", "4"], /^--setup-weeks: needs --ship-weeks/],
      [[...WORKLOAD, "--ship-weeks", "3"], /^--setup-weeks: required with --ship-weeks above 1/],
      [[...WORKLOAD, "--setup-weeks", "0", "--ship-weeks", "3"], /^--setup-weeks: must be a number above 0 and at most 520, got 0$/],
      [[...WORKLOAD, "--api", "acme/llm"], /^--api: "acme\/llm" is not in the hosted API price catalog$/],
      [[...WORKLOAD, "--api-output-price", "free"], /^--api-output-price: must be a number above 0 and at most 10,000, got "free"$/],
      [[...WORKLOAD, "--stack", "../etc/passwd"], /^--stack: "\.\.\/etc\/passwd" is not a stack name \(dev\)$/],
      [[...WORKLOAD, "--json", "--markdown"], /^--json and --markdown: choose one output format$/],
      [[...WORKLOAD, "--bogus"], /'--bogus'/],
      [[...WORKLOAD, "--api"], /'--api <value>' argument missing/],
    ];
    for (const [argv, message] of cases) expect(usageError(argv).message, argv.join(" ")).toMatch(message);
  });

  it("prints command-line errors as 'hostwise: <message>' and a fix, exit 2", async () => {
    const r = await run("--monthly-input-tokens", "5M", "--monthly-output-tokens", "5M", "--peak-to-mean", "spiky");
    expect(r.code).toBe(2);
    expect(r.err).toBe('hostwise: --peak-to-mean: must be a number from 1 to 1,000, got "spiky"\n  fix: e.g. --peak-to-mean 3');
    expect(r.out).toBe("");
    const missing = await run("--stack", "nope", ...WORKLOAD);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^hostwise: --stack: no Pulumi\.nope\.yaml in .*\n  fix: stacks here: .*dev/);
  });

  it("prints the stack's config errors as one block, exit 1", async () => {
    const r = await run(...WORKLOAD, "--config", "maxModelLen=100000");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^hostwise: stack "dev" has 1 configuration error:\n  - hostwise:maxModelLen: 100000 exceeds/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("has complete help: every flag, the defaults and the exit codes", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toBe(DECIDE_HELP);
    for (const flag of [
      "--monthly-input-tokens", "--monthly-output-tokens", "--peak-to-mean", "--data-residency", "--pin-model", "--ops-hours-available",
      "--ops-hours-needed", "--ship-weeks", "--setup-weeks", "--api ", "--api-input-price", "--api-output-price", "--stack", "--config",
      "--dir", "--json", "--markdown", "-h, --help",
    ]) expect(DECIDE_HELP, flag).toContain(flag);
    expect(DECIDE_HELP).toMatch(/default: 1, perfectly steady/);
    expect(DECIDE_HELP).toMatch(/default: dev/);
    expect(DECIDE_HELP).toMatch(/Exit codes: 0 decided, 1 invalid stack configuration \(every error listed\), 2 bad command line\./);
  });
});

describe("hostwise decide: the model around the decision", () => {
  it("takes the hours self-hosting needs from the stack's engineerHoursPerMonth, which also prices them", () => {
    const sc = stack({ engineerHoursPerMonth: 20, engineerHourlyUsd: 100 });
    // $1 in / $2 out per 1M: 3B + 3B cost $9,000 on the API; self-hosting $500 + 3 × $2,000 + $2,000 of people = $8,500
    const m = decideModel(options("--ops-hours-available", "10", "--api-input-price", "1", "--api-output-price", "2"), sc);
    expect(m.input.ops).toEqual({ availableHours: 10, neededHours: 20 });
    expect(m.opsHoursNeededFrom).toBe("stack");
    expect(m.decision.models.selfHosted.peopleMonthlyUsd).toBe(2000);
    expect(m.decision.atVolume.selfHostedUsd).toBeCloseTo(8500, 6);
    expect(m.decision.reasons[1]!.recommendation).toBe("self-host");
    expect(m.decision.reasons[3]).toMatchObject({ rule: "ops-capacity", outcome: "changes", recommendation: "api" }); // 10 h < 20 h
    expect(m.decision.recommendation).toBe("api");
    expect(m.assumptions.join("\n")).toMatch(/people cost counted in the self-hosted figures: 20 engineer hours a month at \$100\.00\/h = \$2,000\.00/);
    expect(() => decideModel(options("--ops-hours-available", "10", "--ops-hours-needed", "30"), sc)).toThrow(/^--ops-hours-needed: stack "test" already sets engineerHoursPerMonth \(20\)/);
  });

  it("requires --ops-hours-needed with --ops-hours-available when the stack sets no hours (the articles give no figure)", () => {
    const e = (() => {
      try {
        decideModel(options("--ops-hours-available", "10"), stack());
      } catch (x) {
        return x as UsageError;
      }
      throw new Error("expected a UsageError");
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/^--ops-hours-needed: required with --ops-hours-available/);
    const m = decideModel(options("--ops-hours-available", "10", "--ops-hours-needed", "5"), stack());
    expect(m).toMatchObject({ input: { ops: { availableHours: 10, neededHours: 5 } }, opsHoursNeededFrom: "command line" });
    expect(m.assumptions.join("\n")).toMatch(/people cost not counted/);
  });

  it("compares with the stack's hosted API unless --api names another; price flags override either", () => {
    // BASE is an 8B model: the stack compares with Bedrock Llama 3.1 8B ($0.22 / $0.22)
    expect(decideModel(options(), stack()).hostedApi).toMatchObject({ id: "bedrock/llama-3.1-8b", inputUsdPerMTok: 0.22, outputUsdPerMTok: 0.22, priceFrom: "catalog" });
    expect(decideModel(options(), stack({ hostedApiOutputPrice: 0.3 })).hostedApi).toMatchObject({ outputUsdPerMTok: 0.3, priceFrom: "stack config" });
    const other = decideModel(options("--api", "openai/gpt-4.1-mini"), stack({ hostedApiOutputPrice: 0.3 }));
    expect(other.hostedApi).toMatchObject({ id: "openai/gpt-4.1-mini", inputUsdPerMTok: 0.4, outputUsdPerMTok: 1.6, priceFrom: "catalog" });
    expect(other.hostedApi.source?.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const priced = decideModel(options("--api", "openai/gpt-4.1-mini", "--api-output-price", "2"), stack());
    expect(priced.hostedApi).toMatchObject({ inputUsdPerMTok: 0.4, outputUsdPerMTok: 2, priceFrom: "command line and catalog" });
    // 3B out × $2 + 3B in × $0.40
    expect(priced.decision.atVolume.apiUsd).toBeCloseTo(3000 * 2 + 3000 * 0.4, 6);
  });

  it("renders the recommendation, the reasons in order, the costs and a table marking the volume and the break-even", () => {
    // $1 in / $2 out per 1M with one input token per output token: $3 per 1M; self-hosting breaks even at $2,500 / $3 per 1M
    const m = decideModel(options("--api-input-price", "1", "--api-output-price", "2", "--ops-hours-available", "40", "--ops-hours-needed", "40"), stack({ maxReplicas: 3 }));
    const text = renderDecideText(m);
    expect(m.capacity).toEqual({ neededNodes: 3, maxNodes: 3, maxReplicas: 3, replicasPerNode: 1, withinLimit: true });
    expect(text).toMatch(/^hostwise decide — stack test \(\S+, us-east-1\) against bedrock\/llama-3\.1-8b\nPrices {7}us-east-1 rates from the built-in catalog · GPU nodes on-demand · system nodes on-demand\n\nRecommendation: self-host\n/);
    expect(text).toMatch(/\n {2}1\. data residency \(no change\): .*\n {2}2\. volume and steadiness \(sets\): high and steady enough: .*\n {2}3\. model pinning \(no change\): .*\n {2}4\. operations capacity \(no change\): enough operations capacity: 40 engineer hours a month available, 40 needed to run it\n {2}5\. time to ship \(not checked\): /);
    expect(text).toMatch(/\n {2}API {10}\$9,000\.00\n {2}self-hosted {2}\$6,500\.00 \(3 GPU nodes for peak-to-mean 1\)\n/);
    expect(text).toMatch(/Break-even {3}833\.3M output tokens a month at peak-to-mean 1: the lowest volume/);
    expect(text).toMatch(/ 833\.3M +833\.3M +1 +\$2,500\.00 +\$2,500\.00 +equal +break-even\n/);
    expect(text).toMatch(/ 3B +3B +3 +\$6,500\.00 +\$9,000\.00 +self-hosted +your volume\n/);
    expect(text).toMatch(/\nAssumptions\n {2}- prices: us-east-1 rates from the built-in catalog, .*\n {2}- self-hosted GPU nodes: g6\.xlarge On-Demand in us-east-1: \$0\.8048\/h .*\n {2}- self-hosted: stack test/);
  });

  it("says so when the volume needs more GPU nodes than the stack's maxReplicas allows", () => {
    // 3B output tokens a month at 1B per node: 3 nodes; maxReplicas 2 at 1 replica per node allows 2
    const m = decideModel(options("--api-input-price", "1", "--api-output-price", "2"), stack({ maxReplicas: 2 }));
    expect(m.decision.recommendation).toBe("self-host");
    expect(m.capacity).toMatchObject({ neededNodes: 3, maxNodes: 2, maxReplicas: 2, withinLimit: false });
    const text = renderDecideText(m);
    expect(text).toContain(
      "Recommendation: self-host\n\nCapacity: self-hosting this volume takes 3 GPU nodes (3 replicas at 1 per node), but stack test runs at most 2 " +
        "(maxReplicas 2): it would serve only part of the volume. Raise it to 3 (--config maxReplicas=3 here, pulumi config set hostwise:maxReplicas 3 on the stack)",
    );
    expect(text).toMatch(/ 3B +3B +3 +\$6,500\.00 +\$9,000\.00 +self-hosted +your volume, above the stack's max nodes\n/);
    // Without maxReplicas the plan's maximum is what the stack's own peak traffic needs.
    expect(renderDecideText(decideModel(options("--api-input-price", "1", "--api-output-price", "2"), stack()))).toMatch(/runs at most 1 \(maxReplicas unset: sized for the stack's peak traffic\)/);
  });
});
