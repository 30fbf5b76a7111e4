import type { Context } from '../context.js';
import type { MetricsFilter } from '../db/metrics.js';
import type { DurationSummary } from '../domain/histogram.js';
import { HOUR_MS, DAY_MS, BUCKET_MS } from '../domain/metrics.js';
import type { ExecutionMetrics, MetricsBucket, StepMetrics, SystemMetrics } from '../services/metrics.js';
import { builder } from './builder.js';
import { StorageRef } from './retention.js';

type MetricsParent = ExecutionMetrics & { filter: MetricsFilter; exactArg: boolean | null };
interface SummaryParent {
  namespace: string | null;
}

const DurationStatsRef = builder.objectRef<DurationSummary>('DurationStats');
const MetricsRef = builder.objectRef<MetricsParent>('Metrics');
const StepMetricsRef = builder.objectRef<StepMetrics>('StepMetrics');
const SystemMetricsRef = builder.objectRef<SystemMetrics>('SystemMetrics');
const MetricsBucketRef = builder.objectRef<MetricsBucket>('MetricsBucket');
const MetricsSummaryRef = builder.objectRef<SummaryParent>('MetricsSummary');
const BucketSizeEnum = builder.enumType('BucketSize', {
  values: Object.keys(BUCKET_MS) as (keyof typeof BUCKET_MS)[],
});

DurationStatsRef.implement({
  description: 'Durations in milliseconds. From rollups, percentiles are within 2.44 % of exact (see README).',
  fields: (t) => ({
    count: t.exposeInt('count'),
    avgMs: t.exposeFloat('avgMs', { nullable: true }),
    minMs: t.exposeFloat('minMs', { nullable: true }),
    maxMs: t.exposeFloat('maxMs', { nullable: true }),
    p50Ms: t.exposeFloat('p50Ms', { nullable: true }),
    p95Ms: t.exposeFloat('p95Ms', { nullable: true }),
    p99Ms: t.exposeFloat('p99Ms', { nullable: true }),
  }),
});

StepMetricsRef.implement({
  description:
    'Per step type. A retried step counts once, by its final status, with its retries counted; ' +
    'failed includes TIMED_OUT, skipped includes CANCELLED. Rates are over completed + failed steps.',
  fields: (t) => ({
    type: t.exposeString('type'),
    total: t.exposeInt('total'),
    completed: t.exposeInt('completed'),
    failed: t.exposeInt('failed'),
    skipped: t.exposeInt('skipped'),
    retries: t.exposeInt('retries'),
    successRate: t.exposeFloat('successRate', { nullable: true, description: 'Percent 0..100; null if none completed or failed.' }),
    firstAttemptSuccessRate: t.exposeFloat('firstAttemptSuccessRate', {
      nullable: true,
      description: 'Percent 0..100 completed on their first attempt.',
    }),
    duration: t.field({ type: DurationStatsRef, description: 'Completed and failed steps, last attempt.', resolve: (s) => s.duration }),
  }),
});

MetricsRef.implement({
  description:
    'Executions created in [from, to). Rates are percent 0..100 of finished ones (null if none finished); ' +
    'running and queued are their current state.',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    exact: t.exposeBoolean('exact', { description: 'true: computed from the raw rows; false: from the rollups.' }),
    pastRawRetention: t.exposeBoolean('pastRawRetention', {
      description:
        'true: the window starts before the oldest raw rows kept (rawKeptFrom), so it came from the rollups, and from/to were ' +
        'rounded inwards to whole minutes (whole hours where minute rollups are gone too); `exact: true` on such a window is BAD_USER_INPUT (reason PAST_RAW_RETENTION).',
    }),
    rawKeptFrom: t.expose('rawKeptFrom', { type: 'DateTime', nullable: true, description: 'Raw rows created before this were dropped by retention; null when none were.' }),
    total: t.exposeInt('total'),
    completed: t.exposeInt('completed'),
    failed: t.exposeInt('failed'),
    cancelled: t.exposeInt('cancelled'),
    timedOut: t.exposeInt('timedOut'),
    running: t.exposeInt('running', { description: 'RUNNING or WAITING_APPROVAL now.' }),
    queued: t.exposeInt('queued'),
    successRate: t.exposeFloat('successRate', { nullable: true }),
    failureRate: t.exposeFloat('failureRate', { nullable: true }),
    timeoutRate: t.exposeFloat('timeoutRate', { nullable: true }),
    duration: t.field({ type: DurationStatsRef, description: 'Finished executions, started -> finished.', resolve: (m) => m.duration }),
    queueTime: t.field({
      type: DurationStatsRef,
      description: 'Finished executions that were queued: queued -> started (-> finished if never started).',
      resolve: (m) => m.queueTime,
    }),
    slaTracked: t.exposeInt('slaTracked', {
      description:
        'Executions with slaMs that started and whose outcome is known: finished, or still running past it. One that never ' +
        'started (cancelled from the queue, say) is not tracked.',
    }),
    slaViolations: t.exposeInt('slaViolations', { description: 'Tracked executions whose duration (started -> finished, or -> now) exceeds slaMs.' }),
    slaComplianceRate: t.exposeFloat('slaComplianceRate', {
      nullable: true,
      description: 'Percent 0..100 of slaTracked within their SLA: (slaTracked - slaViolations) / slaTracked; null when none is tracked.',
    }),
    steps: t.field({
      type: [StepMetricsRef],
      description: 'One per step type.',
      resolve: (m, _args, ctx) =>
        ctx.services.metrics.stepMetrics({ ...m.filter, from: m.from, to: m.to, exact: m.exactArg ?? m.exact }, ctx.scope),
    }),
  }),
});

