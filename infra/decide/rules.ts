// API, self-hosting or both: the articles' checklist as a decision table over the cost curves. Pure: no
// Pulumi, no I/O. `hostwise decide` feeds it a stack's cost curve and the team's answers.

import type { Source } from "../catalog/source";
import {
  breakEvenMonthlyOutputTokens, type HostedApiCostModel, type SelfHostedCostModel,
} from "../cost/curve";
import { bestHybrid, HYBRID_ASSUMPTION, sharePercent, type HybridPoint } from "../cost/hybrid";
import { costAt, costSeries, type CostPoint } from "./series";

export type Recommendation = "api" | "self-host" | "hybrid";
export type RuleId = "data-residency" | "volume-and-steadiness" | "model-pinning" | "ops-capacity" | "time-to-ship";

const GUIDE: Source = {
  ref: '"Choosing between an API and self-hosting your LLM" (hostwise shared/articles/api-vs-self-hosting-guide.txt): "A decision checklist", "The cost picture, honestly", "A pragmatic middle path"',
  date: "2026-11-23",
};
const CASE_STUDY: Source = {
  ref: "API vs self-hosting case study (hostwise shared/articles/api-vs-self-hosting-case-study.txt): total cost of ownership, hybrid routing, practical takeaway",
  date: "2026-11-23",
};

/** One row of the decision table: the checklist question, what it does when it fires, where it comes from. */
export interface DecisionRule {
  readonly id: RuleId;
  readonly question: string;
  readonly effect: string;
  readonly source: Source;
}

/**
 * The decision table, in the guide's checklist order ("roughly in order of how often they prove decisive"):
 * hard constraints first, then volume, then the team. Every row is evaluated and reported; a fired data
 * residency row is final, so the rows after it only report.
 */
export const DECISION_TABLE: readonly DecisionRule[] = [
  {
    id: "data-residency",
    question: "Is there a hard requirement that the data stay in your environment?",
    effect: "self-host, whatever the volume, the team or the deadline: no cost comparison overrides it",
    source: GUIDE,
  },
  {
    id: "volume-and-steadiness",
    question: "Is the volume high and steady (both, not just one)?",
    effect:
      "the cheapest of three, each priced at your volume and peak-to-mean: the API; self-hosting provisioned for the " +
      "peak; hybrid, a base of GPU nodes with the peaks sent to the API (the base that costs least; the share " +
      "sent to the API from a stated traffic model). Ties go to the API, then self-hosting",
    source: GUIDE,
  },
  {
    id: "model-pinning",
    question: "Must a specific model version stay pinned and stable for a long time?",
    effect: "API or hybrid → self-host: a provider can update or retire its model, and a burst to it would serve another model",
    source: GUIDE,
  },
  {
    id: "ops-capacity",
    question: "Do you have the operations capacity (engineer hours a month) self-hosting needs?",
    effect: "no → API (the API buys focus), unless data residency decided",
    source: GUIDE,
  },
  {
    id: "time-to-ship",
    question: "Must it be live sooner than a first self-hosted deployment takes, or this week?",
    effect: "yes → start on the API now and move to the recommendation once the deployment is live, unless data residency decided",
    source: GUIDE,
  },
];

/**
 * The thresholds the articles state. The spiky-traffic threshold is not here: the articles give no number, so
 * it is derived per decision from the cost curves (maxSelfHostPeakToMean): spiky traffic means provisioning
 * for the peak, and traffic is too spiky once that capacity costs more than the API.
 */
export const DECISION_THRESHOLDS = {
  /** "If the answer is 'this week,' start with the API": shipping within this many weeks means the API first. */
  apiFirstWithinWeeks: 1,
  /** Steady traffic: the shape at which "is the volume high?" is asked, before "is it steady?". */
  steadyPeakToMean: 1,
  /** At equal cost, the API: "When nothing pushes hard in either direction, start with the API". */
  tieGoesTo: "api" as Recommendation,
  source: GUIDE,
  alsoConsidered: {
    ...CASE_STUDY,
    note:
      "its break-even of roughly $20k–$60k a month of API spend is one team's experience, not a rule: the " +
      "break-even here is solved from the stack's own cost curve",
  } satisfies Source,
} as const;

