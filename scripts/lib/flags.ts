import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseNumber, type NumberRange } from "../../infra/config/numbers";
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

/**
 * A flag's number, through the one parser stack config uses too (infra/config/numbers.ts): decimal, finite,
 * within `range`. Undefined when the flag is not given; UsageError naming the flag and the range otherwise.
 */
export function numberFlag(flag: string, text: string | undefined, range: NumberRange, example: string): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseNumber(text, range);
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.problem}`, `e.g. ${flag} ${example}`);
  return parsed.value;
}
