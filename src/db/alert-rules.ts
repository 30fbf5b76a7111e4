/** What the alert rules read (src/services/alert-rules.ts): one query per rule, or one shared by several. */
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { LateExecution, NamespaceOutcomes, QueueDepth, SilentExecution } from '../domain/alert-rules.js';
import type { Db } from './client.js';
import { executions } from './schema.js';

const before = (column: typeof executions.updatedAt, at: Date) => sql`${column} < ${at.toISOString()}::timestamptz`;
const since = (column: typeof executions.finishedAt, at: Date) => sql`${column} >= ${at.toISOString()}::timestamptz`;

/** Per namespace, the executions that finished since `start`, by outcome. */
export function finishedOutcomes(db: Db, start: Date): Promise<NamespaceOutcomes[]> {
  return db
    .select({
      namespace: executions.namespace,
      finished: sql<number>`count(*)`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${executions.status} = 'FAILED')`.mapWith(Number),
      timedOut: sql<number>`count(*) filter (where ${executions.status} = 'TIMED_OUT')`.mapWith(Number),
    })
    .from(executions)
    .where(since(executions.finishedAt, start))
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

/** Running executions that reported nothing since `silentSince`, longest silent first. */
export function silentExecutions(db: Db, silentSince: Date, limit: number): Promise<SilentExecution[]> {
  return db
    .select({ id: executions.id, namespace: executions.namespace, workflow: executions.workflow, updatedAt: executions.updatedAt })
    .from(executions)
    .where(and(eq(executions.status, 'RUNNING'), before(executions.updatedAt, silentSince)))
    .orderBy(executions.updatedAt, executions.id)
    .limit(limit);
}

/** Executions past their SLA: still open now, or finished late since `finishedSince`; earliest started first. */
export async function lateExecutions(db: Db, now: Date, finishedSince: Date, limit: number): Promise<LateExecution[]> {
  const sla = sql`${executions.slaMs} * interval '1 millisecond'`;
  const rows = await db
    .select({
      id: executions.id,
      namespace: executions.namespace,
      workflow: executions.workflow,
      slaMs: executions.slaMs,
      startedAt: executions.startedAt,
      finishedAt: executions.finishedAt,
    })
    .from(executions)
    .where(
      and(
        isNotNull(executions.slaMs),
        isNotNull(executions.startedAt),
        or(
          and(inArray(executions.status, ['RUNNING', 'WAITING_APPROVAL']), sql`${executions.startedAt} + ${sla} < ${now.toISOString()}::timestamptz`),
          and(since(executions.finishedAt, finishedSince), sql`${executions.finishedAt} - ${executions.startedAt} > ${sla}`),
        ),
      ),
    )
    .orderBy(executions.startedAt, executions.id)
    .limit(limit);
  // The conditions above leave no row without an SLA or a start.
  return rows as LateExecution[];
}
