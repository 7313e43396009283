import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { BUILT_IN_CATALOG, catalogRegions, type PriceFile } from "../../infra/catalog/aws-prices";
import { INSTANCE_TYPES } from "../../infra/catalog/instances";
import { formatPriceFile, priceFileProblems, readPriceFile } from "../../infra/catalog/price-file";
import { sdkApis, PRICE_LIST_REGIONS, type ClientConfig } from "../prices/clients";
import { fetchRegion, refreshSources, type PriceApis, type RegionRefresh } from "../prices/fetch";
import { mergeRefresh, priceChanges, type PriceChange } from "../prices/merge";
import { parseFlags } from "../lib/flags";
import { renderTable } from "../lib/table";
import { UsageError } from "../lib/usage";

export const PRICES_HELP = `hostwise prices refresh — current AWS prices into a price file, from AWS's own price APIs

Usage: npm run hostwise -- prices refresh [--region R ...] [--out FILE] [--instance-type T ...] [--json]

With your AWS credentials (the SDK's default chain: environment, shared config or SSO profile, instance role)
it reads, for each region:
  - On-Demand Linux prices and standard reserved-instance rates of the catalog's GPU and system instance types,
    and the unit prices of every other line hostwise prices (EKS control plane, NAT gateway, gp3, Network Load
    Balancer, VPC interface endpoints, KMS keys, CloudWatch Logs, public IPv4), from the AWS Price List Query
    API (GetProducts; IAM pricing:GetProducts)
  - Compute and EC2 Instance Savings Plans rates (savingsplans:DescribeSavingsPlansOfferingRates)
  - the spot price in effect in each of the region's zones (ec2:DescribeSpotPriceHistory), kept as the median
and writes them in the catalog's format, each figure with its source and today's date, then prints every
price that changed. Price a stack with the file: pulumi config set hostwise:priceCatalogFile prices.json

Options:
  --region R             a region to refresh (repeatable; default: every region the file, or the built-in
                         catalog, covers)
  --out FILE             the price file to write (default: prices.json). If it exists it is the baseline: its
                         other regions stay, and a line the Price List returns nothing for keeps its figure
  --instance-type T      also price this instance type (repeatable), e.g. your hostwise:systemInstanceType
  --price-list-region R  the Price List endpoint: ${PRICE_LIST_REGIONS.join(", ")} (default: us-east-1)
  --json                 print the changes as JSON
  -h, --help             show this help

Exit codes: 0 written; 1 an AWS call failed (no credentials, access denied, throttled: the message says
which; nothing is written); 2 bad command line, or a baseline file that is not a price file.`;

export interface PricesIo {
  out(s: string): void;
  err(s: string): void;
}

export interface PricesDeps {
  readonly now?: Date;
  /** The API clients; default: the AWS SDK with its default endpoints and credentials. */
  readonly apis?: (priceListRegion: string) => PriceApis;
  /** Endpoint and credentials for the default clients (tests point them at a local server). */
  readonly clientConfig?: ClientConfig;
}

