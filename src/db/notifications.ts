/** Receivers, routes, notification groups and the delivery outbox (which is also the delivery log). */
import { and, asc, desc, eq, inArray, isNull, lte, notExists, or, sql, type SQL } from 'drizzle-orm';
import { alias, type PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';
import type { NamespaceScope } from './query.js';
import {
  alerts,
  alertDeliveries,
  alertReceivers,
  alertRoutes,
  notificationGroups,
  type AlertRow,
  type DeliveryRow,
  type DeliveryStatus,
  type NotificationGroupRow,
  type ReceiverRow,
  type RouteRow,
} from './schema.js';

const iso = (at: Date) => sql`${at.toISOString()}::timestamptz`;
const inNamespaces = (column: PgColumn, scope: NamespaceScope): SQL | undefined =>
  scope === null ? undefined : scope.length === 0 ? sql`false` : inArray(column, [...scope]);
/** Routes confined to some of the scope's namespaces; unconfined ones only for keys without a limit. */
const routeVisible = (scope: NamespaceScope): SQL | undefined =>
  scope === null ? undefined : sql`(${alertRoutes.namespaces} is not null and ${alertRoutes.namespaces} <@ ${sql.param([...scope])}::text[])`;

export async function insertReceiver(db: Db, row: ReceiverRow): Promise<ReceiverRow> {
  const [inserted] = await db.insert(alertReceivers).values(row).returning();
  return inserted!;
}

export async function updateReceiver(db: Db, id: string, changes: Partial<Omit<ReceiverRow, 'id'>>, scope: NamespaceScope) {
  const [updated] = await db
    .update(alertReceivers)
    .set(changes)
    .where(and(eq(alertReceivers.id, id), inNamespaces(alertReceivers.namespace, scope)))
    .returning();
  return updated ?? null;
}

export async function deleteReceiver(db: Db, id: string, scope: NamespaceScope): Promise<ReceiverRow | null> {
  const [deleted] = await db
    .delete(alertReceivers)
    .where(and(eq(alertReceivers.id, id), inNamespaces(alertReceivers.namespace, scope)))
    .returning();
  return deleted ?? null;
}

export function receiversByIds(db: Db, ids: readonly string[], scope: NamespaceScope): Promise<ReceiverRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(alertReceivers)
    .where(and(inArray(alertReceivers.id, [...ids]), inNamespaces(alertReceivers.namespace, scope)));
}

export function listReceivers(db: Db, scope: NamespaceScope): Promise<ReceiverRow[]> {
  return db
    .select()
    .from(alertReceivers)
    .where(inNamespaces(alertReceivers.namespace, scope))
    .orderBy(asc(alertReceivers.name), asc(alertReceivers.id));
}

export async function insertRoute(db: Db, row: RouteRow): Promise<RouteRow> {
  const [inserted] = await db.insert(alertRoutes).values(row).returning();
  return inserted!;
}

export async function updateRoute(db: Db, id: string, changes: Partial<Omit<RouteRow, 'id'>>, scope: NamespaceScope) {
  const [updated] = await db
    .update(alertRoutes)
    .set(changes)
    .where(and(eq(alertRoutes.id, id), routeVisible(scope)))
    .returning();
  return updated ?? null;
}

export async function deleteRoute(db: Db, id: string, scope: NamespaceScope): Promise<RouteRow | null> {
  const [deleted] = await db
    .delete(alertRoutes)
    .where(and(eq(alertRoutes.id, id), routeVisible(scope)))
    .returning();
  return deleted ?? null;
}

export const routesOfReceiver = (db: Db, receiverId: string) =>
  db.select({ id: alertRoutes.id }).from(alertRoutes).where(eq(alertRoutes.receiverId, receiverId)).limit(1);

/** In the order they are tried. */
export function listRoutes(db: Db, scope: NamespaceScope): Promise<RouteRow[]> {
  return db
    .select()
    .from(alertRoutes)
    .where(routeVisible(scope))
    .orderBy(asc(alertRoutes.position), asc(alertRoutes.id));
}

/** What planning judges: the open alerts (not pending ones) and the alerts of `notified`, whatever became of them. */
export function alertsToNotify(tx: Db, notified: readonly string[]): Promise<AlertRow[]> {
  const open = inArray(alerts.status, ['FIRING', 'ACKNOWLEDGED']);
  return tx
    .select()
    .from(alerts)
    .where(notified.length ? or(open, sql`${alerts.id} = any(${sql.param([...notified])}::uuid[])`) : open);
}

