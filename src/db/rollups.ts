import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';
import { compare } from './query.js';
import {
  executionDays,
  executionHours,
  executionMinutes,
  executionNamespaceHours,
  stepDays,
  stepHours,
  stepMinutes,
} from './schema.js';
import { histogramOf, histogramToSql } from '../domain/histogram.js';
import {
  addDelta,
  DAY_MS,
  emptyExecutionDelta,
  emptyStepDelta,
  HOUR_MS,
  MINUTE_MS,
  type ExecutionDelta,
  type RollupDelta,
  type StepDelta,
} from '../domain/metrics.js';

export type ExecutionRollupTable = typeof executionMinutes | typeof executionHours | typeof executionDays | typeof executionNamespaceHours;
export type StepRollupTable = typeof stepMinutes | typeof stepHours | typeof stepDays;

/** A rollup table and its time column (the minute, hour or day of creation). */
export interface Rollup<T> {
  table: T;
  at: PgColumn;
}

/** The rollup tables of each level. */
export const ROLLUP_LEVELS = [
  {
    level: 'minute',
    ms: MINUTE_MS,
    executions: { table: executionMinutes, at: executionMinutes.minute },
    steps: { table: stepMinutes, at: stepMinutes.minute },
  },
  {
    level: 'hour',
    ms: HOUR_MS,
    executions: { table: executionHours, at: executionHours.hour },
    steps: { table: stepHours, at: stepHours.hour },
  },
  {
    level: 'day',
    ms: DAY_MS,
    executions: { table: executionDays, at: executionDays.day },
    steps: { table: stepDays, at: stepDays.day },
  },
] as const satisfies readonly { level: string; ms: number; executions: Rollup<ExecutionRollupTable>; steps: Rollup<StepRollupTable> }[];

/** Per-namespace hour rollup: the hour figures without the workflow (see the schema). */
export const NAMESPACE_HOURS: Rollup<ExecutionRollupTable> = { table: executionNamespaceHours, at: executionNamespaceHours.hour };

/**
 * Adds two sparse integer[] histograms (Postgres arrays keep their lower bound, so bucket i is
 * always element [i]); a row's histogram is merged with the incoming one in the upsert itself,
 * so concurrent writers each add under the row lock and no increment is lost.
 */
const mergeHistogram = (column: string) =>
  sql.raw(`${column} = (select coalesce(('[' || min(i) || ':' || max(i) || ']=' ||
      array_agg(nullif(coalesce(t.${column}[i], 0) + coalesce(excluded.${column}[i], 0), 0) order by i)::text)::integer[], '{}'::integer[])
    from generate_series(least(array_lower(t.${column}, 1), array_lower(excluded.${column}, 1)),
                         greatest(array_upper(t.${column}, 1), array_upper(excluded.${column}, 1))) i)`);

const sumOf = (columns: string[]) => columns.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ');
const minMax = (prefix: string) =>
  `${prefix}_min_ms = least(t.${prefix}_min_ms, excluded.${prefix}_min_ms), ${prefix}_max_ms = greatest(t.${prefix}_max_ms, excluded.${prefix}_max_ms)`;

function stats(values: number[]) {
  if (values.length === 0) return sql`0, 0, null::float8, null::float8, '{}'::integer[]`;
  const sum = values.reduce((a, b) => a + b, 0);
  return sql`${values.length}, ${sum}::float8, ${Math.min(...values)}::float8, ${Math.max(...values)}::float8, ${histogramToSql(histogramOf(values))}::integer[]`;
}

/** One rollup row to add: its key (namespace, workflow, time bucket and, for steps, type) and its delta. */
interface Row<D> {
  namespace: string;
  workflow: string;
  at: number;
  delta: D;
}

function executionUpsert({ table, at: timeColumn }: Rollup<ExecutionRollupTable>, rows: Row<ExecutionDelta>[], perWorkflow = true): SQL {
  const withDurations = rows.some((r) => r.delta.durations.length > 0);
  const withQueueTimes = rows.some((r) => r.delta.queueTimes.length > 0);
  const set = [sumOf(['total', 'completed', 'failed', 'cancelled', 'timed_out', 'sla_tracked', 'sla_violations'])];
  if (withDurations) set.push(sumOf(['duration_count', 'duration_sum_ms']), minMax('duration'));
  if (withQueueTimes) set.push(sumOf(['queue_count', 'queue_sum_ms']), minMax('queue'));
  const values = rows.map(
    ({ namespace, workflow, at, delta: d }) =>
      sql`(${namespace}, ${perWorkflow ? sql`${workflow}, ` : sql``}${new Date(at).toISOString()}::timestamptz, ${d.total}, ${d.completed}, ${d.failed}, ${d.cancelled},
        ${d.timedOut}, ${stats(d.durations)}, ${stats(d.queueTimes)}, ${d.slaTracked}, ${d.slaViolations})`,
  );
  const keys = sql.raw(perWorkflow ? `namespace, workflow, ${timeColumn.name}` : `namespace, ${timeColumn.name}`);
  return sql`insert into ${table} as t (${keys}, total, completed, failed, cancelled, timed_out,
      duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram,
      queue_count, queue_sum_ms, queue_min_ms, queue_max_ms, queue_histogram, sla_tracked, sla_violations)
    values ${sql.join(values, sql`, `)}
    on conflict (${keys}) do update set ${sql.raw(set.join(', '))}
      ${withDurations ? sql`, ${mergeHistogram('duration_histogram')}` : sql``}
      ${withQueueTimes ? sql`, ${mergeHistogram('queue_histogram')}` : sql``}`;
}

