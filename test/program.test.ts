import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveStack } from "../infra/resolve";
import { readStackFile } from "../scripts/lib/stack-file";
import { evaluateProgram, ROOT } from "./support/program";

// The Pulumi program exports the same sizing decision the offline plan prints, plus the cluster outputs.

let outputs: Record<string, any>;
beforeAll(async () => {
  ({ outputs } = await evaluateProgram("dev"));
});

describe("the Pulumi program's stack outputs", () => {
  it("export the offline plan's sizing decision", () => {
    const { plan } = resolveStack(readStackFile(ROOT, "dev"), { stack: "dev", now: new Date() });
    expect(outputs.sizing).toMatchObject({
      modelClass: "13B class",
      instanceType: plan.instanceType,
      replicas: { min: 0, peak: 1, max: 2 },
      vllmArgs: plan.vllmArgs,
    });
  });

  it("export the lifecycle teardown reads: trial, the expiry resolved at deploy and the creation time it counts from", async () => {
    const { parseExpiry } = await import("../infra/config/validate");
    const { stackInfo } = await import("../scripts/teardown/select");
    expect(outputs.lifecycle).toEqual({ trial: true, expiresAt: expect.any(String), createdAt: expect.any(String) });
    // expiresAt: 6h in Pulumi.dev.yaml, counted from createdAt
    const { createdAt, expiresAt } = outputs.lifecycle;
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(6 * 3_600_000);
    expect(parseExpiry(expiresAt)?.kind).toBe("at");
    const info = stackInfo("dev", { "hostwise:trial": "true", "hostwise:expiresAt": "6h" }, outputs, []);
    expect(info.deployed).toEqual({ ok: true, state: { trial: true, expiresAt: new Date(expiresAt), createdAt: new Date(createdAt) } });
  });

  it("keep the kubeconfig a secret", async () => {
    const program = await import("../infra/index"); // the module evaluated above
    expect(await pulumi.isSecret(program.kubeconfig)).toBe(true);
  });

  it("export the cluster name and a kubeconfig that authenticates with aws eks get-token", () => {
    expect(outputs.eksClusterName).toBe("hostwise-dev");
    const kubeconfig = JSON.parse(outputs.kubeconfig);
    expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\//);
    expect(kubeconfig.users[0].user.exec).toMatchObject({
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "hostwise-dev", "--region", "us-east-1", "--output", "json"],
    });
  });
});
