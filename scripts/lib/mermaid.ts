// Mermaid xychart-beta blocks for the Markdown reports. Plain decimals only: the grammar reads no exponents.

import { niceCeil } from "../../infra/decide/series";

export interface ChartSeries {
  readonly kind: "bar" | "line";
  readonly name: string;
  readonly values: readonly number[];
}

export interface XyChart {
  readonly title: string;
  readonly xLabel: string;
  readonly categories: readonly string[];
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Decimals kept in the values. */
  readonly digits: number;
}

/** n as a plain decimal with at most `digits` decimals. */
export function decimal(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

const quoted = (s: string) => `"${s.replace(/"/g, "'")}"`;

export function xyChart(c: XyChart): string {
  const top = niceCeil(Math.max(0, ...c.series.flatMap((s) => s.values)) * 1.05);
  return [
    "```mermaid",
    "xychart-beta",
    `    title ${quoted(c.title)}`,
    `    x-axis ${quoted(c.xLabel)} [${c.categories.map(quoted).join(", ")}]`,
    `    y-axis ${quoted(c.yLabel)} 0 --> ${decimal(top, 6)}`,
    ...c.series.map((s) => `    ${s.kind} ${quoted(s.name)} [${s.values.map((v) => decimal(v, c.digits)).join(", ")}]`),
    "```",
  ].join("\n");
}
