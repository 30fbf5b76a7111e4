import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import * as reads from '../db/metrics.js';
import type { MetricsFilter } from '../db/metrics.js';
import type { NamespaceScope } from '../db/query.js';
import type { DurationSummary, Histogram } from '../domain/histogram.js';
import {
  BUCKET_MS,
  decompose,
  executionRowDelta,
  rollupSegments,
  ExecutionTotals,
  mergeSegments,
  rate,
  resolveWindow,
  stepRowDelta,
  StepTotals,
  timeBuckets,
  type BucketSize,
  type ExecutionCounts,
  type Segment,
  type StepCounts,
  type Window,
} from '../domain/metrics.js';
import { DomainError } from '../errors.js';
import type { StorageReport } from '../domain/retention.js';
import type { Clock } from './executions.js';

export interface MetricsQuery extends MetricsFilter {
  from?: Date | null;
  to?: Date | null;
  /** true: raw rows (percentile_cont); false: rollups; null: raw rows for narrow windows only. */
  exact?: boolean | null;
}

export interface ExecutionMetrics {
  from: Date;
  to: Date;
  exact: boolean;
  /** The window starts before the oldest raw rows kept: answered from rollups, its edges rounded to what they hold. */
  pastRawRetention: boolean;
  rawKeptFrom: Date | null;
  total: number;
  completed: number;
  failed: number;
  cancelled: number;
  timedOut: number;
  running: number;
  queued: number;
  successRate: number | null;
  failureRate: number | null;
  timeoutRate: number | null;
  duration: DurationSummary;
  queueTime: DurationSummary;
  slaTracked: number;
  slaViolations: number;
  slaComplianceRate: number | null;
}

export interface StepMetrics {
  type: string;
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  retries: number;
  successRate: number | null;
  firstAttemptSuccessRate: number | null;
  duration: DurationSummary;
}

export interface MetricsBucket {
  start: Date;
  end: Date;
  total: number;
  completed: number;
  failed: number;
  timedOut: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  pastRawRetention: boolean;
}

export interface SystemMetrics {
  activeExecutions: number;
  queueDepth: number;
  oldestQueuedAgeMs: number | null;
  eventsLastMinute: number;
  liveSubscriptions: number;
  checkedAt: Date;
  storage: StorageReport;
}

/** All-time figures of one workflow, as /metrics exports them. */
export interface PrometheusWorkflow {
  namespace: string;
  workflow: string;
  created: number;
  finished: Record<'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT', number>;
  active: Record<'QUEUED' | 'RUNNING' | 'WAITING_APPROVAL', number>;
  duration: { count: number; sumMs: number; histogram: Histogram };
  queue: { count: number; sumMs: number; histogram: Histogram };
}

export type MetricsLimits = Config['metrics'];

export interface MetricsServiceOptions {
  db: Db;
  clock: Clock;
  limits: MetricsLimits;
  liveSubscriptions: () => number;
  /** How far back raw rows and minute rollups go (src/services/retention.ts), and the storage report. */
  retention: {
    horizon(): Promise<{ rawKeptFrom: Date | null; minuteRollupsFrom: Date }>;
    storage(): Promise<StorageReport>;
  };
}

/** What a window's ExecutionMetrics are made of, computed exactly or summed from rollups. */
interface ExecutionFigures {
  counts: ExecutionCounts;
  running: number;
  queued: number;
  duration: DurationSummary;
  queueTime: DurationSummary;
}

function executionMetricsOf(w: Window, plan: ReadPlan, { counts: c, running, queued, duration, queueTime }: ExecutionFigures): ExecutionMetrics {
  const finished = c.completed + c.failed + c.cancelled + c.timedOut;
  return {
    ...plan.covered(w),
    exact: plan.exact,
    pastRawRetention: plan.pastRawRetention,
    rawKeptFrom: plan.rawKeptFrom,
    total: c.total,
    completed: c.completed,
    failed: c.failed,
    cancelled: c.cancelled,
    timedOut: c.timedOut,
    running,
    queued,
    successRate: rate(c.completed, finished),
    failureRate: rate(c.failed, finished),
    timeoutRate: rate(c.timedOut, finished),
    duration,
    queueTime,
    slaTracked: c.slaTracked,
    slaViolations: c.slaViolations,
    slaComplianceRate: rate(c.slaTracked - c.slaViolations, c.slaTracked),
  };
}

