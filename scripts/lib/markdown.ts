// Untrusted text in Markdown. Every string the kit did not write itself — a resource name or a config value
// from a pull request's preview, a model name or an error body from a server — goes into a comment or a
// report through one of these, so it reads as literal text: it cannot start a heading or a list, end a table
// cell, a code span or a fenced block, open an image, a link or HTML, close a <details>, or mention a user.

/**
 * Line breaks of every kind (LF, CR, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR) and the other C0/C1 control
 * characters: each run becomes one space, so the text stays on its line.
 */
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** Invisible formatting (zero-width, bidirectional overrides, BOM): removed, so the text shows what it says. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Characters with a meaning anywhere in a line of GitHub Markdown, escaped with a backslash. */
const INLINE = /[\\`*_[\]|~!#]/g;
/** HTML's own characters, as entities (they read the same in Markdown text and in HTML blocks). */
const HTML: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** The longest untrusted string shown; the rest is cut with "…" (a name can be megabytes long). */
export const MAX_SHOWN = 300;

/** Untrusted text on one line, without invisible characters, at most `max` characters. */
export function oneLine(text: string, max = MAX_SHOWN): string {
  const line = text.replace(INVISIBLE, "").replace(BREAKS, " ").replace(/ {2,}/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Untrusted text for a terminal: control characters (an escape sequence could rewrite the screen or the
 * window title) and invisible formatting removed; line breaks and tabs kept.
 */
export function terminalText(text: string): string {
  return text.replace(INVISIBLE, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

/**
 * Untrusted text as literal Markdown text, safe in a paragraph, a list item, a heading, a table cell or
 * between HTML tags. A leading list, heading or quote marker is escaped too (the caller may start a line with it).
 */
export function mdText(text: string, max = MAX_SHOWN): string {
  const escaped = oneLine(text, max)
    .replace(/[&<>"]/g, (c) => HTML[c]!)
    .replace(INLINE, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b"); // a zero-width space after @ keeps GitHub from mentioning a user or team
  // At the start of a line, "- x", "+ x", "1. x" and "1) x" open a list, and "---" or "===" is a rule or a
  // heading underline: escape the marker (the caller may start a line with the text).
  return escaped.replace(/^([-+])(?= |$)/, "\\$1").replace(/^(\d{1,9})([.)])(?= |$)/, "$1\\$2").replace(/^([-=])(?=[-= ]*$)/, "\\$1");
}

/**
 * An untrusted identifier (a resource name, a type, a model id) as inline code. A backtick code span when the
 * text allows one (no backtick, no pipe: a pipe would end a table cell even inside it); else `<code>` around
 * escaped text, which reads the same.
 */
export function mdCode(text: string, max = MAX_SHOWN): string {
  const line = oneLine(text, max);
  if (line === "") return "` `";
  if (!/[`|]/.test(line)) return `\`${line}\``;
  return `<code>${mdText(line, max)}</code>`;
}

/**
 * An untrusted label inside a Mermaid chart's double quotes (a fenced block): letters, digits and a few
 * harmless marks only, so it can neither end the quotes nor the fence, nor inject Mermaid directives or HTML.
 */
export function mermaidLabel(text: string, max = 60): string {
  const label = oneLine(text, max).replace(/[^\p{L}\p{N} ._:/()+,=@'-]/gu, "_");
  return label === "" ? "_" : label;
}
