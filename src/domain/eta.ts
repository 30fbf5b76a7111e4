import {
  addMoments,
  logNormalFromStats,
  momentsOf,
  NO_MOMENTS,
  quantilesOfSum,
  remainingQuantiles,
  type LearnedStepDuration,
  type LogNormal,
  type Moments,
} from './distributions.js';
import { NO_QUEUE_ESTIMATE, type QueueEtaBasis, type QueueStartEstimate } from './queue-eta.js';
import { isFinal, OPEN_STEP_STATUSES, type ExecutionStatus, type StepStatus } from './lifecycle.js';

export const ETA_BASES = ['HISTORY', 'PACE', 'NONE'] as const;
/** Where an estimate came from: recent successful runs, this execution's own pace, or nothing. */
export type EtaBasis = (typeof ETA_BASES)[number];

/** A workflow's learned step durations, by `historyStepKey(name, type)`. */
export type StepHistory = ReadonlyMap<string, LearnedStepDuration>;
export const historyStepKey = (name: string, type: string) => `${type}\n${name}`;

/** What a workflow's recent successful runs say: each step's durations and the whole run's (gaps between steps included). */
export interface WorkflowHistory {
  steps: StepHistory;
  run: LearnedStepDuration | null;
}
export const EMPTY_HISTORY: WorkflowHistory = { steps: new Map(), run: null };

/** Pace says nothing about spread: assume a wide one (p90 ~ 1.9 x the mean). */
const PACE_SIGMA = 0.5;
/** No overrun is flagged from fewer successful runs than this (the step's, or the whole run's). */
export const MIN_OVERRUN_SAMPLES = 5;

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
  /** The step's learned p90 when it may flag an overrun (HISTORY of MIN_OVERRUN_SAMPLES runs or more); else null. */
  overrunAfterMs: number | null;
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
  /** Summed moments of the steps not started yet and the time between them; null when one of them has no estimate. */
  pending: Moments | null;
  /** No step has started yet and the whole run's history is known: the run's own duration model. */
  wholeRun: LogNormal | null;
  /** percentByTime: expected time of finished steps and of all steps; null without a full basis. */
  weights: { finishedMs: number; totalMs: number } | null;
  /** The learned p90 of whole runs when it may flag an overrun (HISTORY of MIN_OVERRUN_SAMPLES runs or more); else null. */
  runP90Ms: number | null;
}

interface StepEstimate {
  source: 'HISTORY' | 'PACE';
  model: LogNormal;
  medianMs: number;
  overrunAfterMs: number | null;
}

/** Each step's duration: from the workflow's history (name + type), else this execution's pace. */
function estimateSteps(steps: readonly EtaStep[], history: StepHistory): Map<string, StepEstimate | null> {
  const measured = steps
    .filter((s) => s.status === 'COMPLETED' && s.startedAt && s.finishedAt)
    .map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime());
  const paceMs = measured.length > 0 ? Math.max(1, measured.reduce((a, b) => a + b, 0) / measured.length) : null;
  return new Map(
    steps.map((step) => {
      const stats = history.get(historyStepKey(step.name, step.type));
      const estimate: StepEstimate | null = stats
        ? {
            source: 'HISTORY',
            model: logNormalFromStats(stats),
            medianMs: stats.p50Ms,
            overrunAfterMs: stats.samples >= MIN_OVERRUN_SAMPLES ? stats.p90Ms : null,
          }
        : paceMs !== null
          ? { source: 'PACE', model: { mu: Math.log(paceMs), sigma: PACE_SIGMA }, medianMs: paceMs, overrunAfterMs: null }
          : null;
      return [step.id, estimate];
    }),
  );
}

/**
 * Plans the estimate for an execution's steps. Each step's duration comes from the workflow's history
 * (name + type); a step without history uses this execution's pace (the mean duration of its completed
 * steps). The basis is HISTORY when every open step (or, with none open, every step) has history,
 * PACE when pace had to fill in, NONE when some step has neither. With a HISTORY basis the whole
 * run's history adds the time runs spend between steps, shared out evenly over the steps, and stands
 * in for the steps before any of them has started.
 */
