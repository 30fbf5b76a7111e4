import { badInput } from '../errors.js';
import { DurationAccumulator, type RollupDurations } from './histogram.js';
import { isFinal, isFinalStep, type ExecutionStatus, type StepPatch, type StepStatus } from './lifecycle.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface Window {
  from: Date;
  to: Date;
}

/** The window asked for: default the last 24 h up to now; `from < to` and at most `maxDays` long. */
export function resolveWindow(from: Date | null | undefined, to: Date | null | undefined, now: Date, maxDays: number): Window {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - DAY_MS);
  if (start.getTime() >= end.getTime()) {
    throw badInput(`from (${start.toISOString()}) must be before to (${end.toISOString()})`, { field: 'from' });
  }
  if (end.getTime() - start.getTime() > maxDays * DAY_MS) {
    throw badInput(`The window may span at most ${maxDays} days; narrow from/to`, { field: 'from', maxDays });
  }
  return { from: start, to: end };
}

export type Level = 'day' | 'hour' | 'minute' | 'raw';
const LEVELS: readonly (readonly [Level, number])[] = [
  ['day', DAY_MS],
  ['hour', HOUR_MS],
  ['minute', MINUTE_MS],
];

/** A piece of a window answered from one rollup level ([start, end) aligned to it) or from raw rows. */
export interface Segment {
  level: Level;
  start: number;
  end: number;
}

/**
 * Splits [from, to) into whole UTC days, then whole hours and minutes at the edges, and the
 * sub-minute remainders (answered from the raw rows), so a wide window reads few rollup rows.
 */
export function decompose(from: number, to: number, levels = LEVELS): Segment[] {
  if (from >= to) return [];
  const [first, ...rest] = levels;
  if (!first) return [{ level: 'raw', start: from, end: to }];
  const [level, size] = first;
  const start = Math.ceil(from / size) * size;
  const end = Math.floor(to / size) * size;
  if (start >= end) return decompose(from, to, rest);
  return [...decompose(from, start, rest), { level, start, end }, ...decompose(end, to, rest)];
}

/**
 * Past raw retention only rollups answer: the window's whole hours and days, and its whole minutes
 * while minute rollups are kept (`finest`); the finer edges cannot be answered and are left out.
 */
export function rollupSegments(from: number, to: number, finest: 'hour' | 'minute'): Segment[] {
  return decompose(from, to, LEVELS.slice(0, finest === 'hour' ? 2 : 3)).filter((s) => s.level !== 'raw');
}

/** Joins touching segments of one level, so each level is read with as few ranges as possible. */
export function mergeSegments(segments: readonly Segment[]): Map<Level, { start: number; end: number }[]> {
  const byLevel = new Map<Level, { start: number; end: number }[]>();
  for (const s of [...segments].sort((a, b) => a.start - b.start)) {
    const list = byLevel.get(s.level) ?? [];
    const last = list.at(-1);
    if (last && last.end === s.start) last.end = s.end;
    else list.push({ start: s.start, end: s.end });
    byLevel.set(s.level, list);
  }
  return byLevel;
}

export const BUCKET_MS = { MINUTE: MINUTE_MS, HOUR: HOUR_MS, DAY: DAY_MS } as const;
export type BucketSize = keyof typeof BUCKET_MS;

/** Calendar-aligned (UTC) buckets covering [from, to), the first and last clipped to the window. */
export function timeBuckets(window: Window, size: BucketSize, maxBuckets: number): Window[] {
  const ms = BUCKET_MS[size];
  const from = window.from.getTime();
  const to = window.to.getTime();
  const first = Math.floor(from / ms) * ms;
  const count = Math.ceil((to - first) / ms);
  if (count > maxBuckets) {
    throw badInput(`${count} ${size} buckets exceed the limit of ${maxBuckets}; use a larger bucket or a narrower window`, {
      field: 'bucket',
      maxBuckets,
    });
  }
  return Array.from({ length: count }, (_, i) => ({
    from: new Date(Math.max(from, first + i * ms)),
    to: new Date(Math.min(to, first + (i + 1) * ms)),
  }));
}

/** Percent 0..100 of `of`; null when `of` is 0. */
export const rate = (part: number, of: number) => (of > 0 ? (100 * part) / of : null);

