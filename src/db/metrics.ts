import { getTableColumns, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DurationSummary, RollupDurations } from '../domain/histogram.js';
import type { ExecutionStatus, StepStatus } from '../domain/lifecycle.js';
import {
  emptyExecutionCounts,
  emptyStepCounts,
  type ExecutionCounts,
  type ExecutionOutcomeFacts,
  type ExecutionRollup,
  type Level,
  type StepCounts,
  type StepOutcomeFacts,
  type StepRollup,
  type Window,
} from '../domain/metrics.js';
import type { Db } from './client.js';
import { queryRows, type NamespaceScope } from './query.js';
import { NAMESPACE_HOURS, ROLLUP_LEVELS, type ExecutionRollupTable, type StepRollupTable } from './rollups.js';
import { events, executionDays, executions, steps } from './schema.js';

export interface MetricsFilter {
  namespace?: string | null;
  workflow?: string | null;
}

/** [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A day rollup row, with its namespace and workflow. */
export interface WorkflowDayRollup extends ExecutionRollup {
  namespace: string;
  workflow: string;
}

export type RollupLevel = Exclude<Level, 'raw'>;
const rollupOf = (level: RollupLevel) => ROLLUP_LEVELS.find((l) => l.level === level)!;

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const int = (v: unknown) => Number(v ?? 0);
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
const iso = (ms: number) => new Date(ms).toISOString();
const epochMs = (value: SQLWrapper) => sql`(extract(epoch from ${value}) * 1000)::float8`;
const named = (expression: SQL, name: string) => sql`${expression} as ${sql.identifier(name)}`;

const EXECUTION_COUNTS = Object.keys(emptyExecutionCounts()) as (keyof ExecutionCounts)[];
const STEP_COUNTS = Object.keys(emptyStepCounts()) as (keyof StepCounts)[];
const countsOf = <K extends string>(row: Row, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, int(row[k])])) as Record<K, number>;

/** The namespace scope and the optional namespace/workflow filter (only on a table with a workflow column). */
function filtered(filter: MetricsFilter, scope: NamespaceScope, table: { namespace: PgColumn; workflow?: PgColumn }): SQL {
  const parts: SQL[] = [sql`true`];
  if (scope !== null) parts.push(scope.length === 0 ? sql`false` : sql`${table.namespace} in ${[...scope]}`);
  if (filter.namespace) parts.push(sql`${table.namespace} = ${filter.namespace}`);
  if (filter.workflow) parts.push(sql`${table.workflow!} = ${filter.workflow}`);
  return sql.join(parts, sql` and `);
}

function inRanges(column: PgColumn, ranges: readonly TimeRange[]): SQL {
  return sql`(${sql.join(
    ranges.map((r) => sql`(${column} >= ${iso(r.start)}::timestamptz and ${column} < ${iso(r.end)}::timestamptz)`),
    sql` or `,
  )})`;
}
const inWindow = (column: PgColumn, w: Window) => inRanges(column, [{ start: w.from.getTime(), end: w.to.getTime() }]);

/**
 * A duration's columns of a rollup table, summed over the rows read. The histograms travel as one
 * ';'-joined text and are merged in JS: unnesting them in SQL costs more.
 */
