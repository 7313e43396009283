import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "../infra/config/errors";
import { parseNumber } from "../infra/config/numbers";
import { readPulumiConfig } from "../infra/config/pulumi-config";
import { AWS_PROVIDER_KEYS, CONFIG_KEYS } from "../infra/config/schema";
import { parseExpiry, validateConfig } from "../infra/config/validate";
import { main } from "../scripts/hostwise";
import { parseStackFile } from "../scripts/lib/stack-file";
import { BASE, NOW } from "./helpers";
import { ROOT } from "./support/program";

// Hostile input against every command: each gets one clean error naming the file, key or flag, exit 1 or 2,
// never a stack trace. None of these evaluates the Pulumi program (every error comes before it), so `main`
// is imported once.

const dir = mkdtempSync(join(tmpdir(), "hostwise-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project directory holding Pulumi.bad.yaml with this text. */
function project(name: string, stackFile: string): string {
  const p = join(dir, name);
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, "Pulumi.bad.yaml"), stackFile);
  return p;
}

const FAKE_PREVIEW = join(ROOT, "test", "fixtures", "pulumi-preview", "eks-change.json");
const notADir = join(dir, "a-file");
writeFileSync(notADir, "x");

const GOOD_STACK = ["config:", "  aws:region: us-east-1", "  hostwise:owner: t", "  hostwise:costCenter: c", "  hostwise:model: Qwen/Qwen2.5-7B-Instruct"].join("\n");

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (s) => out.push(s), (s) => err.push(s), NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const CASES: Array<[string, string[], 1 | 2, RegExp]> = [
  ["a missing --dir", ["plan", "--dir", join(dir, "nope")], 2, /^hostwise: --dir .*nope: cannot read it \(ENOENT\)\n {2}fix: /],
  ["a --dir that is a file", ["plan", "--dir", notADir], 2, /^hostwise: --dir .*a-file: not a directory/],
  ["a --stack with path segments", ["plan", "--dir", ROOT, "--stack", "../../etc/passwd"], 2, /^hostwise: --stack: "\.\.\/\.\.\/etc\/passwd" is not a stack name \(dev\)/],
  ["a --stack with a slash (decide)", ["decide", "--dir", ROOT, "--stack", "a/b", "--monthly-input-tokens", "1M", "--monthly-output-tokens", "1M"], 2, /^hostwise: --stack: "a\/b" is not a stack name/],
  ["malformed YAML", ["plan", "--dir", project("malformed", "config:\n  hostwise:owner: [unclosed\n"), "--stack", "bad"], 1, /^hostwise: stack "bad" has 1 configuration error:\n {2}- Pulumi\.bad\.yaml:\d+: not valid YAML: /],
  ["a duplicate key", ["plan", "--dir", project("duplicate", `${GOOD_STACK}\n  hostwise:owner: u\n`), "--stack", "bad"], 1, /- Pulumi\.bad\.yaml:6: not valid YAML: Map keys must be unique/],
  ["a tab", ["plan", "--dir", project("tab", "config:\n\thostwise:owner: t\n"), "--stack", "bad"], 1, /- Pulumi\.bad\.yaml:2: not valid YAML: Tabs are not allowed as indentation/],
  ["an empty file", ["plan", "--dir", project("empty", ""), "--stack", "bad"], 1, /- Pulumi\.bad\.yaml: the file is empty\n {4}fix: a stack file is YAML with a `config:` mapping/],
  ["a config: that is a list", ["plan", "--dir", project("list", "config:\n  - a\n  - b\n"), "--stack", "bad"], 1, /- Pulumi\.bad\.yaml:2: `config:` is not a mapping of keys to values/],
  ["a top level that is a string", ["plan", "--dir", project("scalar", "just text\n"), "--stack", "bad"], 1, /- Pulumi\.bad\.yaml:1: the top level is not a mapping/],
  ["a count beyond 2^53", ["plan", "--dir", ROOT, "--config", "maxReplicas=9007199254740993"], 1, /hostwise:maxReplicas: must be a whole number from 1 to 1,000, got 9007199254740993\n/],
  ["a count in hex", ["plan", "--dir", ROOT, "--config", "maxReplicas=0x10"], 1, /hostwise:maxReplicas: must be a whole number from 1 to 1,000, got "0x10"/],
  ["a number past the float range", ["plan", "--dir", ROOT, "--config", "peakRequestsPerSecond=1e309"], 1, /hostwise:peakRequestsPerSecond: must be a number above 0 and at most 1,000,000, got 1e309/],
  ["a century-long trial", ["plan", "--dir", ROOT, "--config", "expiresAt=36500d"], 1, /hostwise:expiresAt: "36500d" is outside the allowed range: a duration from 30m to 90d on a trial stack, or a time at most 90d ahead/],
  ["a one-minute trial", ["plan", "--dir", ROOT, "--config", "expiresAt=1m"], 1, /hostwise:expiresAt: "1m" is outside the allowed range/],
  ["an impossible date", ["plan", "--dir", ROOT, "--config", "expiresAt=2026-02-30T00:00:00Z"], 1, /hostwise:expiresAt: "2026-02-30T00:00:00Z" is neither an ISO-8601 time with a zone nor a duration/],
  ["a value carrying a terminal control sequence", ["plan", "--dir", ROOT, "--config", "maxModelLen=\u009b2J\u001b]0;owned\u0007"], 1, /hostwise:maxModelLen: must be a whole number from 1 to 16,777,216, got "2J\\u001b\]0;owned\\u0007"/],
  ["a typo in the namespace", ["plan", "--dir", ROOT, "--config", "hostwize:maxModelLen=4096"], 1, /hostwize:maxModelLen: is in namespace "hostwize".*\n {4}fix: did you mean "hostwise:maxModelLen"\?/],
  ["a typo in a provider key", ["plan", "--dir", ROOT, "--config", "aws:regoin=us-east-1"], 1, /aws:regoin: is not a config key of the aws provider\n {4}fix: did you mean "aws:region"\?/],
  ["cost: --out is the preview", ["cost", "--preview", FAKE_PREVIEW, "--out", FAKE_PREVIEW], 2, /^hostwise: --out .*eks-change\.json: is the --preview file/],
  ["cost: a threshold past the range", ["cost", "--preview", FAKE_PREVIEW, "--fail-above", "1e309"], 2, /^hostwise: --fail-above: must be a number from 0 to 1,000,000,000, got 1e309/],
  ["canary: a timeout no timer can hold", ["canary", "--url", "http://127.0.0.1:9", "--timeout", "1e9"], 2, /^hostwise: --timeout: must be a number above 0 and at most 3,600, got 1e9/],
  ["decide: an absurd token count", ["decide", "--monthly-input-tokens", "1e309", "--monthly-output-tokens", "1M"], 2, /^hostwise: --monthly-input-tokens: "1e309" is not a token count/],
  ["teardown: a stack name that is a flag", ["teardown", "--stack=--yes"], 2, /^hostwise: --stack: "--yes" is not a stack name/],
];

