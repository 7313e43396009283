import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMap, LineCounter, parseDocument, type Node } from "yaml";
import { ConfigError } from "../../infra/config/errors";
import { qualified, unqualified, type RawConfig } from "../../infra/config/read";
import { findConfigKey } from "../../infra/config/schema";
import { SECRET_PLACEHOLDER } from "../../infra/config/secret";
import { checkStackName } from "./stack-name";
import { UsageError } from "./usage";

/** The project directory, or a UsageError naming --dir when it is missing or not a directory. */
function projectDirectory(dir: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (e) {
    throw new UsageError(`--dir ${dir}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass the Pulumi project directory (the one holding Pulumi.yaml) with --dir PATH");
  }
  if (!isDirectory) throw new UsageError(`--dir ${dir}: not a directory`, "pass the Pulumi project directory (the one holding Pulumi.yaml) with --dir PATH");
  return dir;
}

/** Stacks with a Pulumi.<stack>.yaml in a project directory. */
export function listStacks(projectDir: string): string[] {
  return readdirSync(projectDirectory(projectDir))
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A problem with the stack file itself, at a line when there is one: `Pulumi.dev.yaml:3`. */
function fileError(where: string, message: string, hint: string): ConfigError {
  return new ConfigError([{ key: where, message, hint }]);
}

const HOW_TO_WRITE = "a stack file is YAML with a `config:` mapping of keys to values, indented with spaces (see Pulumi.dev.yaml); `pulumi config set` writes it";

/**
 * Parses a stack file's text the way the Pulumi CLI hands its values to the program: every scalar as its text
 * (`0x10` stays "0x10", `1e23` stays "1e23", so the same number parser judges both), hostwise keys without
 * their namespace, provider keys with theirs, encrypted values (`secure:`) as a placeholder. Malformed YAML,
 * duplicate keys, tabs, an empty file or a `config:` that is not a mapping is a ConfigError naming the line.
 * A secret key written in plain text is read as set and reported through `warn`.
 */
export function parseStackFile(text: string, file: string, warn: (message: string) => void = () => undefined): RawConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: "failsafe", uniqueKeys: true, prettyErrors: true, lineCounter: lines });
  const at = (node: Node | null | undefined) => (node?.range ? `${file}:${lines.linePos(node.range[0]).line}` : file);
  const problem = doc.errors[0];
  if (problem) {
    const where = problem.linePos ? `${file}:${problem.linePos[0].line}` : file;
    throw fileError(where, `not valid YAML: ${problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`, HOW_TO_WRITE);
  }
  if (doc.contents === null) throw fileError(file, "the file is empty", HOW_TO_WRITE);
  if (!isMap(doc.contents)) throw fileError(at(doc.contents), "the top level is not a mapping", HOW_TO_WRITE);
  const config = doc.contents.get("config", true) as Node | undefined;
  if (config === undefined || (config as { value?: unknown }).value === "") return {};
  if (!isMap(config)) throw fileError(at(config), "`config:` is not a mapping of keys to values", HOW_TO_WRITE);

  const raw: Record<string, unknown> = {};
  for (const pair of config.items) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
    const value: unknown = (pair.value as Node | null)?.toJS(doc) ?? "";
    const short = unqualified(key);
    const encrypted = typeof value === "object" && value !== null && "secure" in value;
    if (findConfigKey(short)?.secret && !encrypted && value !== "") {
      warn(
        `hostwise: warning: ${at(pair.key as Node)}: ${qualified(short)} is in plain text: anyone who can read the file has it, ` +
          `and the Pulumi CLI refuses it (Pulumi.yaml declares it secret)\n  fix: pulumi config set --secret ${qualified(short)} <value> (it replaces the plain value)`,
      );
    }
    raw[short] = encrypted || findConfigKey(short)?.secret ? (value === "" ? "" : SECRET_PLACEHOLDER) : value;
  }
  return raw;
}

/** Reads Pulumi.<stack>.yaml in a project directory (see parseStackFile). */
export function readStackFile(projectDir: string, stack: string, warn?: (message: string) => void): RawConfig {
  checkStackName(stack, { qualified: false });
  const file = readdirSync(projectDirectory(projectDir)).find((f) => f === `Pulumi.${stack}.yaml` || f === `Pulumi.${stack}.yml`);
  if (file === undefined) {
    throw new UsageError(`--stack: no Pulumi.${stack}.yaml in ${projectDir}`, `stacks here: ${listStacks(projectDir).join(", ") || "none"}`);
  }
  let text: string;
  try {
    text = readFileSync(join(projectDir, file), "utf8");
  } catch (e) {
    throw fileError(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "check the file's permissions");
  }
  return parseStackFile(text, file, warn);
}

/** Applies `--config key=value` overrides (`key`, `hostwise:key` or a provider key such as `aws:region`). */
export function applyOverrides(raw: RawConfig, overrides: readonly string[]): RawConfig {
  const out: Record<string, unknown> = { ...raw };
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new UsageError(`--config: "${o}" is not key=value`, "write --config maxModelLen=4096");
    const key = o.slice(0, eq);
    out[unqualified(key)] = o.slice(eq + 1);
  }
  return out;
}
