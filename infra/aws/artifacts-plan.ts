import { createHash } from "node:crypto";
import { ECR_PREFIX, ECR_PREFIX_MAX, MIRRORED_REGISTRIES, PULL_THROUGH_REGISTRIES, type CacheableRegistry } from "../catalog/registries";
import { isRegionalEcr, upstreamImages } from "../config/images";
import type { RegistrySpec } from "../config/spec";
import { splitImage } from "../k8s/chart-facts";

// Where each image and the weights come from when the nodes have no internet route: pure planning, so the
// names are tested without the Pulumi runtime. artifacts.ts creates the resources.

/** Longest registry key, so one stack's prefixes all fit ECR's 30 characters. */
const LONGEST_KEY = Math.max(...Object.values(PULL_THROUGH_REGISTRIES).map((r) => r.key.length));

/** A short, stable, ECR-safe name for a stack: "hw-<stack>", hashed when the stack name is long. */
export function stackSlug(stack: string, room = ECR_PREFIX_MAX - LONGEST_KEY - 1): string {
  const clean = stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "stack";
  const slug = `hw-${clean}`;
  if (slug.length <= room) return slug;
  const hash = createHash("sha256").update(stack).digest("hex").slice(0, 6);
  return `${slug.slice(0, room - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/**
 * The repository prefix of a stack's pull-through cache rule for one registry. ECR allows one rule per prefix
 * in a registry (account and region), so each stack gets its own: two stacks never share or delete each
 * other's cache.
 */
export function cachePrefix(stack: string, registry: CacheableRegistry): string {
  const prefix = `${stackSlug(stack)}/${registry.key}`;
  if (prefix.length > ECR_PREFIX_MAX || !ECR_PREFIX.test(prefix)) throw new Error(`cache prefix ${prefix} breaks ECR's naming rules`);
  return prefix;
}

/** One image pulled through a stack's cache: the ECR repository it lands in. */
export interface CachedImage {
  readonly upstream: string;
  readonly registry: CacheableRegistry;
  readonly prefix: string;
  /** `<prefix>/<upstream repository>`: the stack creates it, so `pulumi destroy` deletes it with its images. */
  readonly cacheRepository: string;
  readonly tag: string;
}

/** Images the stack pulls through ECR pull-through caches (the rest are in ECR already or mirrored). */
export function cachedImages(stack: string, vllmImage: string, region: string): CachedImage[] {
  const out: CachedImage[] = [];
  for (const { image } of upstreamImages(vllmImage)) {
    const { host, repository, tag } = splitImage(image);
    const registry = PULL_THROUGH_REGISTRIES[host];
    if (!registry || isRegionalEcr(host, region)) continue;
    const prefix = cachePrefix(stack, registry);
    out.push({ upstream: image, registry, prefix, cacheRepository: `${prefix}/${repository}`, tag });
  }
  return out;
}

/** Where an nvcr.io image is pulled from: its copy under hostwise:nvcrMirror (same repository path). */
export function mirroredImage(upstream: string, registries: RegistrySpec): string | undefined {
  const { host, repository, tag } = splitImage(upstream);
  const key = MIRRORED_REGISTRIES[host];
  const mirror = key ? registries[key] : undefined;
  return mirror ? `${mirror}/${repository}:${tag}` : undefined;
}

/** The S3 bucket-name prefix of a stack's weights bucket (AWS appends 26 characters; names end at 63). */
export function weightsBucketPrefix(stack: string): string {
  return `${stackSlug(stack, 26)}-weights-`;
}