function stepMetricsOf(type: string, c: StepCounts, duration: DurationSummary): StepMetrics {
  const outcomes = c.completed + c.failed;
  return {
    type,
    total: c.total,
    completed: c.completed,
    failed: c.failed,
    skipped: c.skipped,
    retries: c.retries,
    successRate: rate(c.completed, outcomes),
    firstAttemptSuccessRate: rate(c.firstAttemptCompleted, outcomes),
    duration,
  };
}

type BucketFigures = Pick<MetricsBucket, 'total' | 'completed' | 'failed' | 'timedOut' | 'p50Ms' | 'p95Ms' | 'p99Ms'>;
const bucketOf = (b: Window, f: BucketFigures, pastRawRetention = false): MetricsBucket => ({
  start: b.from,
  end: b.to,
  total: f.total,
  completed: f.completed,
  failed: f.failed,
  timedOut: f.timedOut,
  p50Ms: f.p50Ms,
  p95Ms: f.p95Ms,
  p99Ms: f.p99Ms,
  pastRawRetention,
});

const windowOf = (options: MetricsServiceOptions, q: MetricsQuery) =>
  resolveWindow(q.from, q.to, options.clock.now(), options.limits.maxWindowDays);
/** Windows up to `exactWindowMinutes` are computed from the raw rows unless the query says otherwise. */
const useExact = (options: MetricsServiceOptions, q: MetricsQuery, w: Window) =>
  q.exact ?? w.to.getTime() - w.from.getTime() <= options.limits.exactWindowMinutes * 60_000;
const segmentsOf = (w: Window) => decompose(w.from.getTime(), w.to.getTime());

/** How a window is read: from raw rows or rollups, and which segments answer it. */
interface ReadPlan {
  exact: boolean;
  pastRawRetention: boolean;
  rawKeptFrom: Date | null;
  segments(w: Window): Segment[];
  /** The part of `w` the segments cover. */
  covered(w: Window): Window;
}

/**
 * A window that starts before the oldest raw rows kept comes from the rollups (its sub-minute edges,
 * and its sub-hour ones past the minute rollups, left out); `exact: true` on it is an error.
 */
async function readPlan(options: MetricsServiceOptions, q: MetricsQuery, w: Window): Promise<ReadPlan> {
  const { rawKeptFrom, minuteRollupsFrom } = await options.retention.horizon();
  if (rawKeptFrom === null || w.from.getTime() >= rawKeptFrom.getTime()) {
    return { exact: useExact(options, q, w), pastRawRetention: false, rawKeptFrom, segments: segmentsOf, covered: (x) => x };
  }
  if (q.exact === true) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `Raw rows before ${rawKeptFrom.toISOString()} are past retention, so this window cannot be computed exactly; leave exact out (or false) to read the rollups`,
      { field: 'exact', reason: 'PAST_RAW_RETENTION', rawKeptFrom: rawKeptFrom.toISOString() },
    );
  }
  const finest = w.from.getTime() < minuteRollupsFrom.getTime() ? 'hour' : 'minute';
  const segments = (x: Window) => rollupSegments(x.from.getTime(), x.to.getTime(), finest);
  const covered = (x: Window) => {
    const parts = segments(x);
    if (parts.length === 0) return { from: x.from, to: x.from };
    return { from: new Date(parts[0]!.start), to: new Date(parts.at(-1)!.end) };
  };
  return { exact: false, pastRawRetention: true, rawKeptFrom, segments, covered };
}

