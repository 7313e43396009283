// The time window of `hostwise report` and the buckets it is cut into: days for a window of two days or more
// given in whole days, hours otherwise. Pure.

import { findConfigKey } from "../../infra/config/schema";
import { UsageError } from "../lib/usage";

/** A window longer than this is more than any retention hostwise configures (metricsRetentionDays' range). */
export const MAX_WINDOW_DAYS = findConfigKey("metricsRetentionDays")!.range!.max;

export interface ReportWindow {
  readonly start: Date;
  readonly end: Date;
  /** As the user wrote it, e.g. "30d". */
  readonly since: string;
  readonly hours: number;
  readonly bucket: Bucket;
  /** Bucket end times, oldest first: bucket i covers (ends[i] − bucket, ends[i]]. */
  readonly bucketEnds: readonly Date[];
}

export interface Bucket {
  readonly name: "day" | "hour";
  readonly seconds: number;
  /** As a PromQL duration. */
  readonly promql: "1d" | "1h";
}

export const DAY: Bucket = { name: "day", seconds: 86_400, promql: "1d" };
export const HOUR: Bucket = { name: "hour", seconds: 3_600, promql: "1h" };

/** "30d" or "12h" → hours; throws UsageError naming --since. */
export function parseSince(text: string): { hours: number; unit: "d" | "h" } {
  const m = /^\s*(\d+)\s*([dh])\s*$/.exec(text);
  const hint = "a whole number of days or hours, e.g. --since 30d or --since 12h";
  if (!m) throw new UsageError(`--since: "${text}" is not a duration`, hint);
  const n = Number(m[1]);
  const unit = m[2] as "d" | "h";
  const hours = unit === "d" ? n * 24 : n;
  if (hours < 1) throw new UsageError(`--since: "${text}" is empty`, hint);
  if (hours > MAX_WINDOW_DAYS * 24) throw new UsageError(`--since: "${text}" is longer than ${MAX_WINDOW_DAYS} days`, `shorten it; Prometheus keeps only metricsRetentionDays of data anyway`);
  return { hours, unit };
}

/** An ISO-8601 time with a zone → Date; throws UsageError naming --until. */
export function parseUntil(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const hint = "an ISO-8601 time with a zone, e.g. --until 2026-11-01T00:00:00Z";
  if (!/(Z|[+-]\d\d:?\d\d)$/.test(text.trim())) throw new UsageError(`--until: "${text}" has no time zone`, hint);
  const at = new Date(text.trim());
  if (Number.isNaN(at.getTime())) throw new UsageError(`--until: "${text}" is not a time`, hint);
  if (at.getTime() > now.getTime() + 60_000) throw new UsageError(`--until: ${at.toISOString()} is in the future`, "leave --until out to end the window now");
  return at;
}

export function reportWindow(since: string, end: Date): ReportWindow {
  const { hours, unit } = parseSince(since);
  const bucket = unit === "d" && hours >= 48 ? DAY : HOUR;
  const count = (hours * 3600) / bucket.seconds;
  const bucketEnds = Array.from({ length: count }, (_, i) => new Date(end.getTime() - (count - 1 - i) * bucket.seconds * 1000));
  return { start: new Date(end.getTime() - hours * 3_600_000), end, since: since.trim(), hours, bucket, bucketEnds };
}
