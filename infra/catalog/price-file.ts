import { readFileSync } from "node:fs";
import { PRICE_FILE_FORMAT, SERVICE_LINES, type PriceCatalog, type PriceFile } from "./aws-prices";

// Reading, checking and writing price files: the built-in catalog's format, which `hostwise prices refresh`
// writes and hostwise:priceCatalogFile points at.

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;
const COMMITMENT = /^(compute-savings-plan|ec2-instance-savings-plan|reserved)\/(1y|3y)\/(no-upfront|partial-upfront|all-upfront)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPrice = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Every problem in a parsed price file, as sentences naming the JSON path; empty when it is sound. */
export function priceFileProblems(data: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(data)) return ["the file is not a JSON object"];
  if (data.format !== PRICE_FILE_FORMAT) problems.push(`format is ${JSON.stringify(data.format)}, not "${PRICE_FILE_FORMAT}"`);
  if (data.currency !== "USD") problems.push(`currency is ${JSON.stringify(data.currency)}: hostwise prices in USD`);
  const sources = isObject(data.sources) ? data.sources : {};
  if (!isObject(data.sources)) problems.push("sources: missing (an object of source key → {ref, date})");
  for (const [key, s] of Object.entries(sources)) {
    if (!isObject(s) || typeof s.ref !== "string" || s.ref === "") problems.push(`sources.${key}: needs a ref (where the prices came from)`);
    else if (typeof s.date !== "string" || !DATE.test(s.date)) problems.push(`sources.${key}: needs a date (YYYY-MM-DD, when the prices were collected)`);
  }
  const checkSource = (path: string, key: unknown) => {
    if (typeof key !== "string" || !(key in sources)) problems.push(`${path}.source: ${JSON.stringify(key)} is not a key of sources`);
  };
  if (!isObject(data.regions) || Object.keys(data.regions).length === 0) {
    problems.push("regions: missing or empty");
    return problems;
  }
  for (const [region, entry] of Object.entries(data.regions)) {
    const at = `regions.${region}`;
    if (!REGION.test(region)) problems.push(`${at}: "${region}" is not an AWS region name`);
    if (!isObject(entry)) {
      problems.push(`${at}: not an object`);
      continue;
    }
    if (entry.instances !== undefined && !isObject(entry.instances)) problems.push(`${at}.instances: not an object`);
    for (const [type, i] of Object.entries(isObject(entry.instances) ? entry.instances : {})) {
      const path = `${at}.instances.${type}`;
      if (!INSTANCE_TYPE.test(type)) problems.push(`${path}: "${type}" is not an EC2 instance type`);
      if (!isObject(i)) {
        problems.push(`${path}: not an object`);
        continue;
      }
      for (const field of ["onDemand", "spot"] as const) {
        if (i[field] !== undefined && !isPrice(i[field])) problems.push(`${path}.${field}: ${JSON.stringify(i[field])} is not a price (USD per hour, 0 or more)`);
      }
      checkSource(path, i.source);
      for (const [key, c] of Object.entries(isObject(i.commitments) ? i.commitments : {})) {
        const cpath = `${path}.commitments.${key}`;
        if (!COMMITMENT.test(key)) problems.push(`${cpath}: not option/term/payment (e.g. compute-savings-plan/1y/no-upfront)`);
        if (!isObject(c) || !isPrice(c.usdPerHour)) problems.push(`${cpath}.usdPerHour: not a price`);
        else {
          if (c.upfrontUsd !== undefined && !isPrice(c.upfrontUsd)) problems.push(`${cpath}.upfrontUsd: not a price`);
          checkSource(cpath, c.source);
        }
      }
    }
    if (entry.services !== undefined && !isObject(entry.services)) problems.push(`${at}.services: not an object`);
    for (const [line, p] of Object.entries(isObject(entry.services) ? entry.services : {})) {
      const path = `${at}.services.${line}`;
      if (!(line in SERVICE_LINES)) problems.push(`${path}: not a line hostwise prices (${Object.keys(SERVICE_LINES).join(", ")})`);
      if (!isObject(p) || !isPrice(p.usd)) problems.push(`${path}.usd: not a price`);
      else checkSource(path, p.source);
    }
  }
  return problems;
}

/** A price file read from disk, or the reason it cannot be used (unreadable, not JSON, or unsound). */
export function readPriceFile(path: string): { catalog: PriceCatalog } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return { problem: `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `${path} is not JSON (${(e as Error).message})` };
  }
  const problems = priceFileProblems(data);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
    return { problem: `${path} is not a hostwise price file: ${shown}` };
  }
  return { catalog: { name: path, file: data as PriceFile } };
}

/**
 * The file as JSON text, one instance type or service line per line so that a refresh diffs line by line.
 * Keys keep their order; `about` and `sources` come first.
 */
export function formatPriceFile(file: PriceFile): string {
  const one = (v: unknown): string =>
    isObject(v) ? `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${one(x)}`).join(", ")}}` : JSON.stringify(v);
  const lines = ["{"];
  lines.push(`  "format": ${JSON.stringify(file.format)},`);
  if (file.about !== undefined) lines.push(`  "about": ${JSON.stringify(file.about)},`);
  lines.push(`  "currency": ${JSON.stringify(file.currency)},`);
  lines.push(`  "sources": {`);
  const sources = Object.entries(file.sources);
  sources.forEach(([k, s], i) => lines.push(`    ${JSON.stringify(k)}: ${one(s)}${i < sources.length - 1 ? "," : ""}`));
  lines.push("  },", `  "regions": {`);
  const regions = Object.entries(file.regions);
  regions.forEach(([region, entry], ri) => {
    lines.push(`    ${JSON.stringify(region)}: {`);
    const blocks: string[][] = [];
    for (const part of ["instances", "services"] as const) {
      const table = entry[part];
      if (table === undefined) continue;
      const rows = Object.entries(table as Record<string, unknown>);
      blocks.push([
        `      ${JSON.stringify(part)}: {`,
        ...rows.map(([k, v], i) => `        ${JSON.stringify(k)}: ${one(v)}${i < rows.length - 1 ? "," : ""}`),
        "      }",
      ]);
    }
    blocks.forEach((b, i) => lines.push(...b.slice(0, -1), b[b.length - 1]! + (i < blocks.length - 1 ? "," : "")));
    lines.push(`    }${ri < regions.length - 1 ? "," : ""}`);
  });
  lines.push("  }", "}");
  return lines.join("\n") + "\n";
}
