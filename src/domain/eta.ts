import { isFinal, OPEN_STEP_STATUSES, type ExecutionStatus, type StepStatus } from './lifecycle.js';

export const ETA_BASES = ['HISTORY', 'PACE', 'NONE'] as const;
/** Where an estimate came from: recent successful runs, this execution's own pace, or nothing. */
export type EtaBasis = (typeof ETA_BASES)[number];

/** How long one step (by name and type) took in recent successful runs of its workflow. */
export interface LearnedStepDuration {
  p50Ms: number;
  p90Ms: number;
  samples: number;
}

/** A workflow's learned step durations, by `historyStepKey(name, type)`. */
export type StepHistory = ReadonlyMap<string, LearnedStepDuration>;
export const historyStepKey = (name: string, type: string) => `${type}\n${name}`;
export const EMPTY_HISTORY: StepHistory = new Map();

const Z90 = 1.2815515655446004;
/** Even a step that always took the same time gets some spread, so an overrun has a finite tail. */
const MIN_SIGMA = 0.1;
/** Pace says nothing about spread: assume a wide one (p90 ~ 1.9 x the mean). */
const PACE_SIGMA = 0.5;
/** The floor of a running step's remaining time, as a share of its median (see remainingQuantiles). */
const MIN_RESIDUAL_SHARE = 0.1;
/** Beyond this many sigmas, tail probabilities underflow: use the tail's asymptotic form instead. */
const FAR_TAIL_Z = 30;

/** The q-quantile with linear interpolation between order statistics, as SQL's percentile_cont. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** The learned duration of a step from its past durations. */
export function durationStats(durationsMs: readonly number[]): LearnedStepDuration {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return { p50Ms: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), samples: sorted.length };
}

/** Complementary error function; fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export const normalUpperTail = (z: number) => 0.5 * erfc(z / Math.SQRT2);

/** The standard normal quantile: Acklam's approximation refined by one Halley step, good deep into the tails. */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const x = acklamQuantile(p);
  const error = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

function acklamQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549671043537620, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** A step's duration model: ln(duration) ~ Normal(mu, sigma). */
export interface LogNormal {
  mu: number;
  sigma: number;
}

/**
 * Fits a log-normal through the learned p50 and p90, widened for small samples the way a prediction
 * interval is: 30 runs say less than 3,000. A median of n runs is as uncertain as a mean of 2n/pi,
 * and a spread read off p50 and p90 as a standard deviation of about n/3.7 runs (asymptotic
 * variances of sample quantiles), so a Student t with those degrees of freedom replaces z.
 */
export function logNormalFromStats(stats: LearnedStepDuration): LogNormal {
  const p50 = Math.max(stats.p50Ms, 1);
  const sigma = Math.max(Math.log(Math.max(stats.p90Ms, p50) / p50) / Z90, MIN_SIGMA);
  const n = Math.max(stats.samples, 1);
  const dof = Math.max(n / 3.73, 1);
  const t90 = Z90 + (Z90 ** 3 + Z90) / (4 * dof);
  const widening = (t90 / Z90) * Math.sqrt(1 + Math.PI / 2 / n);
  return { mu: Math.log(p50), sigma: sigma * widening };
}

export const logNormalQuantile = (d: LogNormal, q: number) => Math.exp(d.mu + d.sigma * normalQuantile(q));

export interface Quantiles {
  p50: number;
  p90: number;
}

/**
 * The remaining time of a step that has already run `usedMs`: quantiles of X - used given X > used.
 * Conditioning (rather than `p50 - used`) keeps the estimate positive and growing sensibly while a
 * step overruns: the longer it runs past its median, the more of the heavy tail is left. As a
 * safety net against rounding it never drops below a tenth of the step's median.
 */
export function remainingQuantiles(d: LogNormal, usedMs: number): Quantiles {
  if (usedMs <= 0) return { p50: logNormalQuantile(d, 0.5), p90: logNormalQuantile(d, 0.9) };
  const floor = MIN_RESIDUAL_SHARE * Math.exp(d.mu);
  const zUsed = (Math.log(usedMs) - d.mu) / d.sigma;
  const survival = normalUpperTail(zUsed);
  // z at which P(X > x) = (1 - q) * P(X > used); far out, P(Z > z + e) / P(Z > z) ~ exp(-z e).
  const zAt = (q: number) => (zUsed > FAR_TAIL_Z ? zUsed - Math.log(1 - q) / zUsed : -normalQuantile((1 - q) * survival));
  const at = (q: number) => Math.max(usedMs * Math.expm1(d.sigma * (zAt(q) - zUsed)), floor);
  const p50 = at(0.5);
  return { p50, p90: Math.max(at(0.9), p50) };
}

