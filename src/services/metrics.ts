import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import type { NamespaceScope } from '../db/repository.js';
import {
  addHistogramText,
  addHistogramTextDense,
  bucketOf,
  denseHistogram,
  percentilesFromDense,
  type DenseHistogram,
  type Histogram,
} from '../domain/histogram.js';
import type { ExecutionStatus, StepStatus } from '../domain/lifecycle.js';
import {
  BUCKET_MS,
  decompose,
  finishedExecutionDelta,
  finishedStepDelta,
  mergeSegments,
  rate,
  resolveWindow,
  timeBuckets,
  type BucketSize,
  type Level,
  type Segment,
  type Window,
} from '../domain/metrics.js';
import type { Clock } from './executions.js';
import { NAMESPACE_HOURS, ROLLUP_LEVELS } from '../db/rollups.js';

export interface MetricsFilter {
  namespace?: string | null;
  workflow?: string | null;
}

export interface MetricsQuery extends MetricsFilter {
  from?: Date | null;
  to?: Date | null;
  /** true: raw rows (percentile_cont); false: rollups; null: raw rows for narrow windows only. */
  exact?: boolean | null;
}

export interface DurationStats {
  count: number;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ExecutionMetrics {
  from: Date;
  to: Date;
  exact: boolean;
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
  duration: DurationStats;
  queueTime: DurationStats;
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
  duration: DurationStats;
}

export interface MetricsBucket {
  start: Date;
  end: Date;
  total: number;
  completed: number;
  failed: number;
  timedOut: number;
  p95Ms: number | null;
}

export interface SystemMetrics {
  activeExecutions: number;
  queueDepth: number;
  oldestQueuedAgeMs: number | null;
  eventsLastMinute: number;
  liveSubscriptions: number;
  checkedAt: Date;
}

export interface MetricsLimits {
  maxWindowDays: number;
  maxBuckets: number;
  /** Windows up to this long are answered from the raw rows unless `exact: false`. */
  exactWindowMinutes: number;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const int = (v: unknown) => Number(v ?? 0);
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

/** Namespace scope and the optional namespace/workflow filter, on a table with those columns. */
function filterSql(filter: MetricsFilter, scope: NamespaceScope, alias: string): SQL {
  const parts: SQL[] = [sql`true`];
  const ns = sql.raw(`${alias}.namespace`);
  if (scope !== null) parts.push(scope.length === 0 ? sql`false` : sql`${ns} in ${[...scope]}`);
  if (filter.namespace) parts.push(sql`${ns} = ${filter.namespace}`);
  if (filter.workflow) parts.push(sql`${sql.raw(`${alias}.workflow`)} = ${filter.workflow}`);
  return sql.join(parts, sql` and `);
}

function rangesSql(column: string, ranges: { start: number; end: number }[]): SQL {
  const col = sql.raw(column);
  return sql`(${sql.join(
    ranges.map((r) => sql`(${col} >= ${iso(r.start)}::timestamptz and ${col} < ${iso(r.end)}::timestamptz)`),
    sql` or `,
  )})`;
}

/** count/sum/min/max plus a histogram, merged from rollup rows and raw values. */
class StatsAccumulator {
  count = 0;
  sum = 0;
  min: number | null = null;
  max: number | null = null;
  /** Allocated on first use: a timeseries keeps two per bucket and fills only the duration one. */
  private dense: DenseHistogram | null = null;

  addRollup(count: number, sum: number, min: number | null, max: number | null, histogram: string | null) {
    if (!count) return;
    this.count += count;
    this.sum += sum;
    if (min !== null) this.min = this.min === null ? min : Math.min(this.min, min);
    if (max !== null) this.max = this.max === null ? max : Math.max(this.max, max);
    if (histogram) addHistogramTextDense((this.dense ??= denseHistogram()), histogram);
  }

  addValues(values: number[]) {
    for (const v of values) {
      this.addRollup(1, v, v, v, null);
      (this.dense ??= denseHistogram())[bucketOf(v)]! += 1;
    }
  }

