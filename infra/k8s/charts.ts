import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** One add-on from charts/<folder>: the upstream chart it pins and the values hostwise installs it with. */
export interface PinnedChart {
  readonly folder: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly values: Record<string, unknown>;
}

/** charts/ at the project root (HOSTWISE_ROOT when the CLI runs from a bundle elsewhere). */
export const CHARTS_DIR = join(process.env.HOSTWISE_ROOT ?? join(__dirname, "..", ".."), "charts");

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Reads and checks one chart folder: exactly one dependency, an exact version (no range, no `latest`), an
 * https repository. Values live under the dependency's name, as in a Helm umbrella chart.
 */
export function readChart(folder: string, dir = CHARTS_DIR): PinnedChart {
  const where = `charts/${folder}/Chart.yaml`;
  const chartYaml = parse(readFileSync(join(dir, folder, "Chart.yaml"), "utf8")) as { dependencies?: Array<Record<string, unknown>> };
  const deps = chartYaml?.dependencies ?? [];
  if (deps.length !== 1) throw new Error(`${where}: pins ${deps.length} charts; pin exactly one`);
  const { name, version, repository } = deps[0] as { name?: unknown; version?: unknown; repository?: unknown };
  if (typeof name !== "string" || name === "") throw new Error(`${where}: the dependency has no name`);
  if (typeof version !== "string" || !EXACT_VERSION.test(version)) {
    throw new Error(`${where}: version ${JSON.stringify(version)} is not an exact version (no ranges, no latest)`);
  }
  if (typeof repository !== "string" || !repository.startsWith("https://")) {
    throw new Error(`${where}: repository ${JSON.stringify(repository)} is not an https URL`);
  }
  const valuesYaml = (parse(readFileSync(join(dir, folder, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
  const values = (valuesYaml[name] ?? {}) as Record<string, unknown>;
  return { folder, chart: name, version, repository, values };
}

export function listChartFolders(dir = CHARTS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}