/** Mean and variance of a sum of independent durations. */
export interface Moments {
  mean: number;
  variance: number;
}
export const NO_MOMENTS: Moments = { mean: 0, variance: 0 };

/** Moments of the log-normal through these quantiles. */
export function momentsOf(q: Quantiles): Moments {
  if (q.p50 <= 0) return NO_MOMENTS;
  const s = Math.log(Math.max(q.p90, q.p50) / q.p50) / Z90;
  const mean = q.p50 * Math.exp((s * s) / 2);
  return { mean, variance: mean * mean * Math.expm1(s * s) };
}

export const addMoments = (a: Moments, b: Moments): Moments => ({ mean: a.mean + b.mean, variance: a.variance + b.variance });

/**
 * Quantiles of a sum of independent steps (Fenton-Wilkinson: a log-normal with the sum's mean and
 * variance). Summing per-step p90s instead would assume every step is slow at once - far too gloomy.
 */
export function quantilesOfSum(m: Moments): Quantiles {
  if (m.mean <= 0) return { p50: 0, p90: 0 };
  const s2 = Math.log1p(m.variance / (m.mean * m.mean));
  const mu = Math.log(m.mean) - s2 / 2;
  return { p50: Math.exp(mu), p90: Math.exp(mu + Z90 * Math.sqrt(s2)) };
}

/** A step as the estimate sees it. */
export interface EtaStep {
  id: string;
  name: string;
  type: string;
  status: StepStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const isOpen = (step: EtaStep) => OPEN_STEP_STATUSES.includes(step.status);
const isRunning = (step: EtaStep) => step.status === 'RUNNING' || step.status === 'WAITING_APPROVAL';
/** Steps that will not run (any more) carry no expected time in a full run. */
const wontRun = (step: EtaStep) => step.status === 'SKIPPED' || (step.status === 'CANCELLED' && !step.startedAt);

interface PlannedRunningStep {
  startedAt: Date;
  model: LogNormal | null;
  expectedMs: number | null;
}

/**
 * Everything about an estimate that does not depend on the time of day, so it can be kept while the
 * execution does not change and finished cheaply at each read by `estimateAt`.
 */
export interface EtaPlan {
  basis: EtaBasis;
  /** Step id -> the median duration the estimate expects of it; null when there is no basis. */
  expectedMs: ReadonlyMap<string, number | null>;
  running: PlannedRunningStep[];
  /** Summed moments of the steps not started yet; null when one of them has no estimate. */
  pending: Moments | null;
  /** percentByTime: expected time of finished steps and of all steps; null without a full basis. */
  weights: { finishedMs: number; totalMs: number } | null;
  /** p90 of a whole run's step time; null without a full basis. */
  runP90Ms: number | null;
}

/**
 * Plans the estimate for an execution's steps. Each step's duration comes from the workflow's history
 * (name + type); a step without history uses this execution's pace (the mean duration of its completed
 * steps). The basis is HISTORY when every open step (or, with none open, every step) has history,
 * PACE when pace had to fill in, NONE when some step has neither.
 */
export function planEta(steps: readonly EtaStep[], history: StepHistory): EtaPlan {
  const measured = steps
    .filter((s) => s.status === 'COMPLETED' && s.startedAt && s.finishedAt)
    .map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime());
  const paceMs = measured.length > 0 ? Math.max(1, measured.reduce((a, b) => a + b, 0) / measured.length) : null;

  interface StepEstimate {
    source: 'HISTORY' | 'PACE';
    model: LogNormal;
    medianMs: number;
  }
  const estimates = new Map<string, StepEstimate | null>();
  for (const step of steps) {
    const stats = history.get(historyStepKey(step.name, step.type));
    const estimate: StepEstimate | null = stats
      ? { source: 'HISTORY', model: logNormalFromStats(stats), medianMs: stats.p50Ms }
      : paceMs !== null
        ? { source: 'PACE', model: { mu: Math.log(paceMs), sigma: PACE_SIGMA }, medianMs: paceMs }
        : null;
    estimates.set(step.id, estimate);
  }
  const sources = new Map(steps.map((s) => [s.id, estimates.get(s.id)?.source ?? null]));
  const models = new Map(steps.map((s) => [s.id, estimates.get(s.id)?.model ?? null]));
  const median = (id: string) => estimates.get(id)?.medianMs ?? null;

  const open = steps.filter(isOpen);
  const judged = (open.length > 0 ? open : steps).map((s) => sources.get(s.id));
  const basis: EtaBasis =
    judged.length === 0 || judged.includes(null) ? 'NONE' : judged.includes('PACE') ? 'PACE' : 'HISTORY';

