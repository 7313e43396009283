import { readFile, writeFile } from "node:fs/promises";
import { crossedThresholds, diffPreview, type Thresholds } from "../preview/diff";
import { parsePreview, PreviewError, type ParsedPreview } from "../preview/parse";
import { headline, renderJson, renderMarkdown } from "../preview/render";
import { parseFlags } from "../lib/flags";
import { UsageError } from "../lib/usage";

export const COST_HELP = `hostwise cost — what a Pulumi preview does to the monthly bill, as a pull-request comment

Usage: npm run hostwise -- cost --preview preview.json [--baseline old-preview.json] [--out comment.md] [options]

Reads the JSON \`pulumi preview --json\` prints and prices every resource before and after the change with
hostwise's price book (the one 'hostwise plan' uses): the total monthly change, a table per resource (create,
update, replace, delete; unchanged ones folded), totals at min / expected / max scale, for hostwise stacks the
$ per 1M output tokens against the hosted API, the assumptions, every resource it could not price, and a
Mermaid chart of the cost after the change. A replacement (replace, create-replacement, delete-replaced) counts
once. Usage assumptions (hostwise:natDataGbPerMonth, ...) and hostwise:instancePrices come from the preview's
config, with the stack defaults; node groups are priced at their desiredSize (min: minSize, max: maxSize).

Options:
  --preview FILE              output of \`pulumi preview --json > FILE\` (required)
  --baseline FILE             another preview's JSON, e.g. of the base branch: "before" is its after-state
                              (default: the deployed state, each step's oldState)
  --out FILE                  write the Markdown comment to FILE (default: print it on stdout)
  --json                      print the cost model as JSON on stdout instead of the Markdown (--out still gets
                              the Markdown)
  --region REGION             AWS region to price in (default: aws:region from the preview's config; needed only
                              when the preview has a priced resource type and its config has no aws:region)
  --fail-above MONTHLY_USD    exit 1 when the expected monthly cost after the change is above this
                              (default: no limit)
  --fail-increase PERCENT     exit 1 when the expected monthly cost rises by more than PERCENT; any rise from $0
                              counts (default: no limit)
  -h, --help                  show this help

Exit codes: 0 priced, no threshold crossed; 1 a --fail-above or --fail-increase threshold crossed (printed
with the figures; the comment is still written); 2 bad command line, unreadable or invalid preview file, or
--out not writable.`;

export interface CostOptions {
  readonly preview: string;
  readonly baseline?: string;
  readonly out?: string;
  readonly json: boolean;
  readonly region?: string;
  readonly thresholds: Thresholds;
}

/** An amount a flag takes: a finite number, 0 or more. */
function amount(flag: string, value: string | undefined, example: string): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: "${value}" is not a number of 0 or more`, `e.g. ${flag} ${example}`);
  return n;
}

function fileFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw new UsageError(`${flag}: empty file name`, `give a path, e.g. ${flag} preview.json`);
  return value;
}

/** Parses the command line; throws UsageError naming the flag. `undefined` = --help. */
export function parseCostArgs(argv: readonly string[]): CostOptions | undefined {
  const values = parseFlags("cost", argv, {
    preview: { type: "string" },
    baseline: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean", default: false },
    region: { type: "string" },
    "fail-above": { type: "string" },
    "fail-increase": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return undefined;
  const preview = fileFlag("--preview", values.preview);
  if (preview === undefined) throw new UsageError("--preview: required", "pass the JSON of `pulumi preview --json > preview.json`: --preview preview.json");
  const region = values.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region: "${region}" is not an AWS region name`, "e.g. --region us-east-1");
  }
  const failAbove = amount("--fail-above", values["fail-above"], "5000");
  const failIncrease = amount("--fail-increase", values["fail-increase"], "10");
  const baseline = fileFlag("--baseline", values.baseline);
  const out = fileFlag("--out", values.out);
  return {
    preview,
    ...(baseline !== undefined && { baseline }),
    ...(out !== undefined && { out }),
    json: values.json,
    ...(region !== undefined && { region }),
    thresholds: {
      ...(failAbove !== undefined && { failAboveMonthlyUsd: failAbove }),
      ...(failIncrease !== undefined && { failIncreasePercent: failIncrease }),
    },
  };
}

async function loadPreview(flag: string, path: string): Promise<ParsedPreview> {
  const source = `${flag} ${path}`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new PreviewError(`${source}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `check the path; write the file with \`pulumi preview --json > ${path}\``);
  }
  return parsePreview(text, source);
}

/** Where runCost talks to the world; tests pass their own. */
export interface CostIo {
  /** stdout: the Markdown comment (without --out), or the JSON with --json. */
  out(s: string): void;
  /** stderr: the one-line summary, crossed thresholds, errors. */
  err(s: string): void;
}

function fail(io: CostIo, e: { message: string; hint: string }): number {
  io.err(`hostwise: ${e.message}\n  fix: ${e.hint}`);
  return 2;
}

/** Runs `hostwise cost`; resolves to the exit code (see COST_HELP). */
export async function runCost(argv: readonly string[], io: CostIo, now = new Date()): Promise<number> {
  try {
    const options = parseCostArgs(argv);
    if (!options) {
      io.out(COST_HELP);
      return 0;
    }
    const preview = await loadPreview("--preview", options.preview);
    const baseline = options.baseline !== undefined ? await loadPreview("--baseline", options.baseline) : undefined;
    const diff = diffPreview(preview, { now, ...(options.region && { region: options.region }), ...(baseline && { baseline }) });
    const crossed = crossedThresholds(diff, options.thresholds);
    const markdown = renderMarkdown(diff, crossed);

    if (options.out !== undefined) {
      try {
        await writeFile(options.out, markdown);
      } catch (e) {
        throw new UsageError(`--out ${options.out}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass a writable path for the comment");
      }
    }
    if (options.json) io.out(renderJson(diff, crossed));
    else if (options.out === undefined) io.out(markdown.trimEnd());

    const where = options.out !== undefined ? `; wrote ${options.out}` : "";
    io.err(`hostwise cost: stack ${diff.stack ?? "(unknown)"}: ${headline(diff)}, ${diff.notPriced.length} not priced${where}`);
    for (const c of crossed) io.err(`hostwise cost: threshold crossed: ${c}`);
    return crossed.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PreviewError) return fail(io, e);
    throw e;
  }
}