export const listGroups = (tx: Db): Promise<NotificationGroupRow[]> => tx.select().from(notificationGroups);

export async function saveGroups(tx: Db, rows: readonly NotificationGroupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(notificationGroups)
    .values([...rows])
    .onConflictDoUpdate({
      target: notificationGroups.key,
      set: { lastNotifiedAt: sql`excluded.last_notified_at`, notified: sql`excluded.notified`, labels: sql`excluded.labels` },
    });
}

export async function deleteGroups(tx: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.delete(notificationGroups).where(inArray(notificationGroups.key, [...keys]));
}

/** A notification to send: every column but those the database or the sending assign. */
export type NewDeliveryRow = Omit<DeliveryRow, 'seq' | 'attempts' | 'lastStatusCode' | 'lastError' | 'leaseUntil' | 'deliveredAt'>;

export async function insertDeliveries(tx: Db, rows: readonly NewDeliveryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(alertDeliveries).values([...rows]);
}

const earlier = alias(alertDeliveries, 'earlier');

/**
 * Claims up to `limit` due notifications for sending, leased until now + their receiver's timeout
 * + `marginMs`: PENDING, due, not leased (or leased by an instance that has since died), not in
 * `tried`, and none of their receiver and group written before them still pending (each
 * receiver's notifications of a group go out in order). One statement; other instances skip the
 * rows it locks.
 */
