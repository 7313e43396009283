import type { Source } from "./source";

/** An EKS Kubernetes minor version and its support window. */
export interface EksVersion {
  readonly version: string;
  readonly released: string;
  /** After this date the cluster pays the extended-support rate. */
  readonly endOfStandardSupport: string;
  /** After this date EKS upgrades the cluster itself. */
  readonly endOfExtendedSupport: string;
}

export const EKS_VERSIONS_SOURCE: Source = {
  ref: "endoflife.date/amazon-eks (mirrors the Amazon EKS Kubernetes release calendar): 14 months standard support, then 12 months extended",
  date: "2026-02-14",
  note: "versions newer than the last row are treated as in standard support",
};

export const EKS_VERSIONS: readonly EksVersion[] = [
  { version: "1.32", released: "2025-01-25", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  { version: "1.33", released: "2025-05-28", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  { version: "1.34", released: "2025-10-06", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
  { version: "1.35", released: "2026-01-28", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
];

export type SupportTier = "standard" | "extended" | "ended";

/** Where a version stands on a date; undefined for a version older than the catalog. */
export function supportTier(version: string, on: Date): SupportTier | undefined {
  const minor = (v: string) => Number(v.split(".")[1]);
  const entry = EKS_VERSIONS.find((v) => v.version === version);
  if (!entry) {
    const newest = EKS_VERSIONS[EKS_VERSIONS.length - 1]!;
    return minor(version) > minor(newest.version) ? "standard" : undefined;
  }
  if (on < new Date(entry.endOfStandardSupport)) return "standard";
  if (on < new Date(entry.endOfExtendedSupport)) return "extended";
  return "ended";
}
