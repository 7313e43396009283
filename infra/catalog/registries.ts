import type { Source } from "./source";

/**
 * Upstream registries an Amazon ECR pull-through cache rule can sync from, keyed by the host an image
 * reference names. Docker Hub and GitHub Container Registry need a Secrets Manager secret whose name starts
 * with `ecr-pullthroughcache/`, in the account and region of the rule. nvcr.io (NVIDIA NGC) is not in AWS's
 * list: its images must be copied into ECR (hostwise:nvcrMirror).
 */
export interface CacheableRegistry {
  /** Short name used in the cache's repository prefix. */
  readonly key: string;
  /** The upstreamRegistryUrl the rule takes. */
  readonly upstreamUrl: string;
  /** The stack config key holding the credential secret, for registries that require one. */
  readonly credentialKey?: "dockerHubCredentialArn" | "ghcrCredentialArn";
}

export const PULL_THROUGH_REGISTRIES: Readonly<Record<string, CacheableRegistry>> = {
  "public.ecr.aws": { key: "ecr-public", upstreamUrl: "public.ecr.aws" },
  "registry.k8s.io": { key: "k8s", upstreamUrl: "registry.k8s.io" },
  "quay.io": { key: "quay", upstreamUrl: "quay.io" },
  "docker.io": { key: "docker-hub", upstreamUrl: "registry-1.docker.io", credentialKey: "dockerHubCredentialArn" },
  "ghcr.io": { key: "ghcr", upstreamUrl: "ghcr.io", credentialKey: "ghcrCredentialArn" },
};

/** Registries whose images are mirrored by copy, with the config key that points at the copy. */
export const MIRRORED_REGISTRIES: Readonly<Record<string, "nvcrMirror">> = { "nvcr.io": "nvcrMirror" };

export const REGISTRY_SOURCE: Source = {
  ref: "Amazon ECR User Guide, 'Sync an upstream registry with an Amazon ECR private registry' (supported upstream registries) and the CreatePullThroughCacheRule API reference (upstreamRegistryUrl values, ecrRepositoryPrefix 2-30 characters, credentialArn pattern ecr-pullthroughcache/)",
  date: "2026-11-25",
  note: "the cached repositories need ecr:BatchImportUpstreamImage on first pull (ecr:CreateRepository only when the repository does not exist yet)",
};

/** ECR repository prefixes: 2–30 characters, lower-case components separated by '/'. */
export const ECR_PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const ECR_PREFIX_MAX = 30;