  percentiles(qs: number[]) {
    return this.dense ? percentilesFromDense(this.dense, qs, this.min, this.max) : qs.map(() => null);
  }

  stats(): DurationStats {
    const [p50, p95, p99] = this.percentiles([0.5, 0.95, 0.99]);
    return {
      count: this.count,
      avgMs: this.count ? this.sum / this.count : null,
      minMs: this.min,
      maxMs: this.max,
      p50Ms: p50 ?? null,
      p95Ms: p95 ?? null,
      p99Ms: p99 ?? null,
    };
  }
}

class ExecutionAccumulator {
  total = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  timedOut = 0;
  slaTracked = 0;
  slaViolations = 0;
  duration = new StatsAccumulator();
  queue = new StatsAccumulator();
}

class StepAccumulator {
  total = 0;
  completed = 0;
  failed = 0;
  skipped = 0;
  retries = 0;
  firstAttemptCompleted = 0;
  duration = new StatsAccumulator();
  constructor(readonly type: string) {}

  result(): StepMetrics {
    const outcomes = this.completed + this.failed;
    return {
      type: this.type,
      total: this.total,
      completed: this.completed,
      failed: this.failed,
      skipped: this.skipped,
      retries: this.retries,
      successRate: rate(this.completed, outcomes),
      firstAttemptSuccessRate: rate(this.firstAttemptCompleted, outcomes),
      duration: this.duration.stats(),
    };
  }
}

const statsFromExactRow = (row: Row, prefix: string): DurationStats => ({
  count: int(row[`${prefix}_count`]),
  avgMs: num(row[`${prefix}_avg`]),
  minMs: num(row[`${prefix}_min`]),
  maxMs: num(row[`${prefix}_max`]),
  p50Ms: num(row[`${prefix}_p50`]),
  p95Ms: num(row[`${prefix}_p95`]),
  p99Ms: num(row[`${prefix}_p99`]),
});

const exactStats = (prefix: string, expr: string) =>
  sql.raw(`count(${expr})::int as ${prefix}_count, avg(${expr})::float8 as ${prefix}_avg,
    min(${expr})::float8 as ${prefix}_min, max(${expr})::float8 as ${prefix}_max,
    percentile_cont(0.5) within group (order by ${expr}) as ${prefix}_p50,
    percentile_cont(0.95) within group (order by ${expr}) as ${prefix}_p95,
    percentile_cont(0.99) within group (order by ${expr}) as ${prefix}_p99`);

// The same rules as finishedExecutionDelta / finishedStepDelta, over raw rows.
const DURATION = `case when finished_at is not null and started_at is not null
  then (extract(epoch from finished_at - started_at) * 1000)::float8 end`;
const QUEUE_TIME = `case when finished_at is not null and queued_at is not null
  then (extract(epoch from coalesce(started_at, finished_at) - queued_at) * 1000)::float8 end`;
const STEP_DURATION = `case when s.status in ('COMPLETED', 'FAILED', 'TIMED_OUT') and s.started_at is not null and s.finished_at is not null
  then (extract(epoch from s.finished_at - s.started_at) * 1000)::float8 end`;

const executionResult = (window: Window, exact: boolean, a: ExecutionAccumulator, live: { running: number; queued: number }): ExecutionMetrics => {
  const finished = a.completed + a.failed + a.cancelled + a.timedOut;
  return {
    from: window.from,
    to: window.to,
    exact,
    total: a.total,
    completed: a.completed,
    failed: a.failed,
    cancelled: a.cancelled,
    timedOut: a.timedOut,
    running: live.running,
    queued: live.queued,
    successRate: rate(a.completed, finished),
    failureRate: rate(a.failed, finished),
    timeoutRate: rate(a.timedOut, finished),
    duration: a.duration.stats(),
    queueTime: a.queue.stats(),
    slaTracked: a.slaTracked,
    slaViolations: a.slaViolations,
    slaComplianceRate: rate(a.slaTracked - a.slaViolations, a.slaTracked),
  };
};

/**
 * Metrics reads. Wide windows come from the minute/hour/day rollups (plus raw rows for the
 * sub-minute edges); narrow windows and `exact: true` from the raw rows with percentile_cont.
 * Still-running and queued executions are always read live. Every read is limited to `scope`.
 */
export function createMetricsService(deps: { db: Db; clock: Clock; limits: MetricsLimits; liveSubscriptions: () => number }) {
  const { db, clock, limits } = deps;
  const run = (query: SQL) => queryRows<Row>(db, query);

  const window = (q: MetricsQuery) => resolveWindow(q.from, q.to, clock.now(), limits.maxWindowDays);
  const useExact = (q: MetricsQuery, w: Window) =>
    q.exact ?? w.to.getTime() - w.from.getTime() <= limits.exactWindowMinutes * 60_000;

  /** Rows of one rollup level for the given ranges, each with its start `t` in epoch ms. */
  function rollupRows(
    kind: 'executions' | 'steps',
    level: Exclude<Level, 'raw'>,
    ranges: { start: number; end: number }[],
    filter: MetricsFilter,
    scope: NamespaceScope,
    withQueue = true,
  ) {
    const meta = ROLLUP_LEVELS.find((l) => l.level === level)!;
    const perNamespace = kind === 'executions' && level === 'hour' && !filter.workflow;
    const table = sql.raw(`${perNamespace ? NAMESPACE_HOURS : meta[kind]} r`);
    // Summed across namespaces and workflows in SQL; the histograms travel as one ';'-joined text
    // per group and are merged in JS (far cheaper than unnesting them in SQL).
    const sums = (columns: string[]) => sql.raw(columns.map((c) => `sum(${c})::float8 as ${c}`).join(', '));
    const stats = (prefix: string) =>
      sql.raw(`sum(${prefix}_count)::int as ${prefix}_count, sum(${prefix}_sum_ms)::float8 as ${prefix}_sum_ms,
        min(${prefix}_min_ms) as ${prefix}_min_ms, max(${prefix}_max_ms) as ${prefix}_max_ms,
        string_agg(${prefix}_histogram::text, ';') filter (where ${prefix}_count > 0) as ${prefix}_histogram`);
    const columns =
      kind === 'executions'
        ? sql`${sums(['total', 'completed', 'failed', 'cancelled', 'timed_out', 'sla_tracked', 'sla_violations'])}, ${stats('duration')}
            ${withQueue ? sql`, ${stats('queue')}` : sql``}`
        : sql`type, ${sums(['total', 'completed', 'failed', 'skipped', 'retries', 'first_attempt_completed'])}, ${stats('duration')}`;
    return run(sql`select ${ms(`r.${meta.column}`)} as t, ${columns} from ${table}
      where ${rangesSql(`r.${meta.column}`, ranges)} and ${filterSql(filter, scope, 'r')}
      group by ${sql.raw(kind === 'executions' ? '1' : '1, 2')}`);
  }

  /** Feeds rollup rows and raw edge rows of `segments` into accumulators chosen by `pick(t)`. */
  async function accumulateExecutions(
    segments: Segment[],
    filter: MetricsFilter,
    scope: NamespaceScope,
    pick: (t: number) => ExecutionAccumulator | undefined,
    withQueue = true,
  ) {
    const byLevel = mergeSegments(segments);
    await Promise.all(
      [...byLevel].map(async ([level, ranges]) => {
        if (level === 'raw') {
          const rows = await run(sql`select ${ms('e.created_at')} as t, e.status, ${ms('e.queued_at')} as queued_at,
              ${ms('e.started_at')} as started_at, ${ms('e.finished_at')} as finished_at, e.sla_ms
            from executions e where ${rangesSql('e.created_at', ranges)} and ${filterSql(filter, scope, 'e')}`);
          for (const row of rows) {
            const a = pick(int(row.t));
            if (!a) continue;
            a.total++;
            if (row.finished_at === null) continue;
            const date = (v: unknown) => (v === null ? null : new Date(Number(v)));
            const d = finishedExecutionDelta({
              namespace: '',
              workflow: '',
              status: row.status as ExecutionStatus,
              createdAt: new Date(int(row.t)),
              queuedAt: date(row.queued_at),
              startedAt: date(row.started_at),
              finishedAt: date(row.finished_at),
              slaMs: num(row.sla_ms),
            });
            a.completed += d.completed;
            a.failed += d.failed;
            a.cancelled += d.cancelled;
            a.timedOut += d.timedOut;
            a.slaTracked += d.slaTracked;
            a.slaViolations += d.slaViolations;
            a.duration.addValues(d.durations);
            a.queue.addValues(d.queueTimes);
          }
          return;
        }
        for (const row of await rollupRows('executions', level, ranges, filter, scope, withQueue)) {
          const a = pick(int(row.t));
          if (!a) continue;
          a.total += int(row.total);
          a.completed += int(row.completed);
          a.failed += int(row.failed);
          a.cancelled += int(row.cancelled);
          a.timedOut += int(row.timed_out);
          a.slaTracked += int(row.sla_tracked);
          a.slaViolations += int(row.sla_violations);
          a.duration.addRollup(int(row.duration_count), Number(row.duration_sum_ms), num(row.duration_min_ms), num(row.duration_max_ms), row.duration_histogram as string);
          if (withQueue) a.queue.addRollup(int(row.queue_count), Number(row.queue_sum_ms), num(row.queue_min_ms), num(row.queue_max_ms), row.queue_histogram as string);
        }
      }),
    );
  }

  /** Live figures of the window: queued and running executions, and running ones past their SLA. */
  async function liveFigures(w: Window, filter: MetricsFilter, scope: NamespaceScope) {
    const now = iso(clock.now().getTime());
    const [row] = await run(sql`select
        count(*) filter (where e.status in ('RUNNING', 'WAITING_APPROVAL'))::int as running,
        count(*) filter (where e.status = 'QUEUED')::int as queued,
        count(*) filter (where e.status in ('RUNNING', 'WAITING_APPROVAL') and e.sla_ms is not null and e.started_at is not null
          and extract(epoch from ${now}::timestamptz - e.started_at) * 1000 > e.sla_ms)::int as sla_violators
      from executions e
      where e.status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL')
        and e.created_at >= ${iso(w.from.getTime())}::timestamptz and e.created_at < ${iso(w.to.getTime())}::timestamptz
        and ${filterSql(filter, scope, 'e')}`);
    return { running: int(row?.running), queued: int(row?.queued), slaViolators: int(row?.sla_violators) };
  }

  async function exactExecutionMetrics(w: Window, filter: MetricsFilter, scope: NamespaceScope): Promise<ExecutionMetrics> {
    const now = iso(clock.now().getTime());
    const [row = {}] = await run(sql`select count(*)::int as total,
        count(*) filter (where status = 'COMPLETED')::int as completed,
        count(*) filter (where status = 'FAILED')::int as failed,
        count(*) filter (where status = 'CANCELLED')::int as cancelled,
        count(*) filter (where status = 'TIMED_OUT')::int as timed_out,
        count(*) filter (where status in ('RUNNING', 'WAITING_APPROVAL'))::int as running,
        count(*) filter (where status = 'QUEUED')::int as queued,
        count(*) filter (where sla_ms is not null and (finished_at is not null or (started_at is not null
          and extract(epoch from ${now}::timestamptz - started_at) * 1000 > sla_ms)))::int as sla_tracked,
        count(*) filter (where sla_ms is not null and started_at is not null
          and extract(epoch from coalesce(finished_at, ${now}::timestamptz) - started_at) * 1000 > sla_ms)::int as sla_violations,
        ${exactStats('d', 'd')}, ${exactStats('q', 'q')}
      from (select e.*, ${sql.raw(DURATION)} as d, ${sql.raw(QUEUE_TIME)} as q from executions e
        where e.created_at >= ${iso(w.from.getTime())}::timestamptz and e.created_at < ${iso(w.to.getTime())}::timestamptz
          and ${filterSql(filter, scope, 'e')}) x`);
    const finished = int(row.completed) + int(row.failed) + int(row.cancelled) + int(row.timed_out);
    const tracked = int(row.sla_tracked);
    return {
      from: w.from,
      to: w.to,
      exact: true,
      total: int(row.total),
      completed: int(row.completed),
      failed: int(row.failed),
      cancelled: int(row.cancelled),
      timedOut: int(row.timed_out),
      running: int(row.running),
      queued: int(row.queued),
      successRate: rate(int(row.completed), finished),
      failureRate: rate(int(row.failed), finished),
      timeoutRate: rate(int(row.timed_out), finished),
      duration: statsFromExactRow(row, 'd'),
      queueTime: statsFromExactRow(row, 'q'),
      slaTracked: tracked,
      slaViolations: int(row.sla_violations),
      slaComplianceRate: rate(tracked - int(row.sla_violations), tracked),
    };
  }

  async function executionMetrics(query: MetricsQuery, scope: NamespaceScope): Promise<ExecutionMetrics> {
    const w = window(query);
    if (useExact(query, w)) return exactExecutionMetrics(w, query, scope);
    const acc = new ExecutionAccumulator();
    const [live] = await Promise.all([
      liveFigures(w, query, scope),
      accumulateExecutions(decompose(w.from.getTime(), w.to.getTime()), query, scope, () => acc),
    ]);
    acc.slaTracked += live.slaViolators;
    acc.slaViolations += live.slaViolators;
    return executionResult(w, false, acc, live);
  }

  async function exactStepMetrics(w: Window, filter: MetricsFilter, scope: NamespaceScope): Promise<StepMetrics[]> {
    const rows = await run(sql`select type, count(*)::int as total,
        count(*) filter (where status = 'COMPLETED')::int as completed,
        count(*) filter (where status in ('FAILED', 'TIMED_OUT'))::int as failed,
        count(*) filter (where status in ('SKIPPED', 'CANCELLED'))::int as skipped,
        coalesce(sum(attempt - 1), 0)::int as retries,
        count(*) filter (where status = 'COMPLETED' and attempt = 1)::int as first_attempt_completed,
        ${exactStats('d', 'd')}
      from (select s.type, s.status, s.attempt, ${sql.raw(STEP_DURATION)} as d
        from steps s join executions e on e.id = s.execution_id
        where e.created_at >= ${iso(w.from.getTime())}::timestamptz and e.created_at < ${iso(w.to.getTime())}::timestamptz
          and ${filterSql(filter, scope, 'e')}) x
      group by type order by type`);
    return rows.map((row) => {
      const outcomes = int(row.completed) + int(row.failed);
      return {
        type: String(row.type),
        total: int(row.total),
        completed: int(row.completed),
        failed: int(row.failed),
        skipped: int(row.skipped),
        retries: int(row.retries),
        successRate: rate(int(row.completed), outcomes),
        firstAttemptSuccessRate: rate(int(row.first_attempt_completed), outcomes),
        duration: statsFromExactRow(row, 'd'),
      };
    });
  }

  async function stepMetrics(query: MetricsQuery, scope: NamespaceScope): Promise<StepMetrics[]> {
    const w = window(query);
    if (useExact(query, w)) return exactStepMetrics(w, query, scope);
    const byType = new Map<string, StepAccumulator>();
    const of = (type: string) => byType.get(type) ?? byType.set(type, new StepAccumulator(type)).get(type)!;
    await Promise.all(
      [...mergeSegments(decompose(w.from.getTime(), w.to.getTime()))].map(async ([level, ranges]) => {
        if (level === 'raw') {
          const rows = await run(sql`select s.type, s.status, s.attempt, ${ms('s.started_at')} as started_at, ${ms('s.finished_at')} as finished_at
            from steps s join executions e on e.id = s.execution_id
            where ${rangesSql('e.created_at', ranges)} and ${filterSql(query, scope, 'e')}`);
          for (const row of rows) {
            const a = of(String(row.type));
            const status = row.status as StepStatus;
            a.total++;
            a.retries += int(row.attempt) - 1;
            if (!['COMPLETED', 'FAILED', 'TIMED_OUT', 'SKIPPED', 'CANCELLED'].includes(status)) continue;
            const d = finishedStepDelta({
              id: '',
              type: a.type,
              status,
              attempt: int(row.attempt),
              startedAt: row.started_at === null ? null : new Date(Number(row.started_at)),
              finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)),
            });
            a.completed += d.completed;
            a.failed += d.failed;
            a.skipped += d.skipped;
            a.firstAttemptCompleted += d.firstAttemptCompleted;
            a.duration.addValues(d.durations);
          }
          return;
        }
        for (const row of await rollupRows('steps', level, ranges, query, scope)) {
          const a = of(String(row.type));
          a.total += int(row.total);
          a.completed += int(row.completed);
          a.failed += int(row.failed);
          a.skipped += int(row.skipped);
          a.retries += int(row.retries);
          a.firstAttemptCompleted += int(row.first_attempt_completed);
          a.duration.addRollup(int(row.duration_count), Number(row.duration_sum_ms), num(row.duration_min_ms), num(row.duration_max_ms), row.duration_histogram as string);
        }
      }),
    );
    return [...byType.values()].sort((a, b) => (a.type < b.type ? -1 : 1)).map((a) => a.result());
  }

