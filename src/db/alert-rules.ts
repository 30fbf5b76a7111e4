/** What the alert rules read and link (src/services/alert-rules.ts): one query per rule, in each namespace's window. */
import { and, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { BreachGroup, NamespaceOutcomes, QueueDepth, SilentGroup } from '../domain/alert-rules.js';
import type { Db } from './client.js';
import { queryRows } from './query.js';
import { executions } from './schema.js';

/** Where a rule's window starts: in `fallback` unless a namespace has a window of its own. */
export interface Windows {
  fallback: Date;
  byNamespace: ReadonlyMap<string, Date>;
}

const timestamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;
const earliest = (w: Windows) => new Date(Math.min(w.fallback.getTime(), ...[...w.byNamespace.values()].map((d) => d.getTime())));

/** `column` within the window of its execution's namespace (and, for the index, within the earliest one). */
function inWindow(column: PgColumn, w: Windows, direction: 'since' | 'before'): SQL {
  const own = JSON.stringify(Object.fromEntries([...w.byNamespace].map(([namespace, start]) => [namespace, start.toISOString()])));
  const start = sql`coalesce((${own}::jsonb ->> ${executions.namespace})::timestamptz, ${timestamp(w.fallback)})`;
  if (direction === 'before') return sql`${column} < ${start}`;
  return sql`${column} >= ${timestamp(earliest(w))} and ${column} >= ${start}`;
}

/** Per namespace, the executions that finished within its window, by outcome. */
export function finishedOutcomes(db: Db, w: Windows): Promise<NamespaceOutcomes[]> {
  return db
    .select({
      namespace: executions.namespace,
      finished: sql<number>`count(*)`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${executions.status} = 'FAILED')`.mapWith(Number),
      timedOut: sql<number>`count(*) filter (where ${executions.status} = 'TIMED_OUT')`.mapWith(Number),
    })
    .from(executions)
    .where(inWindow(executions.finishedAt, w, 'since'))
    .groupBy(executions.namespace);
}

/** Per namespace with a queue, how many executions wait in it. */
export function queueDepths(db: Db): Promise<QueueDepth[]> {
  return db
    .select({ namespace: executions.namespace, depth: sql<number>`count(*)`.mapWith(Number) })
    .from(executions)
    .where(eq(executions.status, 'QUEUED'))
    .groupBy(executions.namespace);
}

/** Per namespace and workflow, the running executions silent since the start of their window (`w`: now - silence). */
export function silentGroups(db: Db, w: Windows, now: Date): Promise<SilentGroup[]> {
  return db
    .select({
      namespace: executions.namespace,
      workflow: executions.workflow,
      silent: sql<number>`count(*)`.mapWith(Number),
      longestSilentMs: sql<number>`extract(epoch from ${timestamp(now)} - min(${executions.updatedAt})) * 1000`.mapWith(Number),
    })
    .from(executions)
    .where(and(eq(executions.status, 'RUNNING'), inWindow(executions.updatedAt, w, 'before')))
    .groupBy(executions.namespace, executions.workflow);
}

export type BreachKind = 'sla' | 'timeout';
const BREACH_COLUMNS = {
  sla: { at: executions.slaBreachedAt, limit: executions.slaMs },
  timeout: { at: executions.timeoutBreachedAt, limit: executions.timeoutMs },
} as const;

/** Running executions past their SLA (timeout) at `now` whose breach is not recorded yet, longest running first. */
export async function unrecordedBreaches(db: Db, kind: BreachKind, now: Date, limit: number): Promise<string[]> {
  const { at, limit: limitMs } = BREACH_COLUMNS[kind];
  const rows = await db
    .select({ id: executions.id })
    .from(executions)
    .where(
      and(
        inArray(executions.status, ['RUNNING', 'WAITING_APPROVAL']),
        isNotNull(limitMs),
        isNull(at),
        sql`${executions.startedAt} + ${limitMs} * interval '1 millisecond' < ${timestamp(now)}`,
      ),
    )
    .orderBy(executions.startedAt, executions.id)
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * Per namespace and workflow, the breaches recorded within the window that no resolved alert of
 * `rule` has counted: how many, how many no alert has counted yet, and the worst of them. A
 * breach is counted by one alert of its rule at most.
 */
export async function breachGroups(db: Db, rule: string, kind: BreachKind, w: Windows, now: Date): Promise<BreachGroup[]> {
  const { at, limit } = BREACH_COLUMNS[kind];
  const over = sql`extract(epoch from coalesce(${executions.finishedAt}, ${timestamp(now)}) - ${executions.startedAt}) * 1000 - ${limit}`;
  const rows = await queryRows<Record<keyof BreachGroup, string | number>>(
    db,
    sql`select ${executions.namespace} as "namespace", ${executions.workflow} as "workflow",
          count(*) as "breached", count(*) filter (where counted.id is null) as "uncounted",
          max(${over}) as "worstOverMs", (array_agg(${limit} order by ${over} desc))[1] as "worstLimitMs"
        from ${executions}
        left join (alert_executions link join alerts counted on counted.id = link.alert_id and counted.rule = ${rule}) on link.execution_id = ${executions.id}
        where ${inWindow(at, w, 'since')} and counted.status is distinct from 'RESOLVED'
        group by 1, 2`,
  );
  return rows.map((r) => ({
    namespace: String(r.namespace),
    workflow: String(r.workflow),
    breached: Number(r.breached),
    uncounted: Number(r.uncounted),
    worstOverMs: Number(r.worstOverMs),
    worstLimitMs: Number(r.worstLimitMs),
  }));
}

/** Links each open alert of `rule` to the breaches of its namespace and workflow within the window that no alert of the rule has counted. */
export async function linkBreaches(tx: Db, rule: string, kind: BreachKind, w: Windows, now: Date): Promise<void> {
  await tx.execute(sql`
    insert into alert_executions (alert_id, execution_id, counted_at)
    select a.id, ${executions.id}, ${timestamp(now)}
    from ${executions} join alerts a on a.namespace = ${executions.namespace} and a.workflow = ${executions.workflow} and a.rule = ${rule} and a.status <> 'RESOLVED'
    where ${inWindow(BREACH_COLUMNS[kind].at, w, 'since')}
      and not exists (select from alert_executions l join alerts o on o.id = l.alert_id where l.execution_id = ${executions.id} and o.rule = ${rule})
    on conflict do nothing`);
}

/** Links each open STUCK_EXECUTION alert to the silent executions of its namespace and workflow. */
export async function linkSilent(tx: Db, rule: string, w: Windows, now: Date): Promise<void> {
  await tx.execute(sql`
    insert into alert_executions (alert_id, execution_id, counted_at)
    select a.id, ${executions.id}, ${timestamp(now)}
    from alerts a join ${executions} on ${executions.namespace} = a.namespace and ${executions.workflow} = a.workflow
    where a.rule = ${rule} and a.status <> 'RESOLVED' and ${executions.status} = 'RUNNING' and ${inWindow(executions.updatedAt, w, 'before')}
    on conflict do nothing`);
}
