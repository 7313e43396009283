// The answers part of a canary report: pass rates per endpoint and the items where the endpoints disagree.
// Every model answer is untrusted text: Markdown gets it through mdText (one line, escaped, cut to length).

import { mdCode, mdText } from "../lib/markdown";
import { round } from "../lib/table";
import type { Check, EvalResult, ItemResult } from "./eval";

/** How an item is checked, in a few words. */
function describeCheck(c: Check): string {
  switch (c.kind) {
    case "exact":
      return `exact ${JSON.stringify(c.expected)}${c.ignoreCase ? " (any case)" : ""}`;
    case "contains":
      return `contains ${JSON.stringify(c.expected)}${c.ignoreCase ? " (any case)" : ""}`;
    case "regex":
      return `regex /${c.pattern}/${c.ignoreCase ? "i" : ""}`;
    case "numeric":
      return `number ${c.expected}${c.tolerance ? ` ± ${c.tolerance}` : ""}`;
    case "json":
      return `JSON ${c.path === "" ? "value" : c.path} = ${JSON.stringify(c.expected)}`;
  }
}

export function evalJson(r: EvalResult, checks: ReadonlyMap<string, Check>) {
  return {
    set: r.set,
    partial: r.partial,
    endpoints: r.endpoints,
    scores: r.scores.map((s) => ({ ...s, passRate: Number(s.passRate.toFixed(4)) })),
    disagreements: r.disagreements,
    items: r.items.map((i) => ({
      id: i.id,
      check: checks.get(i.id) ?? null,
      answers: i.answers.map((a, e) => ({
        endpoint: r.endpoints[e],
        pass: a.verdict.pass,
        detail: a.verdict.detail,
        ...(a.answer.ok ? { answer: a.answer.text } : { error: a.answer.error }),
      })),
    })),
  };
}

const pct = (x: number) => `${round(x * 100, 0)}%`;

/** One line per endpoint: "self-hosted 22/24 (92%)". */
export function evalScoreLine(r: EvalResult): string {
  const total = r.items.length;
  const scores = r.scores.map((s) => `${s.endpoint} ${s.passed}/${total} (${pct(s.passRate)})${s.errors ? `, ${s.errors} without an answer` : ""}`).join("; ");
  const disagree = r.endpoints.length > 1 ? `; they disagree on ${r.disagreements.length === 0 ? "none" : r.disagreements.join(", ")}` : "";
  return `Answers (${r.set}${r.partial ? ", stopped early" : ""}): ${scores}${disagree}`;
}

function answerCell(item: ItemResult, e: number): string {
  const a = item.answers[e]!;
  const said = a.answer.ok ? mdText(a.answer.text, 120) || "(empty)" : `no answer: ${mdText(a.answer.error, 120)}`;
  return `${a.verdict.pass ? "pass" : "**fail**"}: ${said}`;
}

/** The Markdown section: scores, then the disagreements (or, for one endpoint, the failures), answers escaped. */
export function evalMarkdown(r: EvalResult, checks: ReadonlyMap<string, Check>): string {
  const total = r.items.length;
  const lines = [
    "## Answers",
    "",
    `Eval set ${mdText(r.set)}: every item asked of every endpoint at temperature 0, answers ending at end of sequence` +
      `${r.partial ? "; **stopped early**, so only the items every endpoint answered count" : ""}.`,
    "",
    "| endpoint | passed | wrong | no answer | pass rate |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...r.scores.map((s) => `| ${mdText(s.endpoint)} | ${s.passed} | ${s.failed} | ${s.errors} | ${total === 0 ? "-" : pct(s.passRate)} |`),
  ];
  const multi = r.endpoints.length > 1;
  const shown = multi ? r.items.filter((i) => r.disagreements.includes(i.id)) : r.items.filter((i) => !i.answers[0]!.verdict.pass);
  lines.push("", multi ? `### Where they disagree (${shown.length})` : `### Failed items (${shown.length})`, "");
  if (shown.length === 0) {
    lines.push(multi ? "Every item passed or failed on both." : "None.");
  } else {
    lines.push(
      `| item | check | ${r.endpoints.map((e) => mdText(e)).join(" | ")} |`,
      `| --- | --- |${r.endpoints.map(() => " --- |").join("")}`,
      ...shown.map((i) => {
        const check = checks.get(i.id);
        return `| ${mdCode(i.id)} | ${check ? mdText(describeCheck(check), 120) : "-"} | ${r.endpoints.map((_, e) => answerCell(i, e)).join(" | ")} |`;
      }),
    );
  }
  if (multi) {
    const bothFailed = r.items.filter((i) => i.answers.every((a) => !a.verdict.pass));
    if (bothFailed.length > 0) lines.push("", `Failed on every endpoint: ${bothFailed.map((i) => mdCode(i.id)).join(", ")}.`);
  }
  return lines.join("\n");
}