function summedDurations(prefix: string, c: { count: PgColumn; sum: PgColumn; min: PgColumn; max: PgColumn; histogram: PgColumn }): SQL {
  return sql.join(
    [
      named(sql`sum(${c.count})::int`, `${prefix}Count`),
      named(sql`sum(${c.sum})::float8`, `${prefix}SumMs`),
      named(sql`min(${c.min})`, `${prefix}MinMs`),
      named(sql`max(${c.max})`, `${prefix}MaxMs`),
      named(sql`string_agg(${c.histogram}::text, ';') filter (where ${c.count} > 0)`, `${prefix}Histogram`),
    ],
    sql`, `,
  );
}
const durationColumns = (t: ExecutionRollupTable | StepRollupTable) => ({
  count: t.durationCount,
  sum: t.durationSumMs,
  min: t.durationMinMs,
  max: t.durationMaxMs,
  histogram: t.durationHistogram,
});
const queueColumns = (t: ExecutionRollupTable) => ({
  count: t.queueCount,
  sum: t.queueSumMs,
  min: t.queueMinMs,
  max: t.queueMaxMs,
  histogram: t.queueHistogram,
});
const rollupDurations = (row: Row, prefix: string): RollupDurations => ({
  count: int(row[`${prefix}Count`]),
  sumMs: Number(row[`${prefix}SumMs`] ?? 0),
  minMs: num(row[`${prefix}MinMs`]),
  maxMs: num(row[`${prefix}MaxMs`]),
  histogram: (row[`${prefix}Histogram`] as string | null) ?? null,
});
/** The sums of the count columns `keys` (named like their fields) of the rows read. */
const summed = (table: PgTable, keys: readonly string[]) =>
  sql.join(keys.map((k) => named(sql`sum(${getTableColumns(table)[k]!})::float8`, k)), sql`, `);

/** count/avg/min/max/p50/p95/p99 of `value` over the raw rows, like `DurationSummary`. */
function exactDurations(prefix: string, value: SQL): SQL {
  return sql.join(
    [
      named(sql`count(${value})::int`, `${prefix}Count`),
      named(sql`avg(${value})::float8`, `${prefix}Avg`),
      named(sql`min(${value})::float8`, `${prefix}Min`),
      named(sql`max(${value})::float8`, `${prefix}Max`),
      named(sql`percentile_cont(0.5) within group (order by ${value})`, `${prefix}P50`),
      named(sql`percentile_cont(0.95) within group (order by ${value})`, `${prefix}P95`),
      named(sql`percentile_cont(0.99) within group (order by ${value})`, `${prefix}P99`),
    ],
    sql`, `,
  );
}
const durationSummary = (row: Row, prefix: string): DurationSummary => ({
  count: int(row[`${prefix}Count`]),
  avgMs: num(row[`${prefix}Avg`]),
  minMs: num(row[`${prefix}Min`]),
  maxMs: num(row[`${prefix}Max`]),
  p50Ms: num(row[`${prefix}P50`]),
  p95Ms: num(row[`${prefix}P95`]),
  p99Ms: num(row[`${prefix}P99`]),
});

// The same rules as finishedExecutionDelta / finishedStepDelta, over raw rows.
const executionDuration = sql`case when ${executions.finishedAt} is not null and ${executions.startedAt} is not null
  then (extract(epoch from ${executions.finishedAt} - ${executions.startedAt}) * 1000)::float8 end`;
const queueTime = sql`case when ${executions.finishedAt} is not null and ${executions.queuedAt} is not null
  then (extract(epoch from coalesce(${executions.startedAt}, ${executions.finishedAt}) - ${executions.queuedAt}) * 1000)::float8 end`;
const stepDuration = sql`case when ${steps.status} in ('COMPLETED', 'FAILED', 'TIMED_OUT')
    and ${steps.startedAt} is not null and ${steps.finishedAt} is not null
  then (extract(epoch from ${steps.finishedAt} - ${steps.startedAt}) * 1000)::float8 end`;

// The reads behind the metrics: rollup rows of some levels and ranges, the raw rows at a window's
// edges, exact figures over the raw rows (percentile_cont) and the live executions. Every read is
// limited to `scope`.

/** Execution rollup rows of one level in the ranges, summed per row start `t` (epoch ms). */
export async function executionRollups(
  db: Db,
  level: RollupLevel,
  ranges: readonly TimeRange[],
  filter: MetricsFilter,
  scope: NamespaceScope,
  withQueue: boolean,
) {
  // Without a workflow filter, hours come from the per-namespace rollup: one histogram per namespace and hour.
  const { table, at } = level === 'hour' && !filter.workflow ? NAMESPACE_HOURS : rollupOf(level).executions;
  const rows = await queryRows<Row>(db, sql`select ${epochMs(at)} as t, ${summed(table, EXECUTION_COUNTS)},
      ${summedDurations('duration', durationColumns(table))}${withQueue ? sql`, ${summedDurations('queue', queueColumns(table))}` : sql``}
    from ${table} where ${inRanges(at, ranges)} and ${filtered(filter, scope, table)}
    group by 1`);
  return rows.map((row): ExecutionRollup & { t: number } => ({
    t: int(row.t),
    counts: countsOf(row, EXECUTION_COUNTS),
    duration: rollupDurations(row, 'duration'),
    queue: withQueue ? rollupDurations(row, 'queue') : null,
  }));
}

