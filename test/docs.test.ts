import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it, vi } from "vitest";
import { CONFIG_KEYS } from "../infra/config/schema";
import { listStacks } from "../scripts/lib/stack-file";
import { configReference, pulumiYaml, reportQueries } from "../scripts/gen-docs";

import { NOW } from "./helpers";


/** Each plan evaluates the Pulumi program, whose module runs once per module registry: load the CLI afresh. */
async function freshMain(): Promise<typeof import("../scripts/hostwise").main> {
  vi.resetModules();
  return (await import("../scripts/hostwise")).main;
}

const ROOT = join(__dirname, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

describe("docs and project files stay in step with the code", () => {
  it("Pulumi.yaml declares every config key as the schema says (run `npm run docs` after a schema change)", () => {
    expect(read("Pulumi.yaml")).toBe(pulumiYaml());
    const project = parse(read("Pulumi.yaml"));
    expect(project.name).toBe("hostwise");
    expect(project.main).toBe("infra/");
    expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: true } });
    for (const [key, decl] of Object.entries<Record<string, unknown>>(project.config)) {
      expect(["string", "integer", "boolean", "array"], key).toContain(decl.type);
      expect(typeof decl.description, key).toBe("string");
    }
  });

  it("the README's config reference is the generated one", () => {
    expect(read("README.md")).toContain(configReference());
    for (const { key } of CONFIG_KEYS) expect(configReference()).toContain(`\`${key}\``);
  });

  it("the README lists the PromQL queries `hostwise report` runs, as the code builds them", () => {
    expect(read("README.md")).toContain(reportQueries());
    expect(reportQueries()).toContain('sum(increase(vllm:generation_tokens_total{namespace="inference",model_name="MODEL"}[1d]))');
  });

  it("every key a stack file sets is declared in Pulumi.yaml (the CLI passes undeclared ones unchecked; hostwise rejects them)", () => {
    const declared = new Set(Object.keys(parse(read("Pulumi.yaml")).config));
    for (const stack of listStacks(ROOT)) {
      const config = parse(read(`Pulumi.${stack}.yaml`)).config as Record<string, unknown>;
      for (const key of Object.keys(config).filter((k) => k.startsWith("hostwise:"))) {
        expect(declared.has(key.slice("hostwise:".length)), `${stack}: ${key}`).toBe(true);
      }
    }
  });

  it("the README's sample plan is what `npm run plan` prints for the dev stack", async () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## What `npm run plan` tells you"));
    const sample = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
    const out: string[] = [];
    await (await freshMain())(["plan", "--dir", ROOT], (s) => out.push(s), () => undefined, NOW);
    const printed = out.join("\n");
    for (const line of sample.split("\n").filter((l) => l.trim() !== "")) {
      // the sample trims each line's tail (prefill share, bound) to fit the page
      expect(printed, line).toContain(line);
    }
  });

  it("the README's quick start and CI run the same commands", () => {
    const readme = read("README.md");
    const ci = read(".ci/run");
    expect(readme).toContain("npm ci && npm run plan");
    expect(readme).toContain("npm test");
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npm run plan$/m);
    const scripts = JSON.parse(read("package.json")).scripts;
    for (const s of ["test", "typecheck", "plan", "bench", "docs"]) expect(scripts[s], s).toBeDefined();
  });
});