export function claimDeliveries(db: Db, options: { now: Date; limit: number; tried: readonly string[]; timeoutMs: number; marginMs: number }) {
  const { now } = options;
  const due = db
    .select({ id: alertDeliveries.id })
    .from(alertDeliveries)
    .where(
      and(
        eq(alertDeliveries.status, 'PENDING'),
        lte(alertDeliveries.nextAttemptAt, iso(now)),
        or(isNull(alertDeliveries.leaseUntil), lte(alertDeliveries.leaseUntil, iso(now))),
        options.tried.length ? sql`${alertDeliveries.id} <> all(${sql.param([...options.tried])}::uuid[])` : undefined,
        notExists(
          db
            .select({ one: sql`1` })
            .from(earlier)
            .where(
              and(
                eq(earlier.status, 'PENDING'),
                eq(earlier.receiverId, alertDeliveries.receiverId),
                eq(earlier.groupKey, alertDeliveries.groupKey),
                sql`${earlier.seq} < ${alertDeliveries.seq}`,
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(alertDeliveries.seq))
    .limit(options.limit)
    .for('update', { of: alertDeliveries, skipLocked: true });
  const timeout = sql`coalesce(${alertReceivers.timeoutMs}, ${options.timeoutMs})`;
  return db
    .update(alertDeliveries)
    .set({
      attempts: sql`${alertDeliveries.attempts} + 1`,
      leaseUntil: sql`${iso(now)} + (${timeout} + ${options.marginMs}) * interval '1 millisecond'`,
    })
    .from(alertReceivers)
    .where(and(eq(alertReceivers.id, alertDeliveries.receiverId), inArray(alertDeliveries.id, due)))
    .returning({
      id: alertDeliveries.id,
      seq: alertDeliveries.seq,
      body: alertDeliveries.body,
      attempts: alertDeliveries.attempts,
      receiver: {
        id: alertReceivers.id,
        name: alertReceivers.name,
        kind: alertReceivers.kind,
        url: alertReceivers.url,
        secret: alertReceivers.secret,
        timeoutMs: alertReceivers.timeoutMs,
      },
    });
}

export type ClaimedDelivery = Awaited<ReturnType<typeof claimDeliveries>>[number];

export type AttemptRecord = Pick<ClaimedDelivery, 'id' | 'attempts'> &
  Pick<DeliveryRow, 'status' | 'lastStatusCode' | 'lastError' | 'nextAttemptAt' | 'deliveredAt'>;

/**
 * Records attempts' outcomes in one statement, each unless its row was claimed again since (its
 * lease ran out): `attempts` fences it.
 */
export async function recordAttempts(db: Db, records: readonly AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  // Every column travels as text[] and is cast, as src/db/query.ts does (postgres.js binds typed arrays unreliably).
  const asText = (value: string | number | Date | null) => (value === null ? null : value instanceof Date ? value.toISOString() : String(value));
  const column = (pick: (r: AttemptRecord) => string | number | Date | null, type: string) =>
    sql`${sql.param(records.map((r) => asText(pick(r))))}::text[]::${sql.raw(type)}[]`;
  await db.execute(sql`
    update ${alertDeliveries} as d
    set status = v.status, last_status_code = v.code, last_error = v.error, next_attempt_at = v.next, delivered_at = v.delivered, lease_until = null
    from unnest(${column((r) => r.id, 'uuid')}, ${column((r) => r.attempts, 'int')}, ${column((r) => r.status, 'text')},
      ${column((r) => r.lastStatusCode, 'int')}, ${column((r) => r.lastError, 'text')}, ${column((r) => r.nextAttemptAt, 'timestamptz')},
      ${column((r) => r.deliveredAt, 'timestamptz')}) as v(id, attempts, status, code, error, next, delivered)
    where d.id = v.id and d.attempts = v.attempts and d.status = 'PENDING'`);
}

/** Deletes up to `limit` of the oldest settled (DELIVERED or FAILED) notifications written before `before`; how many it deleted. */
export async function pruneDeliveries(db: Db, before: Date, limit: number): Promise<number> {
  const oldest = db
    .select({ id: alertDeliveries.id })
    .from(alertDeliveries)
    .where(and(sql`${alertDeliveries.status} <> 'PENDING'`, sql`${alertDeliveries.createdAt} < ${iso(before)}`))
    .orderBy(asc(alertDeliveries.seq))
    .limit(limit);
  const deleted = await db.delete(alertDeliveries).where(inArray(alertDeliveries.id, oldest)).returning({ id: alertDeliveries.id });
  return deleted.length;
}

export interface DeliveryFilter {
  alertId?: string | null;
  receiverId?: string | null;
  status?: readonly DeliveryStatus[] | null;
}

const containsAlert = (alertId: string) => sql`${alertDeliveries.alertIds} @> array[${alertId}::uuid]`;

/** Newest first, after the one numbered `afterSeq`; one more than `limit` to tell whether a page follows. */
export function listDeliveries(db: Db, filter: DeliveryFilter, scope: NamespaceScope, afterSeq: number | null, limit: number): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(alertDeliveries)
    .where(
      and(
        filter.alertId ? containsAlert(filter.alertId) : undefined,
        filter.receiverId ? eq(alertDeliveries.receiverId, filter.receiverId) : undefined,
        filter.status?.length ? inArray(alertDeliveries.status, [...filter.status]) : undefined,
        inNamespaces(alertDeliveries.namespace, scope),
        afterSeq === null ? undefined : sql`${alertDeliveries.seq} < ${afterSeq}`,
      ),
    )
    .orderBy(desc(alertDeliveries.seq))
    .limit(limit + 1);
}

/** Whether the delivery numbered `seq` is there and in `scope`. */
export async function deliveryExists(db: Db, seq: number, scope: NamespaceScope): Promise<boolean> {
  const found = await db
    .select({ seq: alertDeliveries.seq })
    .from(alertDeliveries)
    .where(and(eq(alertDeliveries.seq, seq), inNamespaces(alertDeliveries.namespace, scope)));
  return found.length > 0;
}

export function deliveriesByIds(db: Db, ids: readonly string[], scope: NamespaceScope): Promise<DeliveryRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(alertDeliveries)
    .where(and(inArray(alertDeliveries.id, [...ids]), inNamespaces(alertDeliveries.namespace, scope)));
}

/** The latest `limit` notifications of each alert (newest first), in one statement. */
export async function latestDeliveriesOf(db: Db, alertIds: readonly string[], scope: NamespaceScope, limit: number): Promise<DeliveryRow[][]> {
  if (alertIds.length === 0) return [];
  const latestOfEach = sql`select latest.id from unnest(${sql.param([...alertIds])}::uuid[]) as wanted(id) cross join lateral (
    select ${alertDeliveries.id} from ${alertDeliveries}
    where ${alertDeliveries.alertIds} @> array[wanted.id] and ${inNamespaces(alertDeliveries.namespace, scope) ?? sql`true`}
    order by ${alertDeliveries.seq} desc limit ${limit}) as latest`;
  const rows = await db
    .select()
    .from(alertDeliveries)
    .where(sql`${alertDeliveries.id} in (${latestOfEach})`)
    .orderBy(desc(alertDeliveries.seq));
  // A row of several alerts was found once for each; every alert's own latest are all among them.
  return alertIds.map((id) => rows.filter((row) => row.alertIds.includes(id)).slice(0, limit));
}
