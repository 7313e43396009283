import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

// A stack with bad config must stop the program before it registers anything, with the same error block the
// offline plan prints, as a RunError (the Pulumi CLI shows those without a stack trace).

const registered: string[] = [];

beforeAll(async () => {
  process.env.PULUMI_CONFIG = JSON.stringify({
    "aws:region": "us-east-1",
    "hostwise:owner": "t",
    "hostwise:costCenter": "c",
    "hostwise:model": "Qwen/Qwen2.5-7B-Instruct",
    "hostwise:maxModelLen": "40000",
    "hostwise:minReplicas": "3",
    "hostwise:maxReplicas": "1",
  });
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args.type);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => {
        throw new Error(`unmocked invoke ${args.token}`);
      },
    },
    "hostwise",
    "broken",
    false,
  );
});

describe("the Pulumi program on bad config", () => {
  it("throws one RunError listing every error, and registers no resource", async () => {
    const error = await import("../infra/index").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/^hostwise: stack "broken" has 3 configuration errors:/);
    expect(message).toContain("hostwise:maxModelLen: 40000 exceeds");
    expect(message).toContain("hostwise:minReplicas: 3 is above maxReplicas (1)");
    // no route from the deployer to the API: stopped before anything is created
    expect(message).toContain("hostwise:clusterPublicAccessCidrs: is empty, so nothing can reach the cluster API on the first pulumi up");
    expect(registered).toEqual([]);
  });
});