export interface DecisionInput {
  readonly monthlyInputTokens: number;
  /** Above 0. */
  readonly monthlyOutputTokens: number;
  /** Peak request rate over mean request rate, at least 1 (1 = perfectly steady). */
  readonly peakToMean: number;
  readonly dataResidency: boolean;
  readonly pinModel: boolean;
  /** Engineer hours a month available to run it, and those self-hosting needs; absent: not checked. */
  readonly ops?: { readonly availableHours: number; readonly neededHours: number };
  /** Weeks until it must be live, and weeks a first self-hosted deployment takes; absent: not checked. */
  readonly schedule?: { readonly shipWeeks: number; readonly setupWeeks?: number };
  /** The stack's cost curve; its peakToMean is replaced by the one above. */
  readonly selfHosted: SelfHostedCostModel;
  /** The hosted API's list price, USD per 1M tokens. */
  readonly apiPrice: { readonly inputUsdPerMTok: number; readonly outputUsdPerMTok: number };
}

/** One row of the table as evaluated: what it found, with the figures, and the recommendation after it. */
export interface Reason {
  readonly rule: RuleId;
  /** decides: final; sets: the first cost-based answer; changes: moved it; no change; not checked: no input. */
  readonly outcome: "decides" | "sets" | "changes" | "no change" | "not checked";
  readonly recommendation: Recommendation;
  readonly text: string;
  readonly figures: Readonly<Record<string, number | boolean | string | null>>;
}

export interface Decision {
  readonly recommendation: Recommendation;
  /** Where to move once a self-hosted deployment is live, when the deadline put you on the API first. */
  readonly later?: Recommendation;
  readonly reasons: readonly Reason[];
  /** The curves the decision used: the stack's at the given peak-to-mean, the API's at the given input/output ratio. */
  readonly models: { readonly selfHosted: SelfHostedCostModel; readonly hostedApi: HostedApiCostModel };
  /** Monthly output volume where self-hosting (at the given peak-to-mean) first costs no more than the API; undefined: never. */
  readonly breakEvenMonthlyOutputTokens?: number;
  /** The same with steady traffic (peak-to-mean 1). */
  readonly steadyBreakEvenMonthlyOutputTokens?: number;
  /**
   * The spiky-traffic threshold at this volume: the highest peak-to-mean at which self-hosting everything,
   * provisioned for the peak, still costs less than the API. Undefined: not even steady traffic gets there.
   */
  readonly maxSelfHostPeakToMean?: number;
  /** Both costs at the given volume; `steady` is self-hosting the same volume with steady traffic. */
  readonly atVolume: CostPoint & { readonly steadySelfHostedUsd: number; readonly steadyNodes: number };
  /** The cheapest hybrid at this volume (a base below the peak's nodes), priced; absent when the peak fits one node. */
  readonly hybrid?: HybridPoint & { readonly assumption: string };
  /** Cost versus volume from 0 to at least twice the given volume and the break-evens. */
  readonly series: readonly CostPoint[];
}