SystemMetricsRef.implement({
  fields: (t) => ({
    activeExecutions: t.exposeInt('activeExecutions', { description: 'QUEUED, RUNNING or WAITING_APPROVAL.' }),
    queueDepth: t.exposeInt('queueDepth'),
    oldestQueuedAgeMs: t.exposeFloat('oldestQueuedAgeMs', { nullable: true }),
    eventsLastMinute: t.exposeInt('eventsLastMinute'),
    liveSubscriptions: t.exposeInt('liveSubscriptions', { description: 'Live feeds served by this instance.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
    storage: t.field({ type: StorageRef, description: 'Table sizes and the oldest data kept, system-wide.', resolve: (s) => s.storage }),
  }),
});

MetricsBucketRef.implement({
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime' }),
    end: t.expose('end', { type: 'DateTime' }),
    total: t.exposeInt('total'),
    completed: t.exposeInt('completed'),
    failed: t.exposeInt('failed'),
    timedOut: t.exposeInt('timedOut'),
    p50Ms: t.exposeFloat('p50Ms', { nullable: true, description: 'Median duration of the executions created in the bucket that finished.' }),
    p95Ms: t.exposeFloat('p95Ms', { nullable: true }),
    p99Ms: t.exposeFloat('p99Ms', { nullable: true }),
    pastRawRetention: t.exposeBoolean('pastRawRetention', {
      description: 'true: the bucket starts before the oldest raw rows kept and came from the rollups (its sub-minute, or sub-hour, edges left out).',
    }),
  }),
});

async function metricsOf(ctx: Context, args: { from?: Date | null; to?: Date | null; exact?: boolean | null } & MetricsFilter) {
  const filter = { namespace: args.namespace ?? null, workflow: args.workflow ?? null };
  const result = await ctx.services.metrics.executionMetrics({ ...filter, from: args.from, to: args.to, exact: args.exact }, ctx.scope);
  return { ...result, filter, exactArg: args.exact ?? null };
}

function lastPeriod(ctx: Context, namespace: string | null, ms: number) {
  const to = ctx.services.clock.now();
  return metricsOf(ctx, { namespace, from: new Date(to.getTime() - ms), to });
}

MetricsSummaryRef.implement({
  fields: (t) => ({
    lastHour: t.field({ type: MetricsRef, resolve: (s, _a, ctx) => lastPeriod(ctx, s.namespace, HOUR_MS) }),
    lastDay: t.field({ type: MetricsRef, resolve: (s, _a, ctx) => lastPeriod(ctx, s.namespace, DAY_MS) }),
    system: t.field({ type: SystemMetricsRef, resolve: (s, _a, ctx) => ctx.services.metrics.systemMetrics(s.namespace, ctx.scope) }),
  }),
});

const exactArgDescription =
  'true: percentile_cont over the raw rows; false: the rollups; unset: raw rows only for narrow windows.';

/** The window and filters of `metrics` and `stepMetrics`. */
const windowArgs = builder.args((t) => ({
  from: t.field({ type: 'DateTime' }),
  to: t.field({ type: 'DateTime' }),
  namespace: t.string(),
  workflow: t.string(),
  exact: t.boolean({ description: exactArgDescription }),
}));

builder.queryFields((t) => ({
  metrics: t.field({
    type: MetricsRef,
    description: 'Execution metrics for executions created in [from, to); default: the last 24 hours.',
    args: windowArgs,
    resolve: (_root, args, ctx) => metricsOf(ctx, args),
  }),
  stepMetrics: t.field({
    type: [StepMetricsRef],
    description: 'Step metrics per step type for executions created in [from, to); default: the last 24 hours.',
    args: windowArgs,
    resolve: (_root, args, ctx) => ctx.services.metrics.stepMetrics(args, ctx.scope),
  }),
  systemMetrics: t.field({
    type: SystemMetricsRef,
    args: { namespace: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.metrics.systemMetrics(args.namespace ?? null, ctx.scope),
  }),
  metricsSummary: t.field({
    type: MetricsSummaryRef,
    args: { namespace: t.arg.string() },
    resolve: (_root, args) => ({ namespace: args.namespace ?? null }),
  }),
  metricsTimeseries: t.field({
    type: [MetricsBucketRef],
    description: 'UTC-aligned buckets over [from, to); the first and last are clipped to the window.',
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      bucket: t.arg({ type: BucketSizeEnum, required: true }),
      namespace: t.arg.string(),
      workflow: t.arg.string(),
      exact: t.arg.boolean({ description: exactArgDescription }),
    },
    resolve: (_root, args, ctx) => ctx.services.metrics.timeseries(args, ctx.scope),
  }),
}));
