import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COST_HELP, runCost } from "../scripts/commands/cost";
import { NOW } from "./helpers";

const FIXTURES = join(__dirname, "fixtures", "pulumi-preview");
const EKS = join(FIXTURES, "eks-change.json");
const dir = mkdtempSync(join(tmpdir(), "hostwise-cost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cost(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCost(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, NOW);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function writeJson(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe("hostwise cost", () => {
  it("writes the Markdown comment to --out: the change, the table and a Mermaid chart", async () => {
    const out = join(dir, "comment.md");
    const r = await cost("--preview", EKS, "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toBe(`hostwise cost: stack dev: +$655.30/month (+84%), 1 not priced; wrote ${out}`);
    const md = readFileSync(out, "utf8");
    expect(md).toMatch(/^## hostwise cost — stack `dev`: \+\$655\.30\/month \(\+84%\)\n/);
    expect(md).toContain("| op | resource | before | after | change |");
    expect(md).toContain("| `+-` replace | eks NodeGroup `dev-gpu` | $742.38 | $1,366.53 | +$624.15 |");
    expect(md).toContain("```mermaid\npie showData");
  });

  it("prints the Markdown on stdout without --out, and JSON with --json", async () => {
    const md = await cost("--preview", EKS);
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^## hostwise cost/);
    const json = await cost("--preview", EKS, "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).totals.change.expected).toBeCloseTo(655.3, 6);
  });

  it("prices a real preview with unknown types without needing a region", async () => {
    const r = await cost("--preview", join(FIXTURES, "sample-preview-creates.json"));
    expect(r.code).toBe(0);
    expect(r.out).toContain("### Not priced (4)");
    expect(r.err).toBe("hostwise cost: stack dev: $0.00/month, 4 not priced");
  });

  it("compares against --baseline", async () => {
    const base = JSON.parse(readFileSync(EKS, "utf8"));
    const next = JSON.parse(readFileSync(EKS, "utf8"));
    for (const s of next.steps) if (s.newState?.type === "aws:eks/nodeGroup:NodeGroup") s.newState.inputs.scalingConfig.desiredSize = 2;
    const basePath = writeJson("base.json", base);
    const r = await cost("--preview", writeJson("next.json", next), "--baseline", basePath, "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.before).toEqual({ kind: "baseline", source: `--baseline ${basePath}` });
    expect(json.totals.change.expected).toBeCloseTo(1.861 * 730 + 100 * 0.08, 6);
  });
});

describe("thresholds: exit 1, say why, still write the comment", () => {
  it("--fail-above", async () => {
    const out = join(dir, "above.md");
    const r = await cost("--preview", EKS, "--out", out, "--fail-above", "1000");
    expect(r.code).toBe(1);
    expect(r.err).toContain("hostwise cost: threshold crossed: --fail-above 1000: the expected monthly cost after this change is $1,439.53, above $1,000.00");
    expect(readFileSync(out, "utf8")).toContain("> Threshold crossed: --fail-above 1000");
    expect((await cost("--preview", EKS, "--out", out, "--fail-above", "1439.54")).code).toBe(0);
  });

  it("--fail-increase", async () => {
    const r = await cost("--preview", EKS, "--fail-increase", "50", "--json");
    expect(r.code).toBe(1);
    expect(r.err).toContain("--fail-increase 50: the expected monthly cost rises 83.6% ($784.23 → $1,439.53, +$655.30), more than 50%");
    expect(JSON.parse(r.out).thresholdsCrossed).toHaveLength(1);
    expect((await cost("--preview", EKS, "--fail-increase", "84", "--json")).code).toBe(0);
  });

  it("--fail-increase with nothing before: any increase crosses it", async () => {
    const json = JSON.parse(readFileSync(EKS, "utf8"));
    json.steps = json.steps.filter((s: { op: string }) => s.op === "create");
    const r = await cost("--preview", writeJson("creates-only.json", json), "--fail-increase", "500", "--out", join(dir, "zero.md"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("rises from nothing ($0.00 → $73.00, +$73.00)");
    expect(existsSync(join(dir, "zero.md"))).toBe(true);
  });
});

describe("exit 2: bad command line or preview file", () => {
  it.each([
    [["--preview", EKS, "--bogus"], "Unknown option '--bogus'"],
    [[], "--preview: required"],
    [["--preview", ""], "--preview: empty file name"],
    [["--preview", EKS, "stray"], "Unexpected argument 'stray'"],
    [["--preview", EKS, "--fail-above", "lots"], '--fail-above: must be a number from 0 to 1,000,000,000, got "lots"'],
    [["--preview", EKS, "--fail-increase=-5"], "--fail-increase: must be a number from 0 to 1,000,000, got -5"],
    [["--preview", EKS, "--fail-increase", "-5"], "Option '--fail-increase' argument is ambiguous"],
    [["--preview", EKS, "--region", "US East"], '--region: "US East" is not an AWS region name'],
  ])("%j", async (argv, message) => {
    const r = await cost(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^hostwise: [^]+\n {2}fix: .+$/);
    expect(r.err).toContain(message);
    expect(r.out).toBe("");
  });

  it("a JSON file that is not a preview, naming the flag and the file", async () => {
    const path = join(dir, "package.json");
    copyFileSync(join(__dirname, "..", "package.json"), path);
    const r = await cost("--preview", path);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`hostwise: --preview ${path}: not \`pulumi preview --json\` output: no "steps" array`);
    expect(r.err).toContain("fix: write it with `pulumi preview --json > preview.json`");
  });

  it("a missing file, a bad --baseline, an unwritable --out", async () => {
    const missing = join(dir, "nope.json");
    expect((await cost("--preview", missing)).err).toContain(`hostwise: --preview ${missing}: cannot read it (ENOENT)`);
    const r = await cost("--preview", EKS, "--baseline", writeJson("not-preview.json", { hello: 1 }));
    expect(r.code).toBe(2);
    expect(r.err).toContain("--baseline");
    expect(r.err).toContain('no "steps" array');
    const w = await cost("--preview", EKS, "--out", join(dir, "no-such-dir", "c.md"));
    expect(w.code).toBe(2);
    expect(w.err).toContain("--out");
  });

  it("accepts a byte-order mark; refuses --out equal to --preview or --baseline (through a symbolic link too); names the shape it expected", async () => {
    const bom = join(dir, "bom.json");
    writeFileSync(bom, `\ufeff${readFileSync(EKS, "utf8")}`);
    expect((await cost("--preview", bom, "--json")).code).toBe(0);
    const link = join(dir, "link.json");
    symlinkSync(bom, link);
    for (const argv of [["--preview", bom, "--out", bom], ["--preview", EKS, "--baseline", bom, "--out", link]]) {
      const r = await cost(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^hostwise: --out .*: is the --(preview|baseline) file; writing the comment would overwrite the preview\n {2}fix: /);
    }
    expect(readFileSync(bom, "utf8").startsWith("\ufeff{")).toBe(true); // untouched
    for (const [json, message] of [
      [{ steps: {} }, '"steps" is an object, expected an array of steps'],
      [{ steps: [null] }, "steps[0] is null, expected an object with \"op\" and \"urn\""],
      [{ steps: [{ op: 5, urn: "urn:pulumi:d::p::t::n" }] }, "steps[0].op is a number, expected a string"],
      [{ steps: [{ op: "create", urn: "urn:pulumi:d::p::t::n", newState: { inputs: [] } }] }, "steps[0].newState.inputs is an array, expected an object"],
    ] as const) {
      const r = await cost("--preview", writeJson("shape.json", json));
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
  });

  it("a priced preview with no region anywhere names both aws:region and --region", async () => {
    const json = JSON.parse(readFileSync(EKS, "utf8"));
    delete json.config["aws:region"];
    const path = writeJson("no-region.json", json);
    const r = await cost("--preview", path);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`no AWS region: --preview ${path} has no aws:region in its config and --region is not given`);
    expect((await cost("--preview", path, "--region", "us-east-1")).code).toBe(0);
  });
});

describe("--help", () => {
  it("documents every flag with its default, and the exit codes", async () => {
    const r = await cost("--help");
    expect(r.code).toBe(0);
    expect(r.out).toBe(COST_HELP);
    for (const flag of ["--preview FILE", "--baseline FILE", "--out FILE", "--json", "--region REGION", "--catalog-prices", "--fail-above MONTHLY_USD", "--fail-increase PERCENT", "-h, --help"]) {
      expect(COST_HELP).toContain(flag);
    }
    expect(COST_HELP.match(/\(default: /g)).toHaveLength(6);
    expect(COST_HELP).toMatch(/Exit codes: 0 .+; 1 .+; 2 /s);
  });
});
