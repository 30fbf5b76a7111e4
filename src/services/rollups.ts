import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { histogramOf, histogramToSql } from '../domain/histogram.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type ExecutionDelta, type RollupDelta, type StepDelta } from '../domain/metrics.js';

/** Rollup tables per level, with the name of their time column. */
export const ROLLUP_LEVELS = [
  { level: 'minute', ms: MINUTE_MS, executions: 'execution_minutes', steps: 'step_minutes', column: 'minute' },
  { level: 'hour', ms: HOUR_MS, executions: 'execution_hours', steps: 'step_hours', column: 'hour' },
  { level: 'day', ms: DAY_MS, executions: 'execution_days', steps: 'step_days', column: 'day' },
] as const;

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

function executionUpsert(table: string, column: string, key: SQL, d: ExecutionDelta): SQL {
  const set = [
    sumOf(['total', 'completed', 'failed', 'cancelled', 'timed_out', 'sla_tracked', 'sla_violations']),
  ];
  if (d.durations.length) set.push(sumOf(['duration_count', 'duration_sum_ms']), minMax('duration'));
  if (d.queueTimes.length) set.push(sumOf(['queue_count', 'queue_sum_ms']), minMax('queue'));
  return sql`insert into ${sql.raw(table)} as t (namespace, workflow, ${sql.raw(column)}, total, completed, failed, cancelled, timed_out,
      duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram,
      queue_count, queue_sum_ms, queue_min_ms, queue_max_ms, queue_histogram, sla_tracked, sla_violations)
    values (${key}, ${d.total}, ${d.completed}, ${d.failed}, ${d.cancelled}, ${d.timedOut},
      ${stats(d.durations)}, ${stats(d.queueTimes)}, ${d.slaTracked}, ${d.slaViolations})
    on conflict (namespace, workflow, ${sql.raw(column)}) do update set ${sql.raw(set.join(', '))}
      ${d.durations.length ? sql`, ${mergeHistogram('duration_histogram')}` : sql``}
      ${d.queueTimes.length ? sql`, ${mergeHistogram('queue_histogram')}` : sql``}`;
}

function stepUpsert(table: string, column: string, key: SQL, deltas: StepDelta[]): SQL {
  const withDurations = deltas.some((d) => d.durations.length > 0);
  const set = [sumOf(['total', 'completed', 'failed', 'skipped', 'retries', 'first_attempt_completed'])];
  if (withDurations) set.push(sumOf(['duration_count', 'duration_sum_ms']), minMax('duration'));
  const rows = deltas.map(
    (d) =>
      sql`(${key}, ${d.type}, ${d.total}, ${d.completed}, ${d.failed}, ${d.skipped}, ${d.retries}, ${d.firstAttemptCompleted}, ${stats(d.durations)})`,
  );
  return sql`insert into ${sql.raw(table)} as t (namespace, workflow, ${sql.raw(column)}, type, total, completed, failed, skipped, retries,
      first_attempt_completed, duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram)
    values ${sql.join(rows, sql`, `)}
    on conflict (namespace, workflow, type, ${sql.raw(column)}) do update set ${sql.raw(set.join(', '))}
      ${withDurations ? sql`, ${mergeHistogram('duration_histogram')}` : sql``}`;
}

/**
 * Writes a delta to the minute, hour and day rollups of the execution's creation time, as one
 * statement, inside the caller's transaction. Rows are always touched in the same order
 * (executions minute -> hour -> day, then steps by type), so concurrent writers cannot deadlock.
 */
export async function writeRollups(tx: Db, delta: RollupDelta | null): Promise<void> {
  if (!delta || (!delta.execution && delta.steps.length === 0)) return;
  const created = delta.createdAt.getTime();
  const steps = [...delta.steps].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const parts: SQL[] = [];
  for (const level of ROLLUP_LEVELS) {
    const at = new Date(Math.floor(created / level.ms) * level.ms).toISOString();
    const key = sql`${delta.namespace}, ${delta.workflow}, ${at}::timestamptz`;
    if (delta.execution) parts.push(executionUpsert(level.executions, level.column, key, delta.execution));
  }
  for (const level of ROLLUP_LEVELS) {
    const at = new Date(Math.floor(created / level.ms) * level.ms).toISOString();
    const key = sql`${delta.namespace}, ${delta.workflow}, ${at}::timestamptz`;
    if (steps.length) parts.push(stepUpsert(level.steps, level.column, key, steps));
  }
  const ctes = parts.map((part, i) => sql`${sql.raw(`r${i}`)} as (${part})`);
  await tx.execute(sql`with ${sql.join(ctes, sql`, `)} select 1`);
}
