/** Alerts, the round lock and what the alert loop remembers between rounds. */
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { OPEN_ALERT_STATUSES, type AlertSeverity, type AlertStatus } from '../domain/alerts.js';
import type { HealthStatus } from '../domain/health.js';
import type { Db } from './client.js';
import { queryRows, type NamespaceScope } from './query.js';
import { alerts, monitorState, type AlertRow } from './schema.js';

/**
 * Serialises every writer of alerts and of system events: an evaluation round takes it or skips,
 * acknowledge and resolve wait for it. Held by the transaction, from before its first write.
 */
const ROUND_LOCK = 7_240_612;

const visible = (scope: NamespaceScope) =>
  scope === null ? undefined : scope.length === 0 ? sql`false` : inArray(alerts.namespace, [...scope]);

/** Takes the round lock for this transaction; false when another transaction holds it. */
export async function tryLockRound(tx: Db): Promise<boolean> {
  const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${ROUND_LOCK}) as ok`);
  return lock?.ok === true;
}

/** Waits for the round lock, for this transaction. */
export async function lockRound(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ROUND_LOCK})`);
}

export const openAlerts = (tx: Db) => tx.select().from(alerts).where(inArray(alerts.status, [...OPEN_ALERT_STATUSES]));

/** Inserts the alert unless one is open with its fingerprint; null then. */
export async function insertAlert(tx: Db, alert: AlertRow): Promise<AlertRow | null> {
  const [inserted] = await tx.insert(alerts).values(alert).onConflictDoNothing().returning();
  return inserted ?? null;
}

export async function updateAlert(tx: Db, id: string, changes: Partial<Omit<AlertRow, 'id'>>): Promise<AlertRow> {
  const [updated] = await tx.update(alerts).set(changes).where(eq(alerts.id, id)).returning();
  return updated!;
}

export async function deleteAlert(tx: Db, id: string): Promise<void> {
  await tx.delete(alerts).where(eq(alerts.id, id));
}

/** The alert, locked for the rest of the transaction, if `scope` may see it. */
export async function lockAlert(tx: Db, id: string, scope: NamespaceScope): Promise<AlertRow | null> {
  const [alert] = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.id, id), visible(scope)))
    .for('update');
  return alert ?? null;
}

export interface AlertFilter {
  status?: readonly AlertStatus[] | null;
  severity?: readonly AlertSeverity[] | null;
}

/** Visible alerts (never PENDING ones), newest first, after `after`; one more than `limit` to tell whether a page follows. */
export function listAlerts(db: Db, filter: AlertFilter, scope: NamespaceScope, after: { firstSeenAt: Date; id: string } | null, limit: number) {
  const statuses = filter.status?.length ? filter.status : (['FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const);
  return db
    .select()
    .from(alerts)
    .where(
      and(
        inArray(alerts.status, [...statuses]),
        ne(alerts.status, 'PENDING'),
        filter.severity?.length ? inArray(alerts.severity, [...filter.severity]) : undefined,
        visible(scope),
        after ? sql`(${alerts.firstSeenAt}, ${alerts.id}) < (${after.firstSeenAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(alerts.firstSeenAt), desc(alerts.id))
    .limit(limit + 1);
}

export async function alertsByIds(db: Db, ids: readonly string[], scope: NamespaceScope): Promise<AlertRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(alerts).where(and(inArray(alerts.id, [...ids]), ne(alerts.status, 'PENDING'), visible(scope)));
}

/** The last round any instance completed, and the overall health it saw; null before the first. */
export async function lastRound(db: Db): Promise<{ lastEvaluatedAt: Date; healthStatus: HealthStatus } | null> {
  const [state] = await db.select().from(monitorState).where(eq(monitorState.id, 1));
  return state ?? null;
}

export async function recordRound(tx: Db, evaluatedAt: Date, healthStatus: HealthStatus): Promise<void> {
  await tx
    .insert(monitorState)
    .values({ id: 1, lastEvaluatedAt: evaluatedAt, healthStatus })
    .onConflictDoUpdate({ target: monitorState.id, set: { lastEvaluatedAt: evaluatedAt, healthStatus } });
}
