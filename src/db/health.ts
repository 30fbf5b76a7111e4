/** What the health checks read (src/services/health.ts). */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { events, executions } from './schema.js';

const asDate = (value: string | Date | null | undefined) => (value ? new Date(value) : null);

/**
 * Open executions that are silent since `silentSince` (RUNNING only), past their timeout at `now`,
 * and either (`late`: each counted once, also when it is both).
 */
export async function lateOpenExecutions(db: Db, now: Date, silentSince: Date) {
  const stuck = sql`${executions.status} = 'RUNNING' and ${executions.updatedAt} < ${silentSince.toISOString()}::timestamptz`;
  const overdue = sql`${executions.timeoutMs} is not null and ${executions.startedAt} + ${executions.timeoutMs} * interval '1 millisecond' < ${now.toISOString()}::timestamptz`;
  const [row] = await db
    .select({
      stuck: sql<number>`count(*) filter (where ${stuck})`.mapWith(Number),
      overdue: sql<number>`count(*) filter (where ${overdue})`.mapWith(Number),
      late: sql<number>`count(*) filter (where (${stuck}) or (${overdue}))`.mapWith(Number),
    })
    .from(executions)
    .where(inArray(executions.status, ['RUNNING', 'WAITING_APPROVAL']));
  return { stuck: row?.stuck ?? 0, overdue: row?.overdue ?? 0, late: row?.late ?? 0 };
}

/** How many executions are queued, and since when the oldest of them. */
export async function queueLength(db: Db) {
  const [row] = await db
    .select({ depth: sql<number>`count(*)`.mapWith(Number), oldest: sql<string | null>`min(${executions.queuedAt})` })
    .from(executions)
    .where(eq(executions.status, 'QUEUED'));
  return { depth: row?.depth ?? 0, oldestQueuedAt: asDate(row?.oldest) };
}

/**
 * The oldest event that feeds cannot serve yet: events of transactions newer than one still in
 * flight wait, so a long transaction anywhere on the server (an idle session in a transaction, say)
 * holds every feed back. Null when nothing waits.
 */
export async function oldestHeldBackEvent(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ oldest: sql<string | null>`min(${events.timestamp})` })
    .from(events)
    .where(sql`${events.txId} >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
  return asDate(row?.oldest);
}
