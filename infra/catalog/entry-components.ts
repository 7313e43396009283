import type { Source } from "./source";

// The images of the entry point's two workloads hostwise runs itself (the KEDA HTTP add-on comes from its
// pinned chart, see infra/k8s/chart-facts.ts). Bump a version → re-read its release notes for the behaviour
// the entry point relies on (README: Entry point), then update the figures here.

export interface EntryImage {
  /** Upstream reference, pinned to a version tag. */
  readonly image: string;
  /** The numeric user the image runs as (the inference namespace enforces the restricted Pod Security level). */
  readonly uid: number;
  readonly source: Source;
}

/**
 * The responder that answers 503 + Retry-After once a held request has waited coldHoldSeconds: stock nginx
 * with a config of hostwise's own, no code. The unprivileged image listens on 8080 as UID 101; ECR Public
 * needs no pull-through credential. Alpine, so busybox wget serves as the in-container probe.
 */
export const RESPONDER_IMAGE: EntryImage = {
  image: "public.ecr.aws/nginx/nginx-unprivileged:1.29.8-alpine",
  uid: 101,
  source: {
    ref: "nginxinc/docker-nginx-unprivileged README (UID 101, port 8080; images mirrored to public.ecr.aws/nginx/nginx-unprivileged)",
    date: "2026-11-26",
  },
};

/**
 * The gateway in front of vLLM when a stack has a fallback API: LiteLLM's proxy, non-root build, no
 * database. Pinned at a version whose router no longer falls back once a stream has sent content
 * (BerriAI/litellm#34627, merged 2026-08-04: MidStreamFallbackError after content is re-raised) and whose
 * non-root image runs as numeric UID 65534 (BerriAI/litellm#26268). Pulled from ghcr.io, which ECR can cache
 * (docker.litellm.ai, the registry of the current docs, cannot be).
 */
export const GATEWAY_IMAGE: EntryImage = {
  image: "ghcr.io/berriai/litellm-non_root:v1.104.0",
  uid: 65534,
  source: {
    ref: "ghcr.io/berriai/litellm-non_root package (BerriAI/litellm docker/Dockerfile.non_root); mid-stream behaviour: BerriAI/litellm#34627, #40404 (maintainer, 2026-09-15: once content has streamed the fallback is skipped by design)",
    date: "2026-11-26",
    note: "pinned by tag: check the digest (crane digest) and re-run the README's real-cluster checks before a bump",
  },
};

/** LiteLLM's proxy port (its CLI default). */
export const GATEWAY_PORT = 4000;
/** nginx-unprivileged's port. */
export const RESPONDER_PORT = 8080;