function stepUpsert({ table, at: timeColumn }: Rollup<StepRollupTable>, rows: Row<StepDelta>[]): SQL {
  const withDurations = rows.some((r) => r.delta.durations.length > 0);
  const set = [sumOf(['total', 'completed', 'failed', 'skipped', 'retries', 'first_attempt_completed'])];
  if (withDurations) set.push(sumOf(['duration_count', 'duration_sum_ms']), minMax('duration'));
  const values = rows.map(
    ({ namespace, workflow, at, delta: d }) =>
      sql`(${namespace}, ${workflow}, ${new Date(at).toISOString()}::timestamptz, ${d.type}, ${d.total}, ${d.completed}, ${d.failed},
        ${d.skipped}, ${d.retries}, ${d.firstAttemptCompleted}, ${stats(d.durations)})`,
  );
  return sql`insert into ${table} as t (namespace, workflow, ${sql.raw(timeColumn.name)}, type, total, completed, failed, skipped, retries,
      first_attempt_completed, duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram)
    values ${sql.join(values, sql`, `)}
    on conflict (namespace, workflow, type, ${sql.raw(timeColumn.name)}) do update set ${sql.raw(set.join(', '))}
      ${withDurations ? sql`, ${mergeHistogram('duration_histogram')}` : sql``}`;
}

const byKey = (a: Row<unknown>, b: Row<unknown>) =>
  compare(a.namespace, b.namespace) || compare(a.workflow, b.workflow) || compare(a.at, b.at);

/** The deltas summed per rollup row of one level, in key order; `perWorkflow: false` sums a namespace's workflows. */
function rowsOfLevel(deltas: readonly RollupDelta[], ms: number, perWorkflow = true) {
  const executions = new Map<string, Row<ExecutionDelta>>();
  const steps = new Map<string, Row<StepDelta>>();
  for (const delta of deltas) {
    const key = { namespace: delta.namespace, workflow: perWorkflow ? delta.workflow : '', at: Math.floor(delta.createdAt.getTime() / ms) * ms };
    const id = JSON.stringify([key.namespace, key.workflow, key.at]);
    if (delta.execution) {
      const row = executions.get(id) ?? { ...key, delta: emptyExecutionDelta() };
      executions.set(id, row);
      addDelta(row.delta, delta.execution);
    }
    for (const step of delta.steps) {
      const stepKey = JSON.stringify([id, step.type]);
      const row = steps.get(stepKey) ?? { ...key, delta: emptyStepDelta(step.type) };
      steps.set(stepKey, row);
      addDelta(row.delta, step);
    }
  }
  return {
    executions: [...executions.values()].sort(byKey),
    steps: [...steps.values()].sort((a, b) => byKey(a, b) || compare(a.delta.type, b.delta.type)),
  };
}

/**
 * Writes the deltas to the minute, hour and day rollups of each execution's creation time (and the
 * per-namespace hour rollup), as one statement, inside the caller's transaction; deltas that fall
 * on the same rollup row are summed first. Rows are always touched in the same order (executions
 * minute -> hour -> day -> namespace hour, then steps, each table in key order), so concurrent
 * writers cannot deadlock.
 */
export function writeRollups(tx: Db, deltas: readonly RollupDelta[]): Promise<unknown> {
  const levels = ROLLUP_LEVELS.map((level) => ({ level, rows: rowsOfLevel(deltas, level.ms) }));
  const parts: SQL[] = [];
  for (const { level, rows } of levels) {
    if (rows.executions.length) parts.push(executionUpsert(level.executions, rows.executions));
  }
  const namespaceRows = rowsOfLevel(deltas, HOUR_MS, false).executions;
  if (namespaceRows.length) parts.push(executionUpsert(NAMESPACE_HOURS, namespaceRows, false));
  for (const { level, rows } of levels) {
    if (rows.steps.length) parts.push(stepUpsert(level.steps, rows.steps));
  }
  if (parts.length === 0) return Promise.resolve();
  const ctes = parts.map((part, i) => sql`${sql.raw(`r${i}`)} as (${part})`);
  return tx.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
}