// ---- rollup deltas: what one write adds to the rollups ------------------------------------------

/** What the rollups count of executions, besides their durations. */
export interface ExecutionCounts {
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  slaTracked: number;
  slaViolations: number;
}

export interface ExecutionDelta extends ExecutionCounts {
  durations: number[];
  queueTimes: number[];
}

/** What the rollups count of the steps of one type, besides their durations. */
export interface StepCounts {
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  retries: number;
  firstAttemptCompleted: number;
}

export interface StepDelta extends StepCounts {
  type: string;
  durations: number[];
}

export interface RollupDelta {
  namespace: string;
  workflow: string;
  createdAt: Date;
  execution: ExecutionDelta | null;
  steps: StepDelta[];
}

export const emptyExecutionCounts = (): ExecutionCounts => ({
  total: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  timedOut: 0,
  slaTracked: 0,
  slaViolations: 0,
});
export const emptyExecutionDelta = (): ExecutionDelta => ({ ...emptyExecutionCounts(), durations: [], queueTimes: [] });
export const emptyStepCounts = (): StepCounts => ({ total: 0, completed: 0, failed: 0, skipped: 0, retries: 0, firstAttemptCompleted: 0 });
export const emptyStepDelta = (type: string): StepDelta => ({ type, ...emptyStepCounts(), durations: [] });

/** Adds `d` to `into`: every count summed, every list of samples appended (a step's type is left alone). */
export function addDelta<D extends ExecutionCounts | StepCounts>(into: D, d: D) {
  const sums = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(d)) {
    if (typeof value === 'number') (sums[key] as number) += value;
    else if (Array.isArray(value)) (sums[key] as number[]).push(...(value as number[]));
  }
}

interface ExecutionFacts {
  namespace: string;
  workflow: string;
  status: ExecutionStatus;
  createdAt: Date;
  queuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  slaMs: number | null;
}

