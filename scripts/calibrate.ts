import { CALIBRATION_GPUS, CALIBRATION_SOURCES, type CalibrationPoint } from "../infra/catalog/calibration";
import { CALIBRATION_CRITERIA, deviation, runCalibration, summarize, type CalibrationResult } from "../infra/sizing/calibration";
import { renderTable } from "./lib/table";

// `npm run calibrate`: the sizing engine against every published vLLM measurement in infra/catalog/calibration.ts.
// Prints the table (measured, modeled, ratio), per-source residuals, the held-out check and the summary; exits 1
// when the acceptance criteria fail (test/calibration.test.ts asserts the same on the same data).

const UNITS: Record<CalibrationPoint["metric"], string> = {
  perStreamTokensPerSecond: "tok/s/stream",
  outputTokensPerSecond: "out tok/s",
  ttftMs: "TTFT ms",
  kvCapacityTokens: "KV tokens",
};

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function weights(p: CalibrationPoint): string {
  const q = p.quantization === "none" ? "BF16" : p.quantization.toUpperCase();
  return p.kvCacheDtype === "fp8" ? `${q}, fp8 KV` : q;
}

function row(r: CalibrationResult): string[] {
  const p = r.point;
  const w = p.workload;
  const flag = p.excluded ? "excluded" : p.heldOut ? "held out" : deviation(r.ratio) > 0.25 ? "> ±25 %" : "";
  return [
    p.id,
    CALIBRATION_GPUS[p.gpu].label,
    String(p.tensorParallelSize),
    weights(p),
    `${fmt(w.promptTokens)} / ${fmt(w.outputTokens)} @ ${w.concurrency}`,
    UNITS[p.metric],
    fmt(p.measured),
    fmt(r.modeled),
    r.ratio.toFixed(2),
    flag,
  ];
}

function main(): number {
  const json = process.argv.includes("--json");
  const results = runCalibration();
  const summary = summarize(results);
  const used = results.filter((r) => !r.point.excluded);
  const heldOut = used.filter((r) => r.point.heldOut);
  const bySource = CALIBRATION_SOURCES.map((s) => {
    const rs = used.filter((r) => r.point.source === s.id);
    return { source: s.id, publisher: s.publisher, points: rs.length, medianRatio: rs.length ? median(rs.map((r) => r.ratio)) : NaN, worst: rs.length ? Math.max(...rs.map((r) => deviation(r.ratio))) : NaN };
  }).filter((s) => s.points > 0);

  if (json) {
    console.log(
      JSON.stringify(
        {
          criteria: CALIBRATION_CRITERIA,
          summary: { ...summary, worst: { id: summary.worst.point.id, ratio: summary.worst.ratio }, outside50: summary.outside50.map((r) => r.point.id) },
          bySource,
          points: results.map((r) => ({ id: r.point.id, source: r.point.source, metric: r.point.metric, measured: r.point.measured, modeled: r.modeled, ratio: r.ratio, excluded: r.point.excluded, heldOut: r.point.heldOut ?? false })),
        },
        null,
        2,
      ),
    );
    return summary.passes ? 0 : 1;
  }

  const lines = [
    "hostwise calibration — the sizing engine against published vLLM measurements (infra/catalog/calibration.ts)",
    "ratio = modeled / measured; workload = prompt / output tokens @ concurrency",
    "",
    renderTable(
      ["point", "GPU", "TP", "weights", "workload", "metric", "measured", "modeled", "ratio", ""],
      results.map(row),
      [2, 6, 7, 8],
    ),
    "",
    "Per source (points in the fit)",
    renderTable(
      ["source", "publisher", "points", "median ratio", "worst deviation"],
      bySource.map((s) => [s.source, s.publisher, String(s.points), s.medianRatio.toFixed(2), pct(s.worst)]),
      [2, 3, 4],
    ),
    "",
    `Held out (never used to choose a constant): ${heldOut.map((r) => `${r.point.id} ${r.ratio.toFixed(2)}`).join(", ")}`,
    "",
    "Excluded, with why",
    ...results.filter((r) => r.point.excluded).map((r) => `  ${r.point.id} (ratio ${r.ratio.toFixed(2)}): ${r.point.excluded}`),
    "",
    `Summary: ${summary.points} points from ${summary.sources} sources (${summary.publishers} independent publishers)`,
    `  median ratio      ${summary.medianRatio.toFixed(3)}   (must be ${CALIBRATION_CRITERIA.medianRatio.min}–${CALIBRATION_CRITERIA.medianRatio.max})`,
    `  within ±25 %      ${pct(summary.shareWithin25)}   (must be at least ${pct(CALIBRATION_CRITERIA.within25)})`,
    `  outside ±50 %     ${summary.outside50.length}   (must be none)${summary.outside50.length ? `: ${summary.outside50.map((r) => r.point.id).join(", ")}` : ""}`,
    `  worst             ${summary.worst.point.id}, ratio ${summary.worst.ratio.toFixed(3)}`,
    `  ${summary.passes ? "PASS" : "FAIL"}`,
  ];
  console.log(lines.join("\n"));
  return summary.passes ? 0 : 1;
}

process.exitCode = main();
