import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./usage";

/**
 * Node's parseArgs with the kit's rules (strict, no positionals), turning its command-line errors (unknown
 * flag, missing value — it names the flag) into UsageError, exit 2.
 */
export function parseFlags<const O extends NonNullable<ParseArgsConfig["options"]>>(command: string, argv: readonly string[], options: O) {
  const config = { args: [...argv], options, strict: true, allowPositionals: false } as const;
  try {
    return parseArgs<typeof config>(config).values;
  } catch (e) {
    if (e instanceof Error && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(e.message, `run 'hostwise ${command} --help' for the options`);
    }
    throw e;
  }
}