  async function timeseries(query: MetricsQuery & { bucket: BucketSize }, scope: NamespaceScope): Promise<MetricsBucket[]> {
    const w = window(query);
    const buckets = timeBuckets(w, query.bucket, limits.maxBuckets);
    const size = BUCKET_MS[query.bucket];
    const origin = Math.floor(w.from.getTime() / size) * size;
    const indexOf = (t: number) => Math.floor((t - origin) / size);
    if (useExact(query, w)) {
      const rows = await run(sql`select floor((${ms('e.created_at')} - ${origin}::float8) / ${size}::float8)::int as b,
          count(*)::int as total,
          count(*) filter (where status = 'COMPLETED')::int as completed,
          count(*) filter (where status = 'FAILED')::int as failed,
          count(*) filter (where status = 'TIMED_OUT')::int as timed_out,
          percentile_cont(0.95) within group (order by ${sql.raw(DURATION)}) as p95
        from executions e
        where e.created_at >= ${iso(w.from.getTime())}::timestamptz and e.created_at < ${iso(w.to.getTime())}::timestamptz
          and ${filterSql(query, scope, 'e')}
        group by 1`);
      const byIndex = new Map(rows.map((row) => [int(row.b), row]));
      return buckets.map((b, i) => {
        const row = byIndex.get(i);
        return {
          start: b.from,
          end: b.to,
          total: int(row?.total),
          completed: int(row?.completed),
          failed: int(row?.failed),
          timedOut: int(row?.timed_out),
          p95Ms: num(row?.p95),
        };
      });
    }
    const accs = buckets.map(() => new ExecutionAccumulator());
    const segments = buckets.flatMap((b) => decompose(b.from.getTime(), b.to.getTime()));
    await accumulateExecutions(segments, query, scope, (t) => accs[indexOf(t)], false);
    return buckets.map((b, i) => {
      const a = accs[i]!;
      const [p95] = a.duration.percentiles([0.95]);
      return { start: b.from, end: b.to, total: a.total, completed: a.completed, failed: a.failed, timedOut: a.timedOut, p95Ms: p95 ?? null };
    });
  }