/** Step rollup rows of one level in the ranges, summed per row start and step type. */
export async function stepRollups(
  db: Db,
  level: RollupLevel,
  ranges: readonly TimeRange[],
  filter: MetricsFilter,
  scope: NamespaceScope,
): Promise<StepRollup[]> {
  const { table, at } = rollupOf(level).steps;
  const rows = await queryRows<Row>(db, sql`select ${epochMs(at)} as t, ${table.type}, ${summed(table, STEP_COUNTS)},
      ${summedDurations('duration', durationColumns(table))}
    from ${table} where ${inRanges(at, ranges)} and ${filtered(filter, scope, table)}
    group by 1, 2`);
  return rows.map((row) => ({ type: String(row.type), counts: countsOf(row, STEP_COUNTS), duration: rollupDurations(row, 'duration') }));
}

/** Executions created in the ranges, with their creation time `t` (epoch ms). */
export async function executionRows(db: Db, ranges: readonly TimeRange[], filter: MetricsFilter, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select ${epochMs(executions.createdAt)} as t, ${executions.status}, ${epochMs(executions.queuedAt)} as queued_at,
      ${epochMs(executions.startedAt)} as started_at, ${epochMs(executions.finishedAt)} as finished_at, ${executions.slaMs}
    from ${executions} where ${inRanges(executions.createdAt, ranges)} and ${filtered(filter, scope, executions)}`);
  return rows.map((row): ExecutionOutcomeFacts & { t: number } => ({
    t: int(row.t),
    status: row.status as ExecutionStatus,
    queuedAt: date(row.queued_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    slaMs: num(row.sla_ms),
  }));
}

/** The steps of executions created in the ranges. */
export async function stepRows(db: Db, ranges: readonly TimeRange[], filter: MetricsFilter, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select ${steps.type}, ${steps.status}, ${steps.attempt},
      ${epochMs(steps.startedAt)} as started_at, ${epochMs(steps.finishedAt)} as finished_at
    from ${steps} join ${executions} on ${executions.id} = ${steps.executionId} and ${executions.createdAt} = ${steps.executionCreatedAt}
    where ${inRanges(executions.createdAt, ranges)} and ${inRanges(steps.executionCreatedAt, ranges)} and ${filtered(filter, scope, executions)}`);
  return rows.map((row): StepOutcomeFacts => ({
    type: String(row.type),
    status: row.status as StepStatus,
    attempt: int(row.attempt),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
  }));
}

/** Executions of the window queued or running now, and the running ones past their SLA at `now`. */
export async function liveExecutions(db: Db, w: Window, now: Date, filter: MetricsFilter, scope: NamespaceScope) {
  const [row] = await queryRows<Row>(db, sql`select
      count(*) filter (where ${executions.status} in ('RUNNING', 'WAITING_APPROVAL'))::int as running,
      count(*) filter (where ${executions.status} = 'QUEUED')::int as queued,
      count(*) filter (where ${executions.status} in ('RUNNING', 'WAITING_APPROVAL')
        and ${executions.slaMs} is not null and ${executions.startedAt} is not null
        and extract(epoch from ${iso(now.getTime())}::timestamptz - ${executions.startedAt}) * 1000 > ${executions.slaMs})::int as sla_violators
    from ${executions}
    where ${executions.status} in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL')
      and ${inWindow(executions.createdAt, w)} and ${filtered(filter, scope, executions)}`);
  return { running: int(row?.running), queued: int(row?.queued), slaViolators: int(row?.sla_violators) };
}