interface StepFacts {
  id: string;
  type: string;
  status: StepStatus;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What decides an execution's contribution to the figures. */
export type ExecutionOutcomeFacts = Pick<ExecutionFacts, 'status' | 'queuedAt' | 'startedAt' | 'finishedAt' | 'slaMs'>;
/** What decides a step's contribution to the figures of its type. */
export type StepOutcomeFacts = Omit<StepFacts, 'id'>;

/**
 * What a finished execution contributes (the same rule the exact SQL applies to raw rows):
 * its outcome; its duration (started -> finished) when it started; its queue time
 * (queued -> started, or -> finished when it never started) when it was queued; and SLA tracking
 * when it has an SLA and started.
 */
export function finishedExecutionDelta(e: ExecutionOutcomeFacts): ExecutionDelta {
  const d = emptyExecutionDelta();
  if (e.status === 'COMPLETED') d.completed = 1;
  if (e.status === 'FAILED') d.failed = 1;
  if (e.status === 'CANCELLED') d.cancelled = 1;
  if (e.status === 'TIMED_OUT') d.timedOut = 1;
  const finished = e.finishedAt!.getTime();
  const duration = e.startedAt ? finished - e.startedAt.getTime() : null;
  if (duration !== null) d.durations.push(duration);
  if (e.queuedAt) d.queueTimes.push((e.startedAt?.getTime() ?? finished) - e.queuedAt.getTime());
  // An execution that never started (cancelled from the queue, say) has no duration to hold to its SLA.
  if (e.slaMs !== null && duration !== null) {
    d.slaTracked = 1;
    if (duration > e.slaMs) d.slaViolations = 1;
  }
  return d;
}

/** A step's final status as counted: failed = FAILED or TIMED_OUT, skipped = SKIPPED or CANCELLED. */
export function finishedStepDelta(s: StepOutcomeFacts, delta = emptyStepDelta(s.type)): StepDelta {
  if (s.status === 'COMPLETED') {
    delta.completed++;
    if (s.attempt === 1) delta.firstAttemptCompleted++;
  } else if (s.status === 'FAILED' || s.status === 'TIMED_OUT') delta.failed++;
  else delta.skipped++;
  if (s.status !== 'SKIPPED' && s.status !== 'CANCELLED' && s.startedAt && s.finishedAt) {
    delta.durations.push(s.finishedAt.getTime() - s.startedAt.getTime());
  }
  return delta;
}

/** What one execution row adds to a window read from the raw rows: itself and, once finished, its outcome. */
export function executionRowDelta(e: ExecutionOutcomeFacts): ExecutionDelta {
  const d = e.finishedAt === null ? emptyExecutionDelta() : finishedExecutionDelta(e);
  d.total = 1;
  return d;
}

/** What one step row adds to its type's figures read from the raw rows: itself, its retries and, once final, its outcome. */
export function stepRowDelta(s: StepOutcomeFacts): StepDelta {
  const d = emptyStepDelta(s.type);
  d.total = 1;
  d.retries = s.attempt - 1;
  return isFinalStep(s.status) ? finishedStepDelta(s, d) : d;
}

/** The delta of a new execution: one more execution and its steps, counted by type. */
export function createdDelta(e: ExecutionFacts, steps: readonly { type: string }[]): RollupDelta {
  const execution = emptyExecutionDelta();
  execution.total = 1;
  const byType = new Map<string, StepDelta>();
  for (const step of steps) {
    const d = byType.get(step.type) ?? emptyStepDelta(step.type);
    d.total++;
    byType.set(step.type, d);
  }
  return { namespace: e.namespace, workflow: e.workflow, createdAt: e.createdAt, execution, steps: [...byType.values()] };
}

/** The delta of one command: an execution turning final, steps turning final, retries. */
export function changeDelta(
  before: ExecutionFacts,
  after: ExecutionFacts,
  stepsBefore: readonly StepFacts[],
  patches: ReadonlyMap<string, StepPatch>,
): RollupDelta | null {
  const execution = !isFinal(before.status) && isFinal(after.status) ? finishedExecutionDelta(after) : null;
  const byType = new Map<string, StepDelta>();
  for (const step of stepsBefore) {
    const patch = patches.get(step.id);
    if (!patch) continue;
    const next = { ...step, ...patch } as StepFacts;
    const d = byType.get(step.type) ?? emptyStepDelta(step.type);
    if (next.attempt > step.attempt) d.retries += next.attempt - step.attempt;
    if (!isFinalStep(step.status) && isFinalStep(next.status)) finishedStepDelta(next, d);
    byType.set(step.type, d);
  }
  const steps = [...byType.values()].filter((d) => d.retries || d.completed || d.failed || d.skipped);
  if (!execution && steps.length === 0) return null;
  return { namespace: after.namespace, workflow: after.workflow, createdAt: after.createdAt, execution, steps };
}

// ---- totals: rollup rows and raw rows summed for a window -----------------------------------------

/** Execution rollup rows (one or several summed); `queue` is null when it was not read. */
export interface ExecutionRollup {
  counts: ExecutionCounts;
  duration: RollupDurations;
  queue: RollupDurations | null;
}

/** Step rollup rows of one type. */
export interface StepRollup {
  type: string;
  counts: StepCounts;
  duration: RollupDurations;
}

/** Executions summed from rollup rows and single executions' deltas alike. */
export class ExecutionTotals {
  readonly counts = emptyExecutionCounts();
  readonly duration = new DurationAccumulator();
  readonly queue = new DurationAccumulator();

  addRollup(row: ExecutionRollup) {
    addDelta(this.counts, row.counts);
    this.duration.addRollup(row.duration);
    if (row.queue) this.queue.addRollup(row.queue);
  }

  addDelta({ durations, queueTimes, ...counts }: ExecutionDelta) {
    addDelta(this.counts, counts);
    this.duration.addValues(durations);
    this.queue.addValues(queueTimes);
  }
}

/** The steps of one type, summed the same way. */
export class StepTotals {
  readonly counts = emptyStepCounts();
  readonly duration = new DurationAccumulator();
  constructor(readonly type: string) {}

  addRollup(row: StepRollup) {
    addDelta(this.counts, row.counts);
    this.duration.addRollup(row.duration);
  }

  addDelta({ type: _, durations, ...counts }: StepDelta) {
    addDelta(this.counts, counts);
    this.duration.addValues(durations);
  }
}