describe("hostile command lines and stack files: one clean error, never a stack trace", () => {
  it.each(CASES)("%s", async (_name, argv, code, message) => {
    const r = await cli(...argv);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.err).not.toMatch(/\n\s+at |Error:|TypeError|RangeError/);
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/); // nothing a terminal would obey
  });

  it("warns about a plain-text huggingFaceToken in a stack file and never prints its value", () => {
    const warnings: string[] = [];
    const raw = parseStackFile(`${GOOD_STACK}\n  hostwise:huggingFaceToken: hf_plaintextsecret\n`, "Pulumi.bad.yaml", (w) => warnings.push(w));
    expect(raw.huggingFaceToken).toBe("[secret]");
    expect(warnings).toEqual([
      "hostwise: warning: Pulumi.bad.yaml:6: hostwise:huggingFaceToken is in plain text: anyone who can read the file has it, and the Pulumi CLI refuses it (Pulumi.yaml declares it secret)\n" +
        "  fix: pulumi config set --secret hostwise:huggingFaceToken <value> (it replaces the plain value)",
    ]);
    expect(warnings.join("")).not.toContain("hf_plaintextsecret");
    const encrypted: string[] = [];
    parseStackFile(`${GOOD_STACK}\n  hostwise:huggingFaceToken:\n    secure: AAABAGq\n`, "Pulumi.bad.yaml", (w) => encrypted.push(w));
    expect(encrypted).toEqual([]);
  });

  it("reads scalars as text, as the Pulumi CLI hands them to the program (0x10 stays 0x10)", () => {
    const raw = parseStackFile(`${GOOD_STACK}\n  hostwise:maxReplicas: 0x10\n  hostwise:trial: true\n  hostwise:instancePrices: [g5.xlarge=1.1]\n`, "Pulumi.bad.yaml");
    expect(raw).toMatchObject({ maxReplicas: "0x10", trial: "true", instancePrices: ["g5.xlarge=1.1"] });
  });
});

