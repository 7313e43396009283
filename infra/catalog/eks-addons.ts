import type { Source } from "./source";

/** The EKS managed add-ons hostwise installs. */
export type EksAddonName = "vpc-cni" | "kube-proxy" | "coredns" | "eks-pod-identity-agent" | "aws-ebs-csi-driver";

export const EKS_ADDON_VERSIONS_SOURCE: Source = {
  ref:
    "Amazon EKS User Guide, the tables of 'the latest version of the Amazon EKS add-on type for each Kubernetes version': " +
    "docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.md and managing-coredns.md (the edition listing 1.31 to 1.36)",
  date: "2026-11-25",
  note:
    "kube-proxy and CoreDNS are built per Kubernetes minor version, so they are pinned per version. AWS publishes no " +
    "per-version table for vpc-cni, eks-pod-identity-agent and aws-ebs-csi-driver (their docs point at " +
    "`aws eks describe-addon-versions`), and no version of theirs could be confirmed here: EKS installs its default " +
    "for the cluster's version when the add-on is created, and keeps it until the add-on is updated.",
};

/**
 * Add-on versions pinned per Kubernetes version. A Kubernetes version without a row is rejected by config
 * validation: a guessed version would fail `CreateAddon` or, worse, run kube-proxy built for another minor.
 * Add-ons absent from a row are left to EKS's default version (see the source note).
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Partial<Record<EksAddonName, string>>>>> = {
  "1.32": { "kube-proxy": "v1.32.13-eksbuild.16", coredns: "v1.11.4-eksbuild.40" },
  "1.33": { "kube-proxy": "v1.33.10-eksbuild.13", coredns: "v1.12.4-eksbuild.18" },
  "1.34": { "kube-proxy": "v1.34.6-eksbuild.13", coredns: "v1.13.2-eksbuild.11" },
  "1.35": { "kube-proxy": "v1.35.3-eksbuild.13", coredns: "v1.14.3-eksbuild.3" },
};

/** Add-ons that must be pinned per Kubernetes version (built per minor version). */
export const VERSION_BOUND_ADDONS: readonly EksAddonName[] = ["kube-proxy", "coredns"];

/** The pinned version of an add-on for a Kubernetes version; undefined = EKS's default at creation. */
export function addonVersion(kubernetesVersion: string, addon: EksAddonName): string | undefined {
  return EKS_ADDON_VERSIONS[kubernetesVersion]?.[addon];
}

export function hasAddonVersions(kubernetesVersion: string): boolean {
  return EKS_ADDON_VERSIONS[kubernetesVersion] !== undefined;
}
