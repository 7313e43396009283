import type { RawConfig } from "../infra/config/read";
import type { StackSpec } from "../infra/config/spec";
import { validateConfig } from "../infra/config/validate";
import { ConfigError, type ConfigIssue } from "../infra/config/errors";

export const NOW = new Date("2026-11-23T12:00:00Z");

/** The least config a valid stack needs. */
export const BASE: RawConfig = {
  "aws:region": "us-east-1",
  owner: "platform-team",
  costCenter: "cc-42",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  huggingFaceToken: "[secret]", // Llama checkpoints are gated
  clusterPublicAccessCidrs: ["203.0.113.0/24"], // a route to the API for the first pulumi up (TEST-NET-3 example range)
};

export function specFor(overrides: RawConfig = {}): StackSpec {
  return validateConfig({ ...BASE, ...overrides }, { stack: "test", now: NOW });
}

/** The issues a config raises (fails the test when it raises none). */
export function issuesFor(overrides: RawConfig): readonly ConfigIssue[] {
  try {
    specFor(overrides);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(overrides)}`);
}

export const GiB = 1024 ** 3;
