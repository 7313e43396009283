import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

// Validates custom resources against the CRD their chart installs (a vendored copy in test/fixtures/crds):
// the structural OpenAPI schema the API server applies — types, required fields, bounds, lengths, enums,
// list types — and unknown fields, which the API server would silently prune. Its CEL rules
// (x-kubernetes-validations) are hand-written predicates below, one per rule text: a CRD bump that adds a
// rule fails here until the rule has one.

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  format?: string;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: Array<{ rule: string; message: string }>;
}

const has = (o: Record<string, unknown>, key: string) => o[key] !== undefined;

/** The CEL rules of the vendored CRDs, as predicates over `self`. */
export const CEL_RULES: Readonly<Record<string, (self: Record<string, unknown>) => boolean>> = {
  "has(self.port) != has(self.portName)": (self) => has(self, "port") !== has(self, "portName"),
  "has(self.fallback) || has(self.placeholder)": (self) => has(self, "fallback") || has(self, "placeholder"),
  "!(has(self.body) && has(self.bodyFromConfigMap))": (self) => !(has(self, "body") && has(self, "bodyFromConfigMap")),
  "has(self.concurrency) || has(self.requestRate)": (self) => has(self, "concurrency") || has(self, "requestRate"),
};

const FIXTURES = join(__dirname, "..", "fixtures", "crds");

/** Pulumi type token → the vendored CRD file that defines it. */
const CRDS: Record<string, string> = {
  "kubernetes:http.keda.sh/v1beta1:InterceptorRoute": "http.keda.sh_interceptorroutes.yaml",
};

export function hasCrdSchema(token: string): boolean {
  return token in CRDS;
}

/** The openAPIV3Schema of the CRD version a token names. */
export function crdSchema(token: string): Schema {
  const file = CRDS[token];
  if (!file) throw new Error(`no vendored CRD for ${token}`);
  const crd = parse(readFileSync(join(FIXTURES, file), "utf8"));
  const version = token.split(":")[1]!.split("/")[1];
  const served = (crd.spec.versions as Array<{ name: string; schema: { openAPIV3Schema: Schema } }>).find((v) => v.name === version);
  if (!served) throw new Error(`${file} has no version ${version}`);
  return served.schema.openAPIV3Schema;
}

const typeOf = (v: unknown): string =>
  Array.isArray(v) ? "array" : v === null ? "null" : Number.isInteger(v) ? "integer" : typeof v;

/** Every way `object` breaks the CRD's schema, as "path: what" strings; empty when it is valid. */
export function crdViolations(token: string, object: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, s: Schema, path: string): void => {
    const at = path || "(root)";
    const t = typeOf(value);
    if (s.type && !(s.type === t || (s.type === "number" && t === "integer"))) {
      out.push(`${at}: is ${t}, the schema wants ${s.type}`);
      return;
    }
    if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
    if (typeof value === "number") {
      if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: ${value} is below ${s.minimum}`);
      if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: ${value} is above ${s.maximum}`);
      if (s.format === "int32" && Math.abs(value) > 2 ** 31 - 1) out.push(`${at}: ${value} is not an int32`);
    }
    if (typeof value === "string") {
      if (s.minLength !== undefined && value.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
      if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) out.push(`${at}: does not match ${s.pattern}`);
    }
    if (Array.isArray(value)) {
      const listType = s["x-kubernetes-list-type"];
      if (listType === "set" && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push(`${at}: a set with duplicates`);
      if (listType === "map") {
        const keys = value.map((v) => JSON.stringify((s["x-kubernetes-list-map-keys"] ?? []).map((k) => (v as Record<string, unknown>)[k])));
        if (new Set(keys).size !== keys.length) out.push(`${at}: a map list with duplicate keys`);
      }
      value.forEach((v, i) => s.items && walk(v, s.items, `${path}[${i}]`));
    }
    if (t === "object") {
      const o = value as Record<string, unknown>;
      for (const key of s.required ?? []) if (o[key] === undefined) out.push(`${at}: ${key} is required`);
      for (const rule of s["x-kubernetes-validations"] ?? []) {
        const predicate = CEL_RULES[rule.rule];
        if (!predicate) throw new Error(`no predicate for the CEL rule ${JSON.stringify(rule.rule)} at ${at}: add one to CEL_RULES`);
        if (!predicate(o)) out.push(`${at}: ${rule.message}`);
      }
      if (s["x-kubernetes-preserve-unknown-fields"]) return;
      for (const [key, child] of Object.entries(o)) {
        const where = path ? `${path}.${key}` : key;
        const property = s.properties?.[key];
        if (property) walk(child, property, where);
        else if (typeof s.additionalProperties === "object") walk(child, s.additionalProperties, where);
        else if (s.additionalProperties !== true && s.properties) out.push(`${where}: unknown field (the API server would drop it)`);
      }
    }
  };
  walk(object, crdSchema(token), "");
  return out;
}