  let pending: Moments | null = NO_MOMENTS;
  for (const step of steps.filter((s) => s.status === 'PENDING')) {
    const model = models.get(step.id);
    pending = model && pending ? addMoments(pending, momentsOf(remainingQuantiles(model, 0))) : null;
  }

  const allKnown = steps.every((s) => models.get(s.id));
  let weights: EtaPlan['weights'] = null;
  let runP90Ms: number | null = null;
  if (allKnown && steps.length > 0) {
    let finishedMs = 0;
    let totalMs = 0;
    let run = NO_MOMENTS;
    for (const step of steps) {
      const expected = median(step.id)!;
      totalMs += expected;
      if (!isOpen(step) && step.status !== 'CANCELLED') finishedMs += expected;
      if (!wontRun(step)) run = addMoments(run, momentsOf(remainingQuantiles(models.get(step.id)!, 0)));
    }
    weights = { finishedMs, totalMs };
    runP90Ms = quantilesOfSum(run).p90;
  }

  return {
    basis,
    expectedMs: new Map(steps.map((s) => [s.id, median(s.id)])),
    running: steps
      .filter(isRunning)
      .map((s) => ({ startedAt: s.startedAt ?? new Date(0), model: models.get(s.id) ?? null, expectedMs: median(s.id) })),
    pending,
    weights,
    runP90Ms,
  };
}

export interface Estimate {
  etaBasis: EtaBasis;
  estimatedRemainingMs: number | null;
  estimatedRemainingP90Ms: number | null;
  estimatedCompletion: Date | null;
  /** For a QUEUED execution: when it is expected to start. */
  estimatedStartAt: Date | null;
  percentByTime: number | null;
  isOverrunning: boolean;
}

export interface EstimateInput {
  status: ExecutionStatus;
  finishedAt: Date | null;
  elapsedMs: number | null;
  estimatedStartAt?: Date | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Finishes a plan at `now`: the remaining time (median and p90) of the open steps, running ones
 * conditioned on the time they have used; percentByTime; whether the run is past its p90.
 * A QUEUED execution completes at its expected start plus its expected run; a PENDING one has no
 * start to count from. A final execution has nothing left.
 */
export function estimateAt(plan: EtaPlan, execution: EstimateInput, now: Date): Estimate {
  const final = isFinal(execution.status);
  let remaining: Moments | null = plan.pending;
  let finishedMs = plan.weights?.finishedMs ?? 0;
  let isOverrunning = false;
  for (const step of plan.running) {
    const usedMs = Math.max(0, now.getTime() - step.startedAt.getTime());
    if (!step.model) {
      remaining = null;
      continue;
    }
    const left = remainingQuantiles(step.model, usedMs);
    if (remaining) remaining = addMoments(remaining, momentsOf(left));
    finishedMs += step.expectedMs! * (usedMs / (usedMs + left.p50));
    if (usedMs > logNormalQuantile(step.model, 0.9)) isOverrunning = true;
  }
  if (plan.runP90Ms !== null && execution.elapsedMs !== null && execution.elapsedMs > plan.runP90Ms) isOverrunning = true;

  const percentByTime =
    execution.status === 'COMPLETED'
      ? 100
      : plan.weights && plan.weights.totalMs > 0
        ? round2(Math.min(100, (100 * finishedMs) / plan.weights.totalMs))
        : null;
  const estimatedStartAt = execution.status === 'QUEUED' ? (execution.estimatedStartAt ?? null) : null;

  if (final) {
    return {
      etaBasis: plan.basis,
      estimatedRemainingMs: 0,
      estimatedRemainingP90Ms: 0,
      estimatedCompletion: execution.finishedAt,
      estimatedStartAt: null,
      percentByTime,
      isOverrunning: false,
    };
  }
  const sum = remaining ? quantilesOfSum(remaining) : null;
  const start = execution.status === 'PENDING' ? null : execution.status === 'QUEUED' ? estimatedStartAt : now;
  return {
    etaBasis: plan.basis,
    estimatedRemainingMs: sum ? Math.round(sum.p50) : null,
    estimatedRemainingP90Ms: sum ? Math.round(sum.p90) : null,
    estimatedCompletion: sum && start ? new Date(start.getTime() + Math.round(sum.p50)) : null,
    estimatedStartAt,
    percentByTime,
    isOverrunning,
  };
}

/**
 * When a queued execution should start: with `ahead` executions before it and starts arriving at the
 * recent rate, the (ahead + 1)-th start from now. Null when nothing started recently.
 */
export function estimateQueueStart(ahead: number, recentStarts: number, windowMs: number, now: Date): Date | null {
  if (recentStarts <= 0 || windowMs <= 0) return null;
  return new Date(now.getTime() + Math.round(((ahead + 1) * windowMs) / recentStarts));
}