describe("the aws provider keys hostwise accepts", () => {
  it("are the ones the installed @pulumi/aws declares", () => {
    const declared = [...readFileSync(join(ROOT, "node_modules", "@pulumi", "aws", "config", "vars.d.ts"), "utf8").matchAll(/export declare const (\w+)/g)].map((m) => `aws:${m[1]}`);
    expect([...AWS_PROVIDER_KEYS].sort()).toEqual(declared.sort());
  });
});

// ---- Property: one number parser for the stack file, the Pulumi program and the CLI flags ----

const NUMERIC_KEYS = CONFIG_KEYS.filter((k) => k.range);
/** Text that looks like a number, or almost. */
const numberText = fc.oneof(
  fc.constantFrom("0x10", "1_000", "1,000", "1e23", "1e309", "-1e309", "-0", " 5", "5 ", "+5", "Infinity", "NaN", "9007199254740993", ".5", "5.", "1e-400", "0b11", "١٢", "", "2.5", "0", "1", "1000", "1e3"),
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map(String),
  fc.string({ unit: fc.constantFrom(..."0123456789.-+eExX_ ,"), maxLength: 10 }),
);

function issuesOf(raw: Record<string, unknown>): ConfigIssue[] {
  try {
    validateConfig({ ...BASE, ...raw }, { stack: "p", now: NOW });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e; // anything but a ConfigError fails the property
  }
}

describe("config numbers (property)", () => {
  it("the stack file, the program's config and a CLI flag judge every value alike, within the key's range", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NUMERIC_KEYS), numberText, (spec, text) => {
        const key = `hostwise:${spec.key}`;
        const offline = issuesOf(parseStackFile(`config:\n  ${key}: ${JSON.stringify(text)}\n`, "Pulumi.p.yaml")).filter((i) => i.key === key);
        pulumi.runtime.setAllConfig({ ...Object.fromEntries(Object.entries(BASE).map(([k, v]) => [k.includes(":") ? k : `hostwise:${k}`, String(v)])), [key]: text });
        const program = issuesOf(readPulumiConfig() as Record<string, unknown>).filter((i) => i.key === key);
        expect(program).toEqual(offline);
        const flag = parseNumber(text, spec.range!);
        if (text === "") return; // unset: the default applies
        if (flag.ok) {
          expect(offline.map((i) => i.message).filter((m) => /^must be a (whole )?number/.test(m))).toEqual([]);
          expect(Number.isFinite(flag.value) && flag.value <= spec.range!.max && flag.value >= spec.range!.min).toBe(true);
        } else {
          // Refused, with the flag's own message (or an earlier objection: custom keys on a catalog model).
          expect(offline.length).toBeGreaterThan(0);
          if (!spec.key.startsWith("custom")) expect(offline.map((i) => i.message)).toContain(flag.problem);
        }
      }),
      { numRuns: 250 },
    );
  });

  it("expiry durations and times: accepted ones lie within the bounds, others are named", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom("m", "h", "d")).map(([n, u]) => `${n}${u}`),
          fc.date({ min: new Date("1900-01-01"), max: new Date("2200-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
          fc.tuple(fc.integer({ min: 2020, max: 2030 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T00:00:00Z`),
        ),
        fc.boolean(),
        (text, trial) => {
          const issues = issuesOf({ trial: String(trial), expiresAt: text }).filter((i) => i.key === "hostwise:expiresAt");
          const e = parseExpiry(text);
          if (issues.length === 0) {
            expect(e).toBeDefined();
            const hours = e!.kind === "after" ? e!.hours : (e!.at.getTime() - NOW.getTime()) / 3_600_000;
            expect(hours).toBeGreaterThan(0);
            expect(hours).toBeLessThanOrEqual(trial ? 90 * 24 : 3650 * 24);
            if (e!.kind === "after") expect(hours).toBeGreaterThanOrEqual(0.5);
            if (e!.kind === "at") expect(e!.at.toISOString().slice(0, 10)).toBe(text.slice(0, 10)); // no silent rollover (2026-02-30 → March)
          } else {
            expect(issues[0]!.hint.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
