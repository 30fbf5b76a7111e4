/** Alerts, the executions behind them, the round and leader locks and what the alert loop remembers between rounds. */
import { and, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { ExecutionPosition } from '../domain/cursors.js';
import { OPEN_ALERT_STATUSES, type AlertSeverity, type AlertStatus } from '../domain/alerts.js';
import type { HealthStatus } from '../domain/health.js';
import type { Db } from './client.js';
import { queryRows, updateRows, type NamespaceScope } from './query.js';
import { alertExecutions, alerts, executions, monitorState, type AlertRow, type ExecutionRow } from './schema.js';

/**
 * Serialises every writer of alerts and of system events: an evaluation round takes it or skips,
 * acknowledge and resolve wait for it. Held by the transaction, from before its first write.
 */
const ROUND_LOCK = 7_240_612;

/** Held by the session of the instance that runs the rounds (the leader); the others stand by. */
export const LEADER_LOCK = 7_240_613;

const inScope = (column: typeof alerts.namespace | typeof executions.namespace, scope: NamespaceScope) =>
  scope === null ? undefined : scope.length === 0 ? sql`false` : inArray(column, [...scope]);
const visible = (scope: NamespaceScope) => inScope(alerts.namespace, scope);

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

/** What a round changes of an open alert: its condition's figures and its state. */
const ALERT_STATE = ['severity', 'status', 'message', 'value', 'threshold', 'lastSeenAt', 'clearSince', 'occurrences', 'resolvedAt'] as const;

/** Writes a round's updates of open alerts in one statement, whatever their number. */
export async function updateAlerts(tx: Db, rows: readonly AlertRow[]): Promise<void> {
  if (rows.length > 0) await updateRows(tx, alerts, ['id', ...ALERT_STATE], rows);
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

/** Alerts of the given statuses (by default all but PENDING), newest first, after `after`; one more than `limit` to tell whether a page follows. */
export function listAlerts(db: Db, filter: AlertFilter, scope: NamespaceScope, after: { firstSeenAt: Date; id: string } | null, limit: number) {
  const statuses = filter.status?.length ? filter.status : (['FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const);
  return db
    .select()
    .from(alerts)
    .where(
      and(
        inArray(alerts.status, [...statuses]),
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
  return db.select().from(alerts).where(and(inArray(alerts.id, [...ids]), visible(scope)));
}

/**
 * The executions linked to each alert, newest first, after `after`: at most `limit + 1` per alert
 * (to tell whether a page follows), in one statement for every alert of a page.
 */
export async function executionsOfAlerts(
  db: Db,
  alertIds: readonly string[],
  scope: NamespaceScope,
  after: ExecutionPosition | null,
  limit: number,
): Promise<{ alertId: string; execution: ExecutionRow }[]> {
  if (alertIds.length === 0) return [];
  const ranked = db
    .select({
      ...getTableColumns(executions),
      alertId: alertExecutions.alertId,
      rank: sql<number>`row_number() over (partition by ${alertExecutions.alertId} order by ${executions.createdAt} desc, ${executions.id} desc)`.as('rank'),
    })
    .from(alertExecutions)
    .innerJoin(executions, eq(executions.id, alertExecutions.executionId))
    .where(
      and(
        inArray(alertExecutions.alertId, [...alertIds]),
        inScope(executions.namespace, scope),
        after ? sql`(${executions.createdAt}, ${executions.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .as('ranked');
  const rows = await db.select().from(ranked).where(sql`${ranked.rank} <= ${limit + 1}`).orderBy(ranked.alertId, ranked.rank);
  return rows.map(({ alertId, rank: _, ...execution }) => ({ alertId, execution }));
}

/** Whoever ran the last round, and the health it saw. */
export interface RoundState {
  lastEvaluatedAt: Date;
  healthStatus: HealthStatus;
  leaderId: string | null;
  leaderSince: Date | null;
  rounds: number;
}

/** The last round any instance completed; null before the first. */
export async function lastRound(db: Db): Promise<RoundState | null> {
  const [state] = await db.select().from(monitorState).where(eq(monitorState.id, 1));
  return state ?? null;
}

export async function recordRound(tx: Db, state: RoundState): Promise<void> {
  await tx.insert(monitorState).values({ id: 1, ...state }).onConflictDoUpdate({ target: monitorState.id, set: state });
}