/** Adds the rollup rows and raw edge rows of `segments` to the totals `pick(t)` chooses by creation time. */
async function accumulateExecutions(
  db: Db,
  segments: Segment[],
  filter: MetricsFilter,
  scope: NamespaceScope,
  pick: (t: number) => ExecutionTotals | undefined,
  withQueue = true,
) {
  await Promise.all(
    [...mergeSegments(segments)].map(async ([level, ranges]) => {
      if (level === 'raw') {
        for (const row of await reads.executionRows(db, ranges, filter, scope)) pick(row.t)?.addDelta(executionRowDelta(row));
      } else {
        for (const row of await reads.executionRollups(db, level, ranges, filter, scope, withQueue)) pick(row.t)?.addRollup(row);
      }
    }),
  );
}

/** The same for steps, per step type, in code-unit order of types. */
async function accumulateSteps(db: Db, segments: Segment[], filter: MetricsFilter, scope: NamespaceScope) {
  const byType = new Map<string, StepTotals>();
  const of = (type: string) => byType.get(type) ?? byType.set(type, new StepTotals(type)).get(type)!;
  await Promise.all(
    [...mergeSegments(segments)].map(async ([level, ranges]) => {
      if (level === 'raw') {
        for (const row of await reads.stepRows(db, ranges, filter, scope)) of(row.type).addDelta(stepRowDelta(row));
      } else {
        for (const row of await reads.stepRollups(db, level, ranges, filter, scope)) of(row.type).addRollup(row);
      }
    }),
  );
  return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : 1));
}

async function executionMetrics(options: MetricsServiceOptions, query: MetricsQuery, scope: NamespaceScope): Promise<ExecutionMetrics> {
  const w = windowOf(options, query);
  const now = options.clock.now();
  const plan = await readPlan(options, query, w);
  if (plan.exact) {
    return executionMetricsOf(w, plan, await reads.exactExecutions(options.db, w, now, query, scope));
  }
  const totals = new ExecutionTotals();
  const [live] = await Promise.all([
    reads.liveExecutions(options.db, w, now, query, scope),
    accumulateExecutions(options.db, plan.segments(w), query, scope, () => totals),
  ]);
  // Running executions past their SLA already violate it.
  totals.counts.slaTracked += live.slaViolators;
  totals.counts.slaViolations += live.slaViolators;
  return executionMetricsOf(w, plan, {
    counts: totals.counts,
    running: live.running,
    queued: live.queued,
    duration: totals.duration.summary(),
    queueTime: totals.queue.summary(),
  });
}

async function stepMetrics(options: MetricsServiceOptions, query: MetricsQuery, scope: NamespaceScope): Promise<StepMetrics[]> {
  const w = windowOf(options, query);
  const plan = await readPlan(options, query, w);
  if (plan.exact) {
    return (await reads.exactSteps(options.db, w, query, scope)).map((s) => stepMetricsOf(s.type, s.counts, s.duration));
  }
  return (await accumulateSteps(options.db, plan.segments(w), query, scope)).map((t) => stepMetricsOf(t.type, t.counts, t.duration.summary()));
}

async function timeseries(options: MetricsServiceOptions, query: MetricsQuery & { bucket: BucketSize }, scope: NamespaceScope): Promise<MetricsBucket[]> {
  const w = windowOf(options, query);
  const buckets = timeBuckets(w, query.bucket, options.limits.maxBuckets);
  const size = BUCKET_MS[query.bucket];
  const origin = Math.floor(w.from.getTime() / size) * size;
  const plan = await readPlan(options, query, w);
  if (plan.exact) {
    const byIndex = new Map((await reads.exactBuckets(options.db, w, origin, size, query, scope)).map((row) => [row.index, row]));
    const none = { total: 0, completed: 0, failed: 0, timedOut: 0, p50Ms: null, p95Ms: null, p99Ms: null };
    return buckets.map((b, i) => bucketOf(b, byIndex.get(i) ?? none));
  }
  const totals = buckets.map(() => new ExecutionTotals());
  const past = (b: Window) => plan.pastRawRetention && plan.rawKeptFrom !== null && b.from < plan.rawKeptFrom;
  const segments = buckets.flatMap((b) => (past(b) ? plan.segments(b) : segmentsOf(b)));
  await accumulateExecutions(options.db, segments, query, scope, (t) => totals[Math.floor((t - origin) / size)], false);
  return buckets.map((b, i) => {
    const { counts, duration } = totals[i]!;
    const [p50Ms = null, p95Ms = null, p99Ms = null] = duration.percentiles([0.5, 0.95, 0.99]);
    return bucketOf(b, { ...counts, p50Ms, p95Ms, p99Ms }, past(b));
  });
}

