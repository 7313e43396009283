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
    // Typos the Pulumi CLI lets through (it checks only the keys Pulumi.yaml declares): every namespace.
    "hostwize:maxModelLen": "4096",
    "aws:regoin": "us-west-2",
    "hostwise:maxModelLength": "4096",
    "hostwise:expiresAt": "100000000d",
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
    expect(message).toMatch(/^hostwise: stack "broken" has 7 configuration errors:/);
    expect(message).toContain("hostwise:maxModelLen: 40000 exceeds");
    expect(message).toContain("hostwise:minReplicas: 3 is above maxReplicas (1)");
    // no route from the deployer to the API: stopped before anything is created
    expect(message).toContain("hostwise:clusterPublicAccessCidrs: is empty, so nothing can reach the cluster API on the first pulumi up");
    expect(message).toContain('hostwize:maxModelLen: is in namespace "hostwize", which neither hostwise nor the providers it configures read\n    fix: did you mean "hostwise:maxModelLen"?');
    expect(message).toContain('aws:regoin: is not a config key of the aws provider\n    fix: did you mean "aws:region"?');
    expect(message).toContain('hostwise:maxModelLength: is not a hostwise config key\n    fix: did you mean "hostwise:maxModelLen"?');
    expect(message).toContain('hostwise:expiresAt: "100000000d" is outside the allowed range: a duration from 30m to 3650d, or a time at most 3650d ahead');
    expect(registered).toEqual([]);
  });
});