// Figures in reason texts; the CLI's tables format the same way (scripts/lib/table.ts, cost-render.ts).
const money = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });
function volume(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toLocaleString("en-US", { maximumFractionDigits: 2 })}B`;
  if (n >= 1e6) return `${(n / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })}M`;
  return Math.round(n).toLocaleString("en-US");
}
const nodes = (n: number) => `${n} GPU node${n === 1 ? "" : "s"}`;
const label: Record<Recommendation, string> = { api: "the API", "self-host": "self-hosting", hybrid: "hybrid" };

/** The cost curves at the decision's traffic shape and input/output ratio. */
function decisionModels(input: DecisionInput): { selfHosted: SelfHostedCostModel; steady: SelfHostedCostModel; hostedApi: HostedApiCostModel } {
  return {
    selfHosted: { ...input.selfHosted, peakToMean: input.peakToMean },
    steady: { ...input.selfHosted, peakToMean: DECISION_THRESHOLDS.steadyPeakToMean },
    hostedApi: { ...input.apiPrice, inputPerOutputToken: input.monthlyInputTokens / input.monthlyOutputTokens },
  };
}

/**
 * The highest peak-to-mean at which self-hosting `volume`, provisioned for the peak, costs less than the API:
 * the most GPU nodes the API's bill pays for, times what one node carries, over the volume.
 */
export function maxSelfHostPeakToMean(self: SelfHostedCostModel, apiUsd: number, volume: number): number | undefined {
  const budget = apiUsd - self.fixedMonthlyUsd - self.peopleMonthlyUsd; // left for GPU nodes
  if (self.gpuNodeMonthlyUsd <= 0) return budget > 0 ? Infinity : undefined;
  const affordable = Math.ceil(budget / self.gpuNodeMonthlyUsd) - 1; // strictly cheaper: a tie goes to the API
  if (affordable < Math.max(1, self.minNodes)) return undefined;
  const ratio = (affordable * self.outputTokensPerNodeMonth) / volume;
  return ratio >= 1 ? ratio : undefined;
}

function checkInput(i: DecisionInput): void {
  const bad = (what: string) => {
    throw new RangeError(`decide: ${what}`);
  };
  if (!(i.monthlyOutputTokens > 0) || !Number.isFinite(i.monthlyOutputTokens)) bad("monthlyOutputTokens must be a number above 0");
  if (!(i.monthlyInputTokens >= 0) || !Number.isFinite(i.monthlyInputTokens)) bad("monthlyInputTokens must be a number, 0 or more");
  if (!(i.peakToMean >= 1) || !Number.isFinite(i.peakToMean)) bad("peakToMean must be at least 1: the peak is never below the mean");
}

/** Runs the decision table over one workload. */
export function decide(input: DecisionInput): Decision {
  checkInput(input);
  const models = decisionModels(input);
  const V = input.monthlyOutputTokens;
  const point = costAt(models.selfHosted, models.hostedApi, V);
  const steadyPoint = costAt(models.steady, models.hostedApi, V);
  const breakEven = breakEvenMonthlyOutputTokens(models.selfHosted, models.hostedApi);
  const steadyBreakEven = breakEvenMonthlyOutputTokens(models.steady, models.hostedApi);
  const pMax = maxSelfHostPeakToMean(models.selfHosted, point.apiUsd, V);
  const atVolume = `at ${volume(V)} output + ${volume(input.monthlyInputTokens)} input tokens a month`;

  const reasons: Reason[] = [];
  let rec: Recommendation;
  let later: Recommendation | undefined;

  // 1. A hard data constraint decides the architecture; no cost comparison overrides it.
  const locked = input.dataResidency;
  if (locked) {
    rec = "self-host";
    reasons.push({
      rule: "data-residency", outcome: "decides", recommendation: rec,
      text: "data must stay in your environment: self-hosting decides whatever the volume, the team or the deadline",
      figures: { dataResidency: true },
    });
  } else {
    rec = DECISION_THRESHOLDS.tieGoesTo;
    reasons.push({
      rule: "data-residency", outcome: "no change", recommendation: rec,
      text: "no hard data-residency constraint: volume, steadiness and the team decide",
      figures: { dataResidency: false },
    });
  }

  // 2. Volume and steadiness, both: high enough that steady self-hosting wins, steady enough that peak capacity still does.
  const hybrid = bestHybrid(models.selfHosted, models.hostedApi, V, input.peakToMean);
  const figures = {
    monthlyOutputTokens: V, apiUsd: point.apiUsd, selfHostedUsd: point.selfHostedUsd, nodes: point.nodes,
    hybridUsd: hybrid?.monthlyUsd ?? null, hybridBaseNodes: hybrid?.baseNodes ?? null, hybridOverflowShare: hybrid?.overflowShare ?? null,
    steadySelfHostedUsd: steadyPoint.selfHostedUsd, steadyNodes: steadyPoint.nodes, peakToMean: input.peakToMean,
    breakEvenMonthlyOutputTokens: breakEven ?? null, steadyBreakEvenMonthlyOutputTokens: steadyBreakEven ?? null,
    maxSelfHostPeakToMean: pMax ?? null,
  };
  // The cheapest of the three; a tie goes to the simpler answer (API, then self-hosting).
  const priced: Array<[Recommendation, number]> = [["api", point.apiUsd], ["self-host", point.selfHostedUsd], ...(hybrid ? [["hybrid", hybrid.monthlyUsd] as [Recommendation, number]] : [])];
  const byCost = priced.reduce((best, option) => (option[1] < best[1] ? option : best))[0];
  const hybridText = hybrid
    ? `the best hybrid, ${nodes(hybrid.baseNodes)} with ${sharePercent(hybrid.overflowShare)} of the output tokens sent to the API, costs ${money(hybrid.monthlyUsd)}`
    : undefined;
  let volumeText: string;
  if (byCost === "api" && steadyPoint.selfHostedUsd < point.apiUsd) {
    volumeText =
      `spiky enough that the API wins: ${atVolume} steady traffic would cost ${money(steadyPoint.selfHostedUsd)} self-hosted, but at peak-to-mean ` +
      `${num(input.peakToMean)} capacity for the peak costs ${money(point.selfHostedUsd)} (${nodes(point.nodes)})` +
      `${hybridText ? ` and ${hybridText}` : ""}, against ${money(point.apiUsd)} on the API`;
  } else if (byCost === "api") {
    volumeText =
      steadyBreakEven === undefined
        ? `the API costs less at every volume: one GPU node costs ${money(input.selfHosted.gpuNodeMonthlyUsd)} a month, more than the API charges ` +
          `(${money(costAt(models.steady, models.hostedApi, input.selfHosted.outputTokensPerNodeMonth).apiUsd)}) for the ` +
          `${volume(input.selfHosted.outputTokensPerNodeMonth)} output tokens it produces at capacity; ${atVolume} the API costs ` +
          `${money(point.apiUsd)}, self-hosting ${money(steadyPoint.selfHostedUsd)} even with steady traffic`
        : V < steadyBreakEven
          ? `low volume: ${atVolume} the API costs ${money(point.apiUsd)}, self-hosting ${money(steadyPoint.selfHostedUsd)} even with ` +
            `steady traffic; self-hosting breaks even from ${volume(steadyBreakEven)} output tokens a month of steady traffic`
          : `${atVolume} the API costs ${money(point.apiUsd)}, self-hosting ${money(steadyPoint.selfHostedUsd)} even with steady ` +
            `traffic: above the steady break-even (${volume(steadyBreakEven)}) but just past a GPU-node step, where the new node is mostly idle`;
    if (hybridText) volumeText += `; ${hybridText}`;
  } else if (byCost === "self-host") {
    volumeText =
      `high and steady enough: ${atVolume} self-hosting costs ${money(point.selfHostedUsd)} (${nodes(point.nodes)} for peak-to-mean ` +
      `${num(input.peakToMean)}), the API ${money(point.apiUsd)}, ${money(point.apiUsd - point.selfHostedUsd)} a month less; ` +
      `it keeps winning up to peak-to-mean ${pMax === Infinity ? "any" : num(pMax ?? input.peakToMean)}${hybridText ? `; ${hybridText}` : ""}`;
  } else {
    const h = hybrid!;
    volumeText =
      `cheapest as a hybrid: ${atVolume} a base of ${nodes(h.baseNodes)} with ${sharePercent(h.overflowShare)} of the output tokens (the peaks) sent to the API costs ` +
      `${money(h.monthlyUsd)} (${money(h.apiMonthlyUsd)} of it the API), against ${money(point.apiUsd)} on the API and ${money(point.selfHostedUsd)} ` +
      `self-hosting for the peak (${nodes(point.nodes)}); if traffic were only at its peak or idle, ${sharePercent(h.worstCaseShare)} would overflow: ${money(h.worstCaseMonthlyUsd)}`;
  }
  if (locked) {
    reasons.push({ rule: "volume-and-steadiness", outcome: "no change", recommendation: rec, text: `data residency decides; for the record: ${volumeText}`, figures });
  } else {
    rec = byCost;
    reasons.push({ rule: "volume-and-steadiness", outcome: "sets", recommendation: rec, text: volumeText, figures });
  }

  // 3. A pinned model version pushes toward self-hosting: a burst to the API would serve another model.
  const pinFigures = { pinModel: input.pinModel, selfHostedUsd: point.selfHostedUsd, apiUsd: point.apiUsd };
  if (!input.pinModel) {
    reasons.push({ rule: "model-pinning", outcome: "no change", recommendation: rec, text: "no model version needs pinning", figures: pinFigures });
  } else if (rec === "self-host") {
    reasons.push({
      rule: "model-pinning", outcome: "no change", recommendation: rec,
      text: `the model version must stay pinned: ${locked ? "self-hosting, decided by data residency," : "self-hosting"} keeps it as long as you like`,
      figures: pinFigures,
    });
  } else {
    const from = rec;
    rec = "self-host";
    reasons.push({
      rule: "model-pinning", outcome: "changes", recommendation: rec,
      text:
        `the model version must stay pinned: a hosted provider can update or retire its model${from === "hybrid" ? ", and a burst to it would serve another model" : ""}; ` +
        `self-host all of it (${nodes(point.nodes)}, ${money(point.selfHostedUsd)} a month against ${money(point.apiUsd)} on the API)`,
      figures: pinFigures,
    });
  }

  // 4. Operations capacity: self-hosting is an ongoing job for people you have to have.
  const ops = input.ops;
  if (!ops) {
    reasons.push({
      rule: "ops-capacity", outcome: "not checked", recommendation: rec,
      text: "not checked: no figure for the engineer hours a month you have for running it",
      figures: { availableHours: null, neededHours: null },
    });
  } else {
    const opsFigures = { availableHours: ops.availableHours, neededHours: ops.neededHours };
    const hours = `${num(ops.availableHours)} engineer hour${ops.availableHours === 1 ? "" : "s"} a month available, ${num(ops.neededHours)} needed to run it`;
    if (ops.availableHours >= ops.neededHours) {
      reasons.push({ rule: "ops-capacity", outcome: "no change", recommendation: rec, text: `enough operations capacity: ${hours}`, figures: opsFigures });
    } else if (locked) {
      reasons.push({
        rule: "ops-capacity", outcome: "no change", recommendation: rec,
        text: `short of operations capacity (${hours}), but data residency leaves no alternative: staff the ${num(ops.neededHours - ops.availableHours)} missing hours`,
        figures: opsFigures,
      });
    } else if (rec === "api") {
      reasons.push({ rule: "ops-capacity", outcome: "no change", recommendation: rec, text: `short of operations capacity (${hours}): one more reason for the API`, figures: opsFigures });
    } else {
      rec = "api";
      reasons.push({
        rule: "ops-capacity", outcome: "changes", recommendation: rec,
        text: `not enough operations capacity (${hours}): the API buys you focus${input.pinModel ? "; the pinned-version need goes unmet until you can staff it" : ""}`,
        figures: opsFigures,
      });
    }
  }

  // 5. Time to ship: the API is live in minutes, a first self-hosted deployment in weeks.
  const schedule = input.schedule;
  if (!schedule || (schedule.setupWeeks === undefined && schedule.shipWeeks > DECISION_THRESHOLDS.apiFirstWithinWeeks)) {
    reasons.push({
      rule: "time-to-ship", outcome: "not checked", recommendation: rec,
      text: schedule ? "not checked: no figure for the weeks a first self-hosted deployment takes" : "not checked: no figure for the weeks until it must be live",
      figures: { shipWeeks: schedule?.shipWeeks ?? null, setupWeeks: schedule?.setupWeeks ?? null },
    });
  } else {
    const { shipWeeks, setupWeeks } = schedule;
    const shipFigures = { shipWeeks, setupWeeks: setupWeeks ?? null };
    const thisWeek = shipWeeks <= DECISION_THRESHOLDS.apiFirstWithinWeeks;
    const tooSoon = thisWeek || (setupWeeks !== undefined && shipWeeks < setupWeeks);
    const weeks =
      `live in ${num(shipWeeks)} week${shipWeeks === 1 ? "" : "s"}` +
      (setupWeeks !== undefined ? `, a first self-hosted deployment takes ${num(setupWeeks)}` : "");
    if (!tooSoon) {
      reasons.push({ rule: "time-to-ship", outcome: "no change", recommendation: rec, text: `time enough: ${weeks}`, figures: shipFigures });
    } else if (locked) {
      reasons.push({
        rule: "time-to-ship", outcome: "no change", recommendation: rec,
        text: `the deadline is at risk (${weeks}${thisWeek ? ": this week" : ""}), and data residency rules out starting on the API`,
        figures: shipFigures,
      });
    } else if (rec === "api") {
      reasons.push({ rule: "time-to-ship", outcome: "no change", recommendation: rec, text: `${weeks}: the API ships fastest anyway`, figures: shipFigures });
    } else {
      later = rec;
      rec = "api";
      reasons.push({
        rule: "time-to-ship", outcome: "changes", recommendation: rec,
        text: `${thisWeek ? "shipping this week" : "shipping before a deployment can be live"} (${weeks}): start on the API now and move to ${label[later]} once the deployment is live; migrating later is a known, finite project`,
        figures: shipFigures,
      });
    }
  }

  return {
    recommendation: rec,
    ...(later !== undefined ? { later } : {}),
    reasons,
    models: { selfHosted: models.selfHosted, hostedApi: models.hostedApi },
    ...(breakEven !== undefined ? { breakEvenMonthlyOutputTokens: breakEven } : {}),
    ...(steadyBreakEven !== undefined ? { steadyBreakEvenMonthlyOutputTokens: steadyBreakEven } : {}),
    ...(pMax !== undefined ? { maxSelfHostPeakToMean: pMax } : {}),
    atVolume: { ...point, steadySelfHostedUsd: steadyPoint.selfHostedUsd, steadyNodes: steadyPoint.nodes },
    ...(hybrid ? { hybrid: { ...hybrid, assumption: HYBRID_ASSUMPTION } } : {}),
    series: costSeries(models.selfHosted, models.hostedApi, [V, breakEven ?? 0, steadyBreakEven ?? 0]),
  };
}