/** Exact figures of the executions created in the window, at `now`. */
export async function exactExecutions(db: Db, w: Window, now: Date, filter: MetricsFilter, scope: NamespaceScope) {
  const at = sql`${iso(now.getTime())}::timestamptz`;
  const [row = {}] = await queryRows<Row>(db, sql`select count(*)::int as total,
      count(*) filter (where status = 'COMPLETED')::int as completed,
      count(*) filter (where status = 'FAILED')::int as failed,
      count(*) filter (where status = 'CANCELLED')::int as cancelled,
      count(*) filter (where status = 'TIMED_OUT')::int as "timedOut",
      count(*) filter (where status in ('RUNNING', 'WAITING_APPROVAL'))::int as running,
      count(*) filter (where status = 'QUEUED')::int as queued,
      count(*) filter (where sla_ms is not null and started_at is not null and (finished_at is not null
        or extract(epoch from ${at} - started_at) * 1000 > sla_ms))::int as "slaTracked",
      count(*) filter (where sla_ms is not null and started_at is not null
        and extract(epoch from coalesce(finished_at, ${at}) - started_at) * 1000 > sla_ms)::int as "slaViolations",
      ${exactDurations('d', sql`d`)}, ${exactDurations('q', sql`q`)}
    from (select ${executions}.*, ${executionDuration} as d, ${queueTime} as q from ${executions}
      where ${inWindow(executions.createdAt, w)} and ${filtered(filter, scope, executions)}) x`);
  return {
    counts: countsOf(row, EXECUTION_COUNTS),
    running: int(row.running),
    queued: int(row.queued),
    duration: durationSummary(row, 'd'),
    queueTime: durationSummary(row, 'q'),
  };
}

/** Exact figures of the steps of executions created in the window, per type in SQL's order of types. */
export async function exactSteps(db: Db, w: Window, filter: MetricsFilter, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select type, count(*)::int as total,
      count(*) filter (where status = 'COMPLETED')::int as completed,
      count(*) filter (where status in ('FAILED', 'TIMED_OUT'))::int as failed,
      count(*) filter (where status in ('SKIPPED', 'CANCELLED'))::int as skipped,
      coalesce(sum(attempt - 1), 0)::int as retries,
      count(*) filter (where status = 'COMPLETED' and attempt = 1)::int as "firstAttemptCompleted",
      ${exactDurations('d', sql`d`)}
    from (select ${steps.type}, ${steps.status}, ${steps.attempt}, ${stepDuration} as d
      from ${steps} join ${executions} on ${executions.id} = ${steps.executionId} and ${executions.createdAt} = ${steps.executionCreatedAt}
      where ${inWindow(executions.createdAt, w)} and ${inWindow(steps.executionCreatedAt, w)} and ${filtered(filter, scope, executions)}) x
    group by type order by type`);
  return rows.map((row) => ({ type: String(row.type), counts: countsOf(row, STEP_COUNTS), duration: durationSummary(row, 'd') }));
}

/** Exact figures of the window's executions per bucket of `sizeMs` counted from `origin` (bucket `index`). */
export async function exactBuckets(db: Db, w: Window, origin: number, sizeMs: number, filter: MetricsFilter, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select floor((${epochMs(executions.createdAt)} - ${origin}::float8) / ${sizeMs}::float8)::int as b,
      count(*)::int as total,
      count(*) filter (where ${executions.status} = 'COMPLETED')::int as completed,
      count(*) filter (where ${executions.status} = 'FAILED')::int as failed,
      count(*) filter (where ${executions.status} = 'TIMED_OUT')::int as timed_out,
      percentile_cont(0.5) within group (order by ${executionDuration}) as p50,
      percentile_cont(0.95) within group (order by ${executionDuration}) as p95,
      percentile_cont(0.99) within group (order by ${executionDuration}) as p99
    from ${executions}
    where ${inWindow(executions.createdAt, w)} and ${filtered(filter, scope, executions)}
    group by 1`);
  return rows.map((row) => ({
    index: int(row.b),
    total: int(row.total),
    completed: int(row.completed),
    failed: int(row.failed),
    timedOut: int(row.timed_out),
    p50Ms: num(row.p50),
    p95Ms: num(row.p95),
    p99Ms: num(row.p99),
  }));
}