interface RefreshOptions {
  readonly regions?: readonly string[];
  readonly out: string;
  readonly instanceTypes: readonly string[];
  readonly priceListRegion: string;
  readonly json: boolean;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function parseRefreshArgs(argv: readonly string[]): RefreshOptions | undefined {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help") return undefined;
  if (sub !== "refresh") throw new UsageError(`unknown prices command "${sub}"`, "run 'hostwise prices refresh --help'");
  const values = parseFlags("prices refresh", rest, {
    region: { type: "string", multiple: true, default: [] as string[] },
    out: { type: "string", default: "prices.json" },
    "instance-type": { type: "string", multiple: true, default: [] as string[] },
    "price-list-region": { type: "string", default: "us-east-1" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return undefined;
  for (const r of values.region) if (!REGION.test(r)) throw new UsageError(`--region: "${r}" is not an AWS region name`, "e.g. --region eu-west-1");
  for (const t of values["instance-type"]) if (!INSTANCE_TYPE.test(t)) throw new UsageError(`--instance-type: "${t}" is not an EC2 instance type`, "e.g. --instance-type r7i.large");
  if (!(PRICE_LIST_REGIONS as readonly string[]).includes(values["price-list-region"])) {
    throw new UsageError(`--price-list-region: the Price List Query API is not served from ${values["price-list-region"]}`, `use one of ${PRICE_LIST_REGIONS.join(", ")}`);
  }
  if (values.out.trim() === "") throw new UsageError("--out: empty file name", "e.g. --out prices.json");
  return {
    ...(values.region.length > 0 && { regions: [...new Set(values.region)] }),
    out: values.out,
    instanceTypes: values["instance-type"],
    priceListRegion: values["price-list-region"],
    json: values.json,
  };
}

/** The file a refresh updates: --out when it exists, else the built-in catalog. */
function baselineFor(out: string): { file: PriceFile; name: string } {
  if (!existsSync(out)) return { file: BUILT_IN_CATALOG.file, name: BUILT_IN_CATALOG.name };
  const read = readPriceFile(out);
  if ("problem" in read) throw new UsageError(`--out: ${read.problem}`, "point --out at a new file, or at one an earlier refresh wrote");
  return { file: read.catalog.file, name: out };
}

/** The GPU catalog's types, the system types the built-in catalog prices, and any asked for. */
function typesToPrice(extra: readonly string[]): string[] {
  const system = new Set(Object.values(BUILT_IN_CATALOG.file.regions).flatMap((r) => Object.keys(r.instances ?? {})));
  return [...new Set([...INSTANCE_TYPES.map((i) => i.instanceType), ...system, ...extra])];
}

const money = (n: number | undefined) => (n === undefined ? "-" : `$${Number(n.toPrecision(6))}`);

function renderChanges(o: RefreshOptions, baselineName: string, date: string, refreshed: readonly RegionRefresh[], changes: readonly PriceChange[]): string {
  const rows = changes.map((c) => {
    const pct = c.before !== undefined && c.after !== undefined && c.before > 0 ? ` (${c.after >= c.before ? "+" : ""}${(((c.after - c.before) / c.before) * 100).toFixed(1)}%)` : "";
    return [c.region, c.item, c.field === "usd" ? "" : c.field, money(c.before), money(c.after) + pct];
  });
  const lines = [
    `hostwise prices refresh: wrote ${o.out} with AWS prices of ${date} for ${refreshed.map((r) => r.region).join(", ")} (baseline: ${baselineName})`,
    "",
    changes.length > 0 ? `${changes.length} price${changes.length === 1 ? "" : "s"} changed (USD per unit; commitments at their effective hourly rate)` : "No price changed.",
    ...(rows.length > 0 ? renderTable(["region", "instance type or line", "price", "before", "after"], rows, [3, 4]).split("\n").map((l) => `  ${l}`) : []),
  ];
  for (const r of refreshed) {
    if (r.notOffered.length > 0) lines.push(`${r.region}: not in AWS's price list, so not offered there: ${r.notOffered.join(", ")}`);
    if (r.linesNotFound.length > 0) lines.push(`${r.region}: no Price List rate for ${r.linesNotFound.join(", ")} (an earlier figure, if any, is kept with its own source and date)`);
  }
  lines.push("", `Price a stack with it: pulumi config set hostwise:priceCatalogFile ${o.out}`);
  return lines.join("\n");
}

/** The name and message of an SDK error, or undefined for anything else (a bug: rethrown). */
function awsFailure(e: unknown): string | undefined {
  const err = e as { name?: string; message?: string; $metadata?: unknown };
  if (!err || typeof err !== "object" || typeof err.name !== "string") return undefined;
  if (err.$metadata !== undefined || /Credential|Provider|Token|Timeout|ECONNREFUSED|ENOTFOUND/i.test(`${err.name} ${err.message}`)) return `${err.name}: ${err.message}`;
  return undefined;
}

/** `hostwise prices refresh`: resolves to the exit code (see PRICES_HELP). */
export async function runPrices(argv: readonly string[], io: PricesIo, deps: PricesDeps = {}): Promise<number> {
  try {
    const o = parseRefreshArgs(argv);
    if (!o) {
      io.out(PRICES_HELP);
      return 0;
    }
    const now = deps.now ?? new Date();
    const date = now.toISOString().slice(0, 10);
    const baseline = baselineFor(o.out);
    const regions = o.regions ?? catalogRegions({ name: baseline.name, file: baseline.file });
    const types = typesToPrice(o.instanceTypes);
    const apis = (deps.apis ?? ((r: string) => sdkApis(r, deps.clientConfig)))(o.priceListRegion);
    const keys = refreshSources(date, o.priceListRegion).keys;

    const refreshed: RegionRefresh[] = [];
    for (const region of regions) {
      const r = await fetchRegion(apis, region, types, keys, now);
      io.err(`hostwise prices: ${region}: ${Object.keys(r.entry.instances).length} instance types, ${Object.keys(r.entry.services).length} service lines`);
      refreshed.push(r);
    }
    const publication = refreshed.map((r) => r.publication).filter(Boolean).sort().pop();
    const merged = mergeRefresh(baseline.file, refreshed, refreshSources(date, o.priceListRegion, publication).sources);
    const problems = priceFileProblems(merged);
    if (problems.length > 0) throw new Error(`the refreshed file is not sound: ${problems.join("; ")}`);
    try {
      await writeFile(o.out, formatPriceFile(merged));
    } catch (e) {
      throw new UsageError(`--out ${o.out}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, "pass a writable path");
    }
    const changes = priceChanges(baseline.file, merged, regions);
    io.out(
      o.json
        ? JSON.stringify({ out: o.out, date, regions, baseline: baseline.name, changes, notOffered: Object.fromEntries(refreshed.map((r) => [r.region, r.notOffered])), linesNotFound: Object.fromEntries(refreshed.map((r) => [r.region, r.linesNotFound])) }, null, 2)
        : renderChanges(o, baseline.name, date, refreshed, changes),
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`hostwise: ${e.message}\n  fix: ${e.hint}`);
      return 2;
    }
    const failure = awsFailure(e);
    if (failure === undefined) throw e;
    io.err(`hostwise: prices refresh: an AWS call failed, nothing written: ${failure}\n  fix: give AWS credentials allowed pricing:GetProducts, savingsplans:DescribeSavingsPlansOfferingRates and ec2:DescribeSpotPriceHistory (e.g. AWS_PROFILE=...), and retry`);
    return 1;
  }
}
