import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mdCode, mdText, mermaidLabel, oneLine, terminalText } from "../scripts/lib/markdown";
import { hostileText } from "./support/hostile";

// scripts/lib/markdown.ts: untrusted text (names from a preview, a server's error body) must read as literal
// text wherever a renderer puts it. Properties over arbitrary Unicode plus the pieces an attacker would use.

const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
/** Characters that mean something in a line of GitHub Markdown and must only appear escaped. */
const SPECIAL = new Set(["`", "*", "_", "[", "]", "|", "~", "!", "#", "\\"]);

/** Undoes mdText's escaping: what a CommonMark reader shows for the text. */
function shown(md: string): string {
  return md
    .replace(/\\([\s\S])/g, "$1")
    .replace(/@\u200b/g, "@")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Every special character is escaped: preceded by an odd run of backslashes. */
function allEscaped(md: string): boolean {
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === "\\") {
      i++; // an escape: skip the escaped character
      continue;
    }
    if (SPECIAL.has(c)) return false;
  }
  return true;
}

const RUNS = { numRuns: 300 };

describe("mdText", () => {
  it("keeps untrusted text on one line, escaped, and shows exactly the text (property)", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const md = mdText(text);
        expect(md).not.toMatch(LINE_BREAK);
        expect(md).not.toMatch(/[<>]/); // no HTML: no tag can open, close a <details> or load an image
        expect(allEscaped(md)).toBe(true); // no code span, emphasis, link, image, table cell or heading marker
        expect(md).not.toMatch(/@[A-Za-z0-9]/); // no mention
        expect(md).not.toMatch(/^([-+] |[-+]$|\d{1,9}[.)]( |$)|[-=][-= ]*$)/); // no list item, rule or heading underline at a line start
        expect(shown(md)).toBe(oneLine(text));
      }),
      RUNS,
    );
  });

  it("escapes each construct (table)", () => {
    expect(mdText("# heading")).toBe("\\# heading");
    expect(mdText("- item")).toBe("\\- item");
    expect(mdText("1. item")).toBe("1\\. item");
    expect(mdText("---")).toBe("\\---");
    expect(mdText("a | b")).toBe("a \\| b");
    expect(mdText("</details><img src=x>")).toBe("&lt;/details&gt;&lt;img src=x&gt;");
    expect(mdText("![x](http://e/x.png)")).toBe("\\!\\[x\\](http://e/x.png)");
    expect(mdText("a\r\nb\u2028c\u2029d\u0085e\vf\fg")).toBe("a b c d e f g");
    expect(mdText("@octocat")).toBe("@\u200boctocat");
    expect(mdText("x".repeat(1_000)).length).toBeLessThanOrEqual(300);
    expect(mdText("--fail-above 5")).toBe("--fail-above 5"); // not a list, left readable
  });
});

describe("mdCode", () => {
  it("is a code span without backtick or pipe, else <code> around escaped text (property)", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const md = mdCode(text);
        expect(md).not.toMatch(LINE_BREAK);
        const span = /^`([^`|]*)`$/.exec(md);
        const html = /^<code>(.*)<\/code>$/.exec(md);
        expect(span !== null || html !== null).toBe(true);
        if (html) {
          expect(allEscaped(html[1]!)).toBe(true);
          expect(html[1]).not.toMatch(/[<>]/);
        }
      }),
      RUNS,
    );
    expect(mdCode("dev-gpu")).toBe("`dev-gpu`");
    expect(mdCode("a`b")).toBe("<code>a\\`b</code>");
  });
});

describe("mermaidLabel", () => {
  it("holds only letters, digits and harmless marks: it cannot end the quotes, the fence or inject a directive (property)", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(mermaidLabel(text)).toMatch(/^[\p{L}\p{N} ._:/()+,=@'-]+$/u);
        expect(mermaidLabel(text).length).toBeLessThanOrEqual(60);
      }),
      RUNS,
    );
  });
});

describe("terminalText", () => {
  it("drops escape sequences and other control characters, keeps line breaks", () => {
    expect(terminalText("a\u001b]0;title\u0007b\u001b[2Jc\nd\te\u202e")).toBe("a]0;titleb[2Jc\nd\te");
  });
});
