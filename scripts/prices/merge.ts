import type { CommitmentEntry, InstanceEntry, PriceFile, RegionEntry } from "../../infra/catalog/aws-prices";
import { TERM_HOURS } from "../../infra/catalog/purchase-options";
import type { Source } from "../../infra/catalog/source";
import type { RegionRefresh } from "./fetch";

// Folds a refresh into the file it updates, and lists what changed. Refreshed instance types replace theirs
// (a requested type AWS no longer lists in the region is removed: not offered there); a service line the Price
// List returned nothing for keeps its earlier figure, with that figure's own source and date.

export function mergeRefresh(baseline: PriceFile, refreshed: readonly RegionRefresh[], sources: Record<string, Source>): PriceFile {
  const regions: Record<string, RegionEntry> = { ...baseline.regions };
  for (const r of refreshed) {
    const before = baseline.regions[r.region] ?? {};
    const instances: Record<string, InstanceEntry> = { ...(before.instances ?? {}) };
    for (const type of r.notOffered) delete instances[type];
    Object.assign(instances, r.entry.instances);
    regions[r.region] = {
      instances: sortKeys(instances),
      services: sortKeys({ ...(before.services ?? {}), ...r.entry.services }),
    };
  }
  const merged: PriceFile = { ...baseline, sources: { ...baseline.sources, ...sources }, regions: sortKeys(regions) };
  return { ...merged, sources: usedSources(merged) };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** The sources some figure still names. */
function usedSources(file: PriceFile): Record<string, Source> {
  const used = new Set<string>();
  for (const entry of Object.values(file.regions)) {
    for (const i of Object.values(entry.instances ?? {})) {
      used.add(i.source);
      for (const c of Object.values(i.commitments ?? {})) used.add(c.source);
    }
    for (const l of Object.values(entry.services ?? {})) if (l) used.add(l.source);
  }
  return Object.fromEntries(Object.entries(file.sources).filter(([k]) => used.has(k)));
}

export interface PriceChange {
  readonly region: string;
  /** An instance type, or a service line. */
  readonly item: string;
  /** onDemand, spot, a commitment key, or usd for a service line. */
  readonly field: string;
  readonly before?: number;
  readonly after?: number;
}

/**
 * Every figure of the given regions that differs between the two files, added or changed, and dropped from a
 * type still listed. Types dropped altogether (not offered any more) are the refresh's notOffered list.
 */
export function priceChanges(before: PriceFile, after: PriceFile, regions: readonly string[]): PriceChange[] {
  const changes: PriceChange[] = [];
  const compare = (region: string, item: string, field: string, b: number | undefined, a: number | undefined) => {
    if (b !== a) changes.push({ region, item, field, ...(b !== undefined && { before: b }), ...(a !== undefined && { after: a }) });
  };
  for (const region of regions) {
    const b = before.regions[region] ?? {};
    const a = after.regions[region] ?? {};
    const types = new Set([...Object.keys(b.instances ?? {}), ...Object.keys(a.instances ?? {})]);
    for (const type of [...types].sort()) {
      const bi = b.instances?.[type];
      const ai = a.instances?.[type];
      if (!ai) continue;
      compare(region, type, "onDemand", bi?.onDemand, ai?.onDemand);
      compare(region, type, "spot", bi?.spot, ai?.spot);
      const keys = new Set([...Object.keys(bi?.commitments ?? {}), ...Object.keys(ai?.commitments ?? {})]);
      for (const key of [...keys].sort()) {
        // commitments compare at their effective hourly rate: upfront spread over the term
        const hours = TERM_HOURS[key.includes("/3y/") ? "3y" : "1y"];
        const effective = (c: CommitmentEntry | undefined) => (c ? Number((c.usdPerHour + (c.upfrontUsd ?? 0) / hours).toPrecision(8)) : undefined);
        compare(region, type, key, effective(bi?.commitments?.[key]), effective(ai?.commitments?.[key]));
      }
    }
    const lines = new Set([...Object.keys(b.services ?? {}), ...Object.keys(a.services ?? {})]) as Set<keyof NonNullable<RegionEntry["services"]>>;
    for (const line of [...lines].sort()) compare(region, line, "usd", b.services?.[line]?.usd, a.services?.[line]?.usd);
  }
  return changes;
}
