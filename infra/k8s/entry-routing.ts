import { BACKEND_HEADER, RETRY_AFTER_SECONDS } from "./entry-objects";

// What happens to one request at the entry point, as a pure decision table. hostwise runs no code at request
// time: each row is carried out by a configured component (ROUTING_TABLE names which one and by what setting),
// and test/entry.test.ts checks the generated configuration against every row.

/** Which backend served a request: what the canary and `hostwise report` count. */
export type Backend = "vllm" | "fallback" | "none";

export interface RequestSituation {
  /** The stack has a fallback API (the route's target is the gateway, not vLLM). */
  readonly fallback: boolean;
  readonly path: string;
  /** The request carries an Authorization header (any value: the route cannot check the key). */
  readonly authorization: boolean;
  /** The route's target (vLLM, or the gateway on fallback stacks) has a ready endpoint. */
  readonly targetReady: boolean;
  /** vLLM has a ready replica (what the gateway meets when it connects). */
  readonly vllmReady: boolean;
  /** Seconds the request has waited at the interceptor so far, and the route's readiness timeout. */
  readonly heldSeconds: number;
  readonly holdSeconds: number;
  /** Requests running and waiting on the replica that would take it, and vLLM's admission cap (fallback stacks). */
  readonly inFlight: number;
  readonly admissionCap?: number;
  /** vLLM failed the request: its status, whether content had already reached the client, and whether it is a context-window error. */
  readonly upstreamFailure?: { readonly status: number; readonly afterContent: boolean; readonly contextWindow: boolean };
}

export type FallbackReason = "cold" | "full" | "upstream-error" | "context-window";

export type RouteAction =
  | { readonly kind: "not-routed"; readonly status: 404 }
  | { readonly kind: "hold" }
  | { readonly kind: "unavailable"; readonly status: 503; readonly retryAfterSeconds: number; readonly backend: "none" }
  | { readonly kind: "serve"; readonly backend: "vllm" }
  | { readonly kind: "serve"; readonly backend: "fallback"; readonly reason: FallbackReason }
  /** vLLM's answer reaches the client unchanged (a stream that already sent content ends with vLLM's error). */
  | { readonly kind: "pass"; readonly status: number; readonly backend: "vllm" };

/** The path prefix the route serves. */
export const ROUTED_PREFIX = "/v1/";

export function routeRequest(s: RequestSituation): RouteAction {
  if (!s.path.startsWith(ROUTED_PREFIX) || !s.authorization) return { kind: "not-routed", status: 404 };
  if (!s.targetReady) {
    return s.heldSeconds < s.holdSeconds
      ? { kind: "hold" }
      : { kind: "unavailable", status: 503, retryAfterSeconds: RETRY_AFTER_SECONDS, backend: "none" };
  }
  const failure = s.upstreamFailure;
  if (!s.fallback) return failure ? { kind: "pass", status: failure.status, backend: "vllm" } : { kind: "serve", backend: "vllm" };
  if (!s.vllmReady) return { kind: "serve", backend: "fallback", reason: "cold" };
  if (s.admissionCap !== undefined && s.inFlight >= s.admissionCap) return { kind: "serve", backend: "fallback", reason: "full" };
  if (!failure) return { kind: "serve", backend: "vllm" };
  if (failure.afterContent) return { kind: "pass", status: failure.status, backend: "vllm" };
  if (failure.status === 429 || failure.status >= 500) return { kind: "serve", backend: "fallback", reason: "upstream-error" };
  if (failure.contextWindow) return { kind: "serve", backend: "fallback", reason: "context-window" };
  return { kind: "pass", status: failure.status, backend: "vllm" };
}

/** One row of the table, in routeRequest's order, with the component and setting that carries it out. */
export interface RoutingRow {
  readonly when: string;
  readonly then: string;
  readonly enforcedBy: string;
}

export const ROUTING_TABLE: readonly RoutingRow[] = [
  { when: "path outside /v1/, or no Authorization header", then: "404, not counted: wakes nothing", enforcedBy: "KEDA HTTP interceptor: the InterceptorRoute's rules (paths, headers)" },
  { when: "no ready target, held less than coldHoldSeconds", then: "hold (counted: KEDA wakes vLLM from zero)", enforcedBy: "interceptor: InterceptorRoute timeouts.readiness; vLLM ScaledObject external-push trigger" },
  { when: "no ready target after coldHoldSeconds", then: `503, Retry-After ${RETRY_AFTER_SECONDS}, ${BACKEND_HEADER.responder}: none`, enforcedBy: "interceptor: coldStart.fallback → the responder (nginx)" },
  { when: "no fallback, vLLM ready", then: "vLLM, its answer unchanged (its queue has no bound)", enforcedBy: "interceptor → Service vllm" },
  { when: "fallback, vLLM has no ready replica", then: "hosted API (cold): connection refused by the empty Service", enforcedBy: "LiteLLM gateway: router_settings.fallbacks, num_retries 0" },
  { when: "fallback, running + waiting ≥ maxNumSeqs + overflowQueueDepth", then: "hosted API (full): vLLM answers 503", enforcedBy: "vLLM --max-num-queued-reqs → LiteLLM fallbacks" },
  { when: "fallback, vLLM fails before any content", then: "after content: vLLM's error (a stream is never switched); else 429 or 5xx → hosted API", enforcedBy: "LiteLLM (pinned version re-raises a mid-stream error once content streamed, BerriAI/litellm#34627)" },
  { when: "fallback, prompt longer than maxModelLen", then: "hosted API (context-window): LiteLLM classifies vLLM's 400 as a context-window error", enforcedBy: "LiteLLM generic fallbacks (no context_window_fallbacks set)" },
  { when: "fallback, any other 4xx", then: "vLLM's answer unchanged (a malformed request is not sent to a paid API)", enforcedBy: "LiteLLM: a plain 400 does not trigger fallbacks (BerriAI/litellm#12503)" },
];
