import { ConfigError } from "../infra/config/errors";
import { CANARY_HELP, parseCanaryArgs, processCanaryIo, runCanary } from "./commands/canary";
import { runCost } from "./commands/cost";
import { runDecide } from "./commands/decide";
import { runPerf } from "./commands/perf";
import { PLAN_HELP, runPlan } from "./commands/plan";
import { runPrices } from "./commands/prices";
import { parseReportArgs, processReportIo, REPORT_HELP, runReport } from "./commands/report";
import { parseSmokeArgs, runSmokeCommand, SMOKE_HELP } from "./commands/smoke";
import { parseTeardownArgs, runTeardown, TEARDOWN_HELP, terminalPrompt } from "./commands/teardown";
import { parseFlags } from "./lib/flags";
import { terminalText } from "./lib/markdown";
import { UsageError } from "./lib/usage";

const HELP = `hostwise — self-host an open-weight LLM on AWS EKS with vLLM, with the cost next to the stack

Usage: hostwise <command> [options]      (from a checkout: npm run hostwise -- <command> [options])

Commands:
  plan      the sizing decision and cost of a stack, offline: instance, GPUs, replicas, vLLM flags, resources
  perf      what one replica delivers at each concurrency: tokens/s per stream and in total, TTFT, the bound
  decide    API, self-host or hybrid: the articles' decision with your volumes, constraints and costs
  cost      price a real \`pulumi preview --json\` for a pull request comment, with thresholds to gate on
  canary    load-test a deployed endpoint and price its real tokens (--url, or --stack through port-forward)
  prices    prices refresh: current AWS prices (Price List, Savings Plans, spot) into a price file for a stack
  report    a stack's month from its own Prometheus: traffic, latency, errors, real cost per token vs the API
  teardown  destroy trial stacks whose expiry has passed (--dry-run lists them)
  smoke     the acceptance test on a real account: up, API answers, short canary, destroy, leftover scan

Run 'hostwise <command> --help' for a command's options.`;

/**
 * Runs one command line; returns the exit code. Output goes to the given writers so tests can capture it;
 * `prompt` asks for confirmations on a terminal (absent: there is none).
 */
export async function main(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  now = new Date(),
  prompt?: (question: string) => Promise<string>,
): Promise<number> {
  const [command, ...rest] = argv;
  let subject = ""; // what a config error is about, e.g. 'stack "dev" has '
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        out(HELP);
        return command === undefined ? 2 : 0;
      case "plan": {
        const values = parseFlags("plan", rest, {
          stack: { type: "string", default: "dev" },
          dir: { type: "string", default: process.cwd() },
          config: { type: "string", multiple: true, default: [] as string[] },
          json: { type: "boolean", default: false },
          markdown: { type: "boolean", default: false },
          all: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        });
        if (values.help) {
          out(PLAN_HELP);
          return 0;
        }
        subject = `stack "${values.stack}" has `;
        if (values.json && values.markdown) throw new UsageError("--json and --markdown: choose one output format", "drop one of them");
        const format = values.json ? "json" : values.markdown ? "markdown" : "text";
        out(await runPlan({ stack: values.stack, dir: values.dir, overrides: values.config, format, all: values.all, now, warn: err }));
        return 0;
      }
      case "perf":
        return runPerf(rest, { out });
      case "cost":
        return await runCost(rest, { out, err }, now);
      case "decide":
        return await runDecide(rest, { out, err }, now);
      case "prices":
        return await runPrices(rest, { out, err }, { now });
      case "canary": {
        const parsed = parseCanaryArgs(rest);
        if (parsed.help) {
          out(CANARY_HELP);
          return 0;
        }
        return await runCanary(parsed, { ...processCanaryIo(), out, err });
      }
      case "report": {
        const parsed = parseReportArgs(rest);
        if ("help" in parsed) {
          out(REPORT_HELP);
          return 0;
        }
        return await runReport(parsed, processReportIo(out, err), undefined, now);
      }
      case "teardown": {
        const parsed = parseTeardownArgs(rest);
        if ("help" in parsed) {
          out(TEARDOWN_HELP);
          return 0;
        }
        return await runTeardown(parsed, { out, err, ...(prompt && { prompt }) });
      }
      case "smoke": {
        const parsed = parseSmokeArgs(rest);
        if ("help" in parsed) {
          out(SMOKE_HELP);
          return 0;
        }
        return await runSmokeCommand(parsed, { out, err });
      }
      default:
        throw new UsageError(`unknown command "${command}"`, "run 'hostwise --help' for the commands");
    }
  } catch (e) {
    // Errors quote what the user gave (config values, names): never a control sequence on the terminal.
    if (e instanceof ConfigError) {
      err(terminalText(`hostwise: ${subject}${e.message}`));
      return 1;
    }
    if (e instanceof UsageError) {
      err(terminalText(`hostwise: ${e.message}\n  fix: ${e.hint}`));
      return 2;
    }
    // Never a stack trace for people: one line, and the trace only when asked for.
    err(
      terminalText(`hostwise: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`) +
        "  fix: this is a hostwise bug; run again with HOSTWISE_DEBUG=1 for the stack trace, and report it",
    );
    if (process.env.HOSTWISE_DEBUG && e instanceof Error && e.stack) err(e.stack);
    return 1;
  }
}

/** The CLI on the real terminal (scripts/run.js calls this). */
export function run(argv: readonly string[]): Promise<number> {
  return main(argv, (s) => console.log(s), (s) => console.error(s), new Date(), terminalPrompt());
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
