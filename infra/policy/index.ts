import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Entry point of the policy pack: `pulumi preview --policy-pack infra/policy` (from the project root, after
// `npm ci`). Tests import policies.ts instead: constructing a PolicyPack starts a gRPC server.
new PolicyPack("hostwise", { policies });
