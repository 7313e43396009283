/** A plain-text table: columns padded to their widest cell; numbers right-aligned. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, rightAligned: readonly number[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** One formatter, made once: toLocaleString builds a new one per call, about 100 times slower (a 100k-row comment). */
const CENTS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$1,234.50", "-$3,679.90": the sign before the dollar, and no "-$0.00" for rounding noise. */
export function usd(n: number): string {
  const text = CENTS.format(Math.abs(n));
  return n < 0 && text !== "0.00" ? `-$${text}` : `$${text}`;
}

/** "+$412.30", "-$41.85", "$0.00" (rounding noise counts as no change). */
export function signedUsd(n: number): string {
  if (Math.abs(n) < 0.005) return usd(0);
  return `${n > 0 ? "+" : ""}${usd(n)}`;
}

export function round(n: number, digits = 1): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
