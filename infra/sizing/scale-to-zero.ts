import type { ScalingSpec } from "../config/spec";
import type { ColdStart } from "./cold-start";

/** The idle time before the last replica goes when the stack leaves it unset (and the cold start is shorter). */
export const DEFAULT_IDLE_SECONDS = 900;

/** KEDA's timers for a deployment that scales to zero, all in seconds. */
export interface ScaleToZeroTimers {
  /** A replica's cold start on a GPU node group at zero (sizing/cold-start.ts, with its headroom). */
  readonly wakeBudgetSeconds: number;
  /** ScaledObject cooldownPeriod: idle time after the last active trigger before 1 → 0. */
  readonly cooldownSeconds: number;
  /** ScaledObject initialCooldownPeriod: the first replica after deploy gets its cold start, then the same idle time. */
  readonly initialCooldownSeconds: number;
}

/**
 * A woken replica must serve before KEDA may take it away, or a request that gave up (held, then 503) would
 * leave a GPU booting for nothing and the next one would wake it again: the cooldown covers the wake budget.
 * KEDA refreshes its idle clock only while a trigger is active, and nothing is active while a replica boots
 * with no request held (the Prometheus series do not exist yet), so the cooldown alone must span the boot.
 */
export function scaleToZeroTimers(scaling: Pick<ScalingSpec, "scaleToZeroCooldownSeconds">, coldStart: ColdStart): ScaleToZeroTimers {
  const wakeBudgetSeconds = coldStart.totalSeconds;
  const cooldownSeconds = scaling.scaleToZeroCooldownSeconds ?? Math.max(DEFAULT_IDLE_SECONDS, wakeBudgetSeconds);
  return { wakeBudgetSeconds, cooldownSeconds, initialCooldownSeconds: wakeBudgetSeconds + cooldownSeconds };
}
