import { renderTable } from "../lib/table";
import type { SmokeResult } from "./run";

// The smoke result as JSON (for CI), Markdown (for a release note or an issue) and a terminal summary.

export function smokeJson(r: SmokeResult) {
  return { report: "hostwise smoke", schemaVersion: 1, ...r };
}

const minutes = (seconds: number) => (seconds >= 90 ? `${(seconds / 60).toFixed(1)} min` : `${Math.round(seconds)} s`);

function rows(r: SmokeResult): string[][] {
  return r.steps.map((s) => [s.step, s.status, s.status === "skipped" ? "" : minutes(s.seconds), s.detail]);
}

export function renderSmokeMarkdown(r: SmokeResult): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `# hostwise smoke — stack \`${r.stack}\`: ${r.passed ? "passed" : "FAILED"}`,
    "",
    `Region ${r.region ?? "unknown"}, cluster \`${r.clusterName}\`, ${r.startedAt} → ${r.finishedAt}.`,
    "",
    "| step | result | time | detail |",
    "|---|---|---:|---|",
    ...rows(r).map((row) => `| ${row.map(cell).join(" | ")} |`),
    "",
    r.leftovers.length === 0 ? "Leftovers: none found." : `Leftovers (${r.leftovers.length}):`,
    ...r.leftovers.map((l) => `- ${l.kind}: \`${l.id}\``),
    "",
  ].join("\n");
}

export function renderSmokeSummary(r: SmokeResult): string {
  return [
    renderTable(["step", "result", "time", "detail"], rows(r)),
    "",
    ...(r.leftovers.length > 0 ? [`Leftovers: ${r.leftovers.map((l) => `${l.id} (${l.kind})`).join(", ")}`] : []),
    `Smoke ${r.passed ? "passed" : "FAILED"}: stack ${r.stack} in ${r.region ?? "an unknown region"}`,
  ].join("\n");
}