async function systemMetrics(options: MetricsServiceOptions, namespace: string | null, scope: NamespaceScope): Promise<SystemMetrics> {
  const now = options.clock.now();
  const [active, eventsLastMinute, storage] = await Promise.all([
    reads.activeExecutions(options.db, namespace, scope),
    reads.eventCount(options.db, new Date(now.getTime() - 60_000), now, namespace, scope),
    options.retention.storage(),
  ]);
  return {
    activeExecutions: active.active,
    queueDepth: active.queued,
    oldestQueuedAgeMs: active.oldestQueuedAt === null ? null : Math.max(0, now.getTime() - active.oldestQueuedAt),
    eventsLastMinute,
    liveSubscriptions: options.liveSubscriptions(),
    checkedAt: now,
    storage,
  };
}

/** All-time figures per namespace and workflow for /metrics, from the day rollups and live rows. */
async function prometheusSnapshot(options: MetricsServiceOptions, scope: NamespaceScope) {
  const [days, active] = await Promise.all([reads.dayRollups(options.db, scope), reads.activeByWorkflow(options.db, scope)]);
  const byWorkflow = new Map<string, { namespace: string; workflow: string; totals: ExecutionTotals; active: PrometheusWorkflow['active'] }>();
  const of = (namespace: string, workflow: string) => {
    const key = `${namespace}\n${workflow}`;
    let w = byWorkflow.get(key);
    if (!w) byWorkflow.set(key, (w = { namespace, workflow, totals: new ExecutionTotals(), active: { QUEUED: 0, RUNNING: 0, WAITING_APPROVAL: 0 } }));
    return w;
  };
  for (const row of days) of(row.namespace, row.workflow).totals.addRollup(row);
  for (const row of active) of(row.namespace, row.workflow).active[row.status] = row.count;
  const workflows = [...byWorkflow.values()].map(({ namespace, workflow, totals: { counts, duration, queue }, active }): PrometheusWorkflow => ({
    namespace,
    workflow,
    created: counts.total,
    finished: { COMPLETED: counts.completed, FAILED: counts.failed, CANCELLED: counts.cancelled, TIMED_OUT: counts.timedOut },
    active,
    duration: { count: duration.count, sumMs: duration.sumMs, histogram: duration.histogram() },
    queue: { count: queue.count, sumMs: queue.sumMs, histogram: queue.histogram() },
  }));
  return { workflows, activeSteps: await reads.activeStepsByWorkflow(options.db, scope), liveSubscriptions: options.liveSubscriptions() };
}

/**
 * Metrics reads. Wide windows come from the minute/hour/day rollups (plus raw rows for the
 * sub-minute edges); narrow windows and `exact: true` from the raw rows with percentile_cont.
 * Still-running and queued executions are always read live. Every read is limited to `scope`.
 */
export function createMetricsService(options: MetricsServiceOptions) {
  return {
    executionMetrics: (query: MetricsQuery, scope: NamespaceScope) => executionMetrics(options, query, scope),
    stepMetrics: (query: MetricsQuery, scope: NamespaceScope) => stepMetrics(options, query, scope),
    timeseries: (query: MetricsQuery & { bucket: BucketSize }, scope: NamespaceScope) => timeseries(options, query, scope),
    systemMetrics: (namespace: string | null, scope: NamespaceScope) => systemMetrics(options, namespace, scope),
    prometheusSnapshot: (scope: NamespaceScope) => prometheusSnapshot(options, scope),
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
