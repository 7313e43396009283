import { existsSync, realpathSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { NumberRange } from "../../infra/config/numbers";
import { crossedThresholds, diffPreview, type Thresholds } from "../preview/diff";
import { parsePreview, PreviewError, type ParsedPreview } from "../preview/parse";
import { headline, renderJson, renderMarkdown } from "../preview/render";
import { numberFlag, parseFlags } from "../lib/flags";
import { terminalText } from "../lib/markdown";
import { UsageError } from "../lib/usage";

export const COST_HELP = `hostwise cost — what a Pulumi preview does to the monthly bill, as a pull-request comment

Usage: npm run hostwise -- cost --preview preview.json [--baseline old-preview.json] [--out comment.md] [options]

Reads the JSON \`pulumi preview --json\` prints and prices every resource before and after the change with
hostwise's price book (the one 'hostwise plan' uses): the total monthly change, a table per resource (create,
update, replace, delete; unchanged ones folded), totals at min / expected / max scale, for hostwise stacks the
$ per 1M output tokens against the hosted API, the assumptions, every resource it could not price, and a
Mermaid chart of the cost after the change. A replacement (replace, create-replacement, delete-replaced) counts
once. Usage assumptions (hostwise:natDataGbPerMonth, ...) and hostwise:instancePrices come from the preview's
config, with the stack defaults; the comment says so when the change sets its own instancePrices (with the
catalog price next to each). Node groups are priced at their desiredSize (min: minSize, max: maxSize); a
desiredSize unknown until apply is priced at maxSize, an upper bound the comment flags. A comment longer than
GitHub's 65,536 characters is cut, with a note saying what was left out.

The thresholds fail closed: when a resource of a type hostwise prices cannot be priced (a value it needs is
unknown until apply, or its instance type has no price), or the verdict would differ between the bounds of
an unknown value, the threshold counts as crossed and says why.

Options:
  --preview FILE              output of \`pulumi preview --json > FILE\` (required)
  --baseline FILE             another preview's JSON, e.g. of the base branch: "before" is its after-state
                              (default: the deployed state, each step's oldState)
  --out FILE                  write the Markdown comment to FILE (default: print it on stdout)
  --json                      print the cost model as JSON on stdout instead of the Markdown (--out still gets
                              the Markdown)
  --region REGION             AWS region to price in (default: aws:region from the preview's config; needed only
                              when the preview has a priced resource type and its config has no aws:region)
  --catalog-prices            price against the built-in catalog, ignoring what the previews' config states about
                              prices: instancePrices, priceCatalogFile and stated discounts; commitments are
                              priced On-Demand (default: the previews' own, shown in the comment)
  --fail-above MONTHLY_USD    exit 1 when the expected monthly cost after the change is above this
                              (default: no limit)
  --fail-increase PERCENT     exit 1 when the expected monthly cost rises by more than PERCENT; any rise from $0
                              counts (default: no limit)
  -h, --help                  show this help

Exit codes: 0 priced, no threshold crossed; 1 a --fail-above or --fail-increase threshold crossed or not
decidable (printed with the figures or the reason; the comment is still written); 2 bad command line,
unreadable, oversized or invalid preview file (or an absurd quantity in it), --out not writable or the same
file as --preview or --baseline.`;

export interface CostOptions {
  readonly preview: string;
  readonly baseline?: string;
  readonly out?: string;
  readonly json: boolean;
  readonly region?: string;
  readonly catalogPrices: boolean;
  readonly thresholds: Thresholds;
}

/** A monthly bill up to a billion dollars; a rise up to a million percent. */
const FAIL_ABOVE_RANGE: NumberRange = { min: 0, max: 1_000_000_000 };
const FAIL_INCREASE_RANGE: NumberRange = { min: 0, max: 1_000_000 };
/**
 * The largest preview file read, which bounds memory: the parsed preview and its priced states take about 18
 * times the file's size (npm run bench: a 100,000-resource, 34 MiB preview peaks at ~630 MiB), so 64 MiB stays
 * near 1.2 GiB, within a CI runner and Node's default heap.
 */
export const MAX_PREVIEW_BYTES = 64 * 1024 * 1024;

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
    "catalog-prices": { type: "boolean", default: false },
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
  const failAbove = numberFlag("--fail-above", values["fail-above"], FAIL_ABOVE_RANGE, "5000");
  const failIncrease = numberFlag("--fail-increase", values["fail-increase"], FAIL_INCREASE_RANGE, "10");
  const baseline = fileFlag("--baseline", values.baseline);
  const out = fileFlag("--out", values.out);
  for (const [flag, input] of [["--preview", preview], ["--baseline", baseline]] as const) {
    if (out !== undefined && input !== undefined && samePath(out, input)) {
      throw new UsageError(`--out ${out}: is the ${flag} file; writing the comment would overwrite the preview`, "write the comment to another file, e.g. --out cost-comment.md");
    }
  }
  return {
    preview,
    ...(baseline !== undefined && { baseline }),
    ...(out !== undefined && { out }),
    json: values.json,
    ...(region !== undefined && { region }),
    catalogPrices: values["catalog-prices"],
    thresholds: {
      ...(failAbove !== undefined && { failAboveMonthlyUsd: failAbove }),
      ...(failIncrease !== undefined && { failIncreasePercent: failIncrease }),
    },
  };
}

/** Whether two paths name one file (through symbolic links too; the second need not exist yet). */
function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    const full = resolve(p);
    if (existsSync(full)) return realpathSync(full);
    return existsSync(dirname(full)) ? join(realpathSync(dirname(full)), basename(full)) : full;
  };
  return real(a) === real(b);
}

async function loadPreview(flag: string, path: string): Promise<ParsedPreview> {
  const source = `${flag} ${path}`;
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_PREVIEW_BYTES) {
      throw new PreviewError(`${source}: ${Math.round(size / 2 ** 20)} MiB is larger than the ${MAX_PREVIEW_BYTES / 2 ** 20} MiB hostwise reads`, "preview one stack at a time; a preview this large is not a pull request's change");
    }
    text = await readFile(path, "utf8");
  } catch (e) {
    if (e instanceof PreviewError) throw e;
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
export async function runCost(argv: readonly string[], terminal: CostIo, now = new Date()): Promise<number> {
  // stderr carries names and messages from the preview: never a control sequence.
  const io: CostIo = { out: terminal.out, err: (s) => terminal.err(terminalText(s)) };
  try {
    const options = parseCostArgs(argv);
    if (!options) {
      io.out(COST_HELP);
      return 0;
    }
    const preview = await loadPreview("--preview", options.preview);
    const baseline = options.baseline !== undefined ? await loadPreview("--baseline", options.baseline) : undefined;
    const diff = diffPreview(preview, { now, catalogPrices: options.catalogPrices, ...(options.region && { region: options.region }), ...(baseline && { baseline }) });
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
