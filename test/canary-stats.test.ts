import { describe, expect, it } from "vitest";
import { percentile, summarize } from "../scripts/canary/stats";

// Linear interpolation between closest ranks: h = (n − 1) · p / 100, then x[⌊h⌋] + (h − ⌊h⌋) · (x[⌈h⌉] − x[⌊h⌋]).
describe("percentile", () => {
  it("interpolates between ranks (worked by hand)", () => {
    // [1, 2, 3, 4]: p50 → h = 1.5 → 2 + 0.5 · 1 = 2.5; p90 → h = 2.7 → 3 + 0.7 · 1 = 3.7
    expect(percentile([1, 2, 3, 4], 50)).toBeCloseTo(2.5, 12);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    // [10, 20, 30, 40, 50]: p95 → h = 3.8 → 40 + 0.8 · 10 = 48; p99 → h = 3.96 → 49.6; p50 → h = 2 → 30 exactly
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 12);
    expect(percentile([10, 20, 30, 40, 50], 99)).toBeCloseTo(49.6, 12);
    expect(percentile([10, 20, 30, 40, 50], 50)).toBe(30);
  });

  it("returns the extremes at p0 and p100, and the value of a single sample", () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
  });

  it("sorts its input, without changing the caller's array", () => {
    const sample = [50, 10, 40, 20, 30];
    expect(percentile(sample, 95)).toBeCloseTo(48, 12);
    expect(sample).toEqual([50, 10, 40, 20, 30]);
  });

  it("refuses an empty sample and a percentile outside 0..100", () => {
    expect(() => percentile([], 50)).toThrow(/empty/);
    expect(() => percentile([1], 101)).toThrow(/outside/);
    expect(() => percentile([1], Number.NaN)).toThrow(/outside/);
  });
});

describe("summarize", () => {
  it("summarises 1..10 (worked by hand)", () => {
    // h = 9 · p / 100: p50 → 4.5 → 5.5; p90 → 8.1 → 9.1; p95 → 8.55 → 9.55; p99 → 8.91 → 9.91
    const s = summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])!;
    expect(s.count).toBe(10);
    expect(s.mean).toBeCloseTo(5.5, 12);
    expect(s.p50).toBeCloseTo(5.5, 12);
    expect(s.p90).toBeCloseTo(9.1, 12);
    expect(s.p95).toBeCloseTo(9.55, 12);
    expect(s.p99).toBeCloseTo(9.91, 12);
    expect([s.min, s.max]).toEqual([1, 10]);
  });

  it("has nothing to say about an empty sample", () => {
    expect(summarize([])).toBeUndefined();
  });
});
