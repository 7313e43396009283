import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackFile } from "../scripts/lib/stack-file";
import { resolveStack } from "../infra/resolve";

// Runs the real Pulumi program (infra/index.ts) under Pulumi's mock runtime with the dev stack's config, as
// `pulumi preview` would: no CLI, no cloud. Any invoke the program makes is refused, so none goes unnoticed.

const ROOT = join(__dirname, "..");
const raw = readStackFile(ROOT, "dev");

beforeAll(async () => {
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    config[key.includes(":") ? key : `hostwise:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  process.env.PULUMI_CONFIG = JSON.stringify(config);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs } }),
      call: (args) => {
        throw new Error(`unmocked invoke ${args.token}`);
      },
    },
    "hostwise",
    "dev",
    false,
  );
});

describe("the Pulumi program", () => {
  it("exports the same sizing decision as the offline plan", async () => {
    const program = await import("../infra/index");
    const sizing = await new Promise<typeof program.sizing>((resolve) => pulumi.output(program.sizing).apply(resolve));
    const { plan } = resolveStack(raw, { stack: "dev", now: new Date() });
    expect(sizing.instanceType).toBe(plan.instanceType);
    expect(sizing.modelClass).toBe("13B class");
    expect(sizing.replicas).toEqual({ min: 0, peak: 1, max: 2 });
    expect(sizing.vllmArgs).toEqual(plan.vllmArgs);
  });
});