export function planEta(steps: readonly EtaStep[], history: WorkflowHistory): EtaPlan {
  const estimates = estimateSteps(steps, history.steps);
  const model = (id: string) => estimates.get(id)?.model ?? null;
  const median = (id: string) => estimates.get(id)?.medianMs ?? null;

  const open = steps.filter(isOpen);
  const judged = (open.length > 0 ? open : steps).map((s) => estimates.get(s.id)?.source ?? null);
  const basis: EtaBasis =
    judged.length === 0 || judged.includes(null) ? 'NONE' : judged.includes('PACE') ? 'PACE' : 'HISTORY';
  const runHistory = basis === 'HISTORY' ? history.run : null;

  const allKnown = steps.length > 0 && steps.every((s) => model(s.id));
  let weights: EtaPlan['weights'] = null;
  let gapPerStep = NO_MOMENTS;
  if (allKnown) {
    let finishedMs = 0;
    let totalMs = 0;
    let run = NO_MOMENTS;
    const runs = steps.filter((s) => !wontRun(s));
    for (const step of steps) {
      const expected = median(step.id)!;
      totalMs += expected;
      if (!isOpen(step) && step.status !== 'CANCELLED') finishedMs += expected;
    }
    for (const step of runs) run = addMoments(run, momentsOf(remainingQuantiles(model(step.id)!, 0)));
    weights = { finishedMs, totalMs };
    if (runHistory && runs.length > 0) {
      const gapMs = Math.max(0, runHistory.p50Ms - quantilesOfSum(run).p50) / runs.length;
      gapPerStep = { mean: gapMs, variance: 0 };
    }
  }

  let pending: Moments | null = NO_MOMENTS;
  for (const step of steps.filter((s) => s.status === 'PENDING')) {
    const stepModel = model(step.id);
    pending = stepModel && pending ? addMoments(addMoments(pending, momentsOf(remainingQuantiles(stepModel, 0))), gapPerStep) : null;
  }

  const started = steps.some((s) => s.startedAt);
  return {
    basis,
    expectedMs: new Map(steps.map((s) => [s.id, median(s.id)])),
    running: steps.filter(isRunning).map((s) => ({
      startedAt: s.startedAt ?? new Date(0),
      model: model(s.id),
      expectedMs: median(s.id),
      overrunAfterMs: estimates.get(s.id)?.overrunAfterMs ?? null,
    })),
    pending,
    wholeRun: runHistory && !started ? logNormalFromStats(runHistory) : null,
    weights,
    runP90Ms: runHistory && runHistory.samples >= MIN_OVERRUN_SAMPLES ? runHistory.p90Ms : null,
  };
}

export interface Estimate {
  etaBasis: EtaBasis;
  estimatedRemainingMs: number | null;
  estimatedRemainingP90Ms: number | null;
  estimatedCompletion: Date | null;
  /** For a QUEUED execution: when it is expected to start, within a band, and on what basis. */
  estimatedStartAt: Date | null;
  estimatedStartEarliestAt: Date | null;
  estimatedStartLatestAt: Date | null;
  queueEtaBasis: QueueEtaBasis | null;
  percentByTime: number | null;
  isOverrunning: boolean;
}

export interface EstimateInput {
  status: ExecutionStatus;
  finishedAt: Date | null;
  elapsedMs: number | null;
  queueStart?: QueueStartEstimate | null;
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
  let remaining: Moments | null = plan.wholeRun
    ? momentsOf(remainingQuantiles(plan.wholeRun, execution.elapsedMs ?? 0))
    : plan.pending;
  let finishedMs = plan.weights?.finishedMs ?? 0;
  let isOverrunning = false;
  for (const step of plan.running) {
    const usedMs = Math.max(0, now.getTime() - step.startedAt.getTime());
    if (!step.model) {
      remaining = null;
      continue;
    }
    const left = remainingQuantiles(step.model, usedMs);
    if (remaining && !plan.wholeRun) remaining = addMoments(remaining, momentsOf(left));
    finishedMs += step.expectedMs! * (usedMs / (usedMs + left.p50));
    if (step.overrunAfterMs !== null && usedMs > step.overrunAfterMs) isOverrunning = true;
  }
  if (plan.runP90Ms !== null && execution.elapsedMs !== null && execution.elapsedMs > plan.runP90Ms) isOverrunning = true;

  const percentByTime =
    execution.status === 'COMPLETED'
      ? 100
      : plan.weights && plan.weights.totalMs > 0
        ? round2(Math.min(100, (100 * finishedMs) / plan.weights.totalMs))
        : null;
  const queueStart = execution.status === 'QUEUED' ? (execution.queueStart ?? NO_QUEUE_ESTIMATE) : null;
  const estimatedStartAt = queueStart?.startAt ?? null;
  const queueFields = {
    estimatedStartAt,
    estimatedStartEarliestAt: queueStart?.earliestAt ?? null,
    estimatedStartLatestAt: queueStart?.latestAt ?? null,
    queueEtaBasis: queueStart?.basis ?? null,
  };

  if (final) {
    return {
      etaBasis: plan.basis,
      estimatedRemainingMs: 0,
      estimatedRemainingP90Ms: 0,
      estimatedCompletion: execution.finishedAt,
      ...queueFields,
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
    ...queueFields,
    percentByTime,
    isOverrunning,
  };
}