/** Active executions now, how many of them are queued, and the oldest queuedAt (epoch ms). */
export async function activeExecutions(db: Db, namespace: string | null, scope: NamespaceScope) {
  const [row] = await queryRows<Row>(db, sql`select count(*)::int as active, count(*) filter (where ${executions.status} = 'QUEUED')::int as queued,
      ${epochMs(sql`min(${executions.queuedAt}) filter (where ${executions.status} = 'QUEUED')`)} as oldest_queued
    from ${executions} where ${executions.status} in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and ${filtered({ namespace }, scope, executions)}`);
  return { active: int(row?.active), queued: int(row?.queued), oldestQueuedAt: num(row?.oldest_queued) };
}

/** Events with a timestamp in (from, to]. */
export async function eventCount(db: Db, from: Date, to: Date, namespace: string | null, scope: NamespaceScope) {
  const [row] = await queryRows<Row>(db, sql`select count(*)::int as events from ${events}
    where ${events.timestamp} > ${from.toISOString()}::timestamptz and ${events.timestamp} <= ${to.toISOString()}::timestamptz
      and ${filtered({ namespace }, scope, events)}`);
  return int(row?.events);
}

/** Every day rollup row, with its namespace and workflow. */
export async function dayRollups(db: Db, scope: NamespaceScope): Promise<WorkflowDayRollup[]> {
  const t = executionDays;
  const rows = await queryRows<Row>(db, sql`select ${t.namespace}, ${t.workflow}, ${sql.join(EXECUTION_COUNTS.map((k) => named(sql`${t[k]}`, k)), sql`, `)},
      ${t.durationCount} as "durationCount", ${t.durationSumMs} as "durationSumMs", ${t.durationHistogram}::text as "durationHistogram",
      ${t.queueCount} as "queueCount", ${t.queueSumMs} as "queueSumMs", ${t.queueHistogram}::text as "queueHistogram"
    from ${t} where ${filtered({}, scope, t)}`);
  return rows.map((row) => ({
    namespace: String(row.namespace),
    workflow: String(row.workflow),
    counts: countsOf(row, EXECUTION_COUNTS),
    duration: rollupDurations(row, 'duration'),
    queue: rollupDurations(row, 'queue'),
  }));
}

/** How many executions of each namespace and workflow are in each active status. */
export async function activeByWorkflow(db: Db, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select ${executions.namespace}, ${executions.workflow}, ${executions.status}, count(*)::int as count
    from ${executions} where ${executions.status} in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and ${filtered({}, scope, executions)}
    group by 1, 2, 3`);
  return rows.map((row) => ({
    namespace: String(row.namespace),
    workflow: String(row.workflow),
    status: row.status as 'QUEUED' | 'RUNNING' | 'WAITING_APPROVAL',
    count: int(row.count),
  }));
}

/** The steps of unfinished executions per namespace, workflow and step status, with their progressPercent summed. */
export async function activeStepsByWorkflow(db: Db, scope: NamespaceScope) {
  const rows = await queryRows<Row>(db, sql`select ${executions.namespace}, ${executions.workflow}, ${steps.status}, count(*)::int as count,
      coalesce(sum(${steps.progressPercent}), 0)::float8 as percent_sum
    from ${steps} join ${executions} on ${executions.id} = ${steps.executionId}
    where ${executions.status} in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and ${filtered({}, scope, executions)}
    group by 1, 2, 3`);
  return rows.map((row) => ({
    namespace: String(row.namespace),
    workflow: String(row.workflow),
    status: row.status as StepStatus,
    count: int(row.count),
    percentSum: Number(row.percent_sum),
  }));
}
