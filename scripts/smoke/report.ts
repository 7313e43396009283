import { mdCode, mdText } from "../lib/markdown";
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

/** The report as Markdown: error details and resource ids come from AWS and the CLI, so through scripts/lib/markdown.ts. */
export function renderSmokeMarkdown(r: SmokeResult): string {
  return [
    `# hostwise smoke — stack ${mdCode(r.stack)}: ${r.passed ? "passed" : "FAILED"}`,
    "",
    `Region ${mdText(r.region ?? "unknown")}, cluster ${mdCode(r.clusterName)}, ${mdText(r.startedAt)} → ${mdText(r.finishedAt)}.`,
    "",
    "| step | result | time | detail |",
    "|---|---|---:|---|",
    ...rows(r).map((row) => `| ${row.map((c) => mdText(c, 1_000)).join(" | ")} |`),
    "",
    r.leftovers.length === 0 ? "Leftovers: none found." : `Leftovers (${r.leftovers.length}):`,
    ...r.leftovers.map((l) => `- ${mdText(l.kind)}: ${mdCode(l.id)}`),
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