  async function systemMetrics(namespace: string | null, scope: NamespaceScope): Promise<SystemMetrics> {
    const now = clock.now();
    const filter = { namespace };
    const [[active], [events]] = await Promise.all([
      run(sql`select count(*)::int as active, count(*) filter (where e.status = 'QUEUED')::int as queued,
          ${ms('min(e.queued_at) filter (where e.status = \'QUEUED\')')} as oldest_queued
        from executions e where e.status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and ${filterSql(filter, scope, 'e')}`),
      run(sql`select count(*)::int as events from events v
        where v.timestamp > ${iso(now.getTime() - 60_000)}::timestamptz and v.timestamp <= ${iso(now.getTime())}::timestamptz
          and ${filterSql(filter, scope, 'v')}`),
    ]);
    const oldest = num(active?.oldest_queued);
    return {
      activeExecutions: int(active?.active),
      queueDepth: int(active?.queued),
      oldestQueuedAgeMs: oldest === null ? null : Math.max(0, now.getTime() - oldest),
      eventsLastMinute: int(events?.events),
      liveSubscriptions: deps.liveSubscriptions(),
      checkedAt: now,
    };
  }

  /** All-time figures per namespace and workflow for /metrics, from the day rollups and live rows. */
  async function prometheusSnapshot(scope: NamespaceScope) {
    const [days, active] = await Promise.all([
      run(sql`select namespace, workflow, total, completed, failed, cancelled, timed_out,
          duration_count, duration_sum_ms, duration_histogram::text as duration_histogram,
          queue_count, queue_sum_ms, queue_histogram::text as queue_histogram
        from execution_days r where ${filterSql({}, scope, 'r')}`),
      run(sql`select namespace, workflow, status, count(*)::int as count from executions e
        where e.status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and ${filterSql({}, scope, 'e')}
        group by 1, 2, 3`),
    ]);
    const byWorkflow = new Map<string, PrometheusWorkflow>();
    const of = (namespace: string, workflow: string) => {
      const key = `${namespace}\n${workflow}`;
      let w = byWorkflow.get(key);
      if (!w) {
        w = {
          namespace,
          workflow,
          created: 0,
          finished: { COMPLETED: 0, FAILED: 0, CANCELLED: 0, TIMED_OUT: 0 },
          active: { QUEUED: 0, RUNNING: 0, WAITING_APPROVAL: 0 },
          duration: { count: 0, sumMs: 0, histogram: new Map() },
          queue: { count: 0, sumMs: 0, histogram: new Map() },
        };
        byWorkflow.set(key, w);
      }
      return w;
    };
    for (const row of days) {
      const w = of(String(row.namespace), String(row.workflow));
      w.created += int(row.total);
      w.finished.COMPLETED += int(row.completed);
      w.finished.FAILED += int(row.failed);
      w.finished.CANCELLED += int(row.cancelled);
      w.finished.TIMED_OUT += int(row.timed_out);
      w.duration.count += int(row.duration_count);
      w.duration.sumMs += Number(row.duration_sum_ms);
      addHistogramText(w.duration.histogram, row.duration_histogram as string);
      w.queue.count += int(row.queue_count);
      w.queue.sumMs += Number(row.queue_sum_ms);
      addHistogramText(w.queue.histogram, row.queue_histogram as string);
    }
    for (const row of active) {
      of(String(row.namespace), String(row.workflow)).active[row.status as 'QUEUED' | 'RUNNING' | 'WAITING_APPROVAL'] = int(row.count);
    }
    return { workflows: [...byWorkflow.values()], liveSubscriptions: deps.liveSubscriptions() };
  }

  return { window, executionMetrics, stepMetrics, timeseries, systemMetrics, prometheusSnapshot };
}

export interface PrometheusWorkflow {
  namespace: string;
  workflow: string;
  created: number;
  finished: Record<'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT', number>;
  active: Record<'QUEUED' | 'RUNNING' | 'WAITING_APPROVAL', number>;
  duration: { count: number; sumMs: number; histogram: Histogram };
  queue: { count: number; sumMs: number; histogram: Histogram };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
