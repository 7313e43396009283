import fc from "fast-check";

// Generators of hostile text for property tests (scripts/lib/markdown.ts and everything that renders Markdown).

/** What an attacker would put in a name: every construct that changes how Markdown (or GitHub) reads a line. */
export const HOSTILE_PIECES = [
  "```", "~~~", "</details>", "<details>", "<summary>", "![x](https://evil.example/x.png)", "[link](javascript:alert(1))",
  "# ", "## ", "- ", "+ ", "1. ", "2) ", "> ", "---", "===", "|", "\\|", "`", "\\", "*", "_", "~", "[", "]", "!", "@octocat", "@org/team",
  "<img src=x onerror=alert(1)>", "<script>", "&lt;", "&#60;", "&", "\n", "\r", "\r\n", "\v", "\f", "\u0085", "\u2028", "\u2029",
  "\u0000", "\u001b[31m", "\u202e", "\u200b", "\ufeff", "    ", "\t", "%%{init: {}}%%", '"', ":", ";",
];

/** Arbitrary text mixing Unicode with hostile pieces. */
export const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(""));
