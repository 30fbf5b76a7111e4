/**
 * Retention's SQL: the day partitions of executions, steps and events (created ahead, dropped whole),
 * the rollups' pruning, the retention settings and state, and what health reports of the storage.
 */
import { eq, getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { FINAL_EXECUTION_STATUSES } from '../domain/lifecycle.js';
import type { EventPosition } from '../domain/cursors.js';
import type { RetentionOverride } from '../domain/retention.js';
import type { Db } from './client.js';
import { queryRows } from './query.js';
import {
  events,
  executionDays,
  executionHours,
  executionMinutes,
  executionNamespaceHours,
  executions,
  retentionSettings,
  retentionState,
  stepDays,
  stepHours,
  stepMinutes,
  type RetentionSettingsRow,
  type RetentionStateRow,
} from './schema.js';

/** Each partitioned table and its partition key (a timestamptz). */
export const PARTITIONED_TABLES = [
  { table: 'executions', key: 'created_at' },
  { table: 'steps', key: 'execution_created_at' },
  { table: 'events', key: 'timestamp' },
] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number]['table'];

const DAY_MS = 86_400_000;
const dayStamp = (day: Date) => day.toISOString().slice(0, 10).replaceAll('-', '');
const partitionName = (table: PartitionedTable, day: Date) => `${table}_p${dayStamp(day)}`;
const ident = (name: string) => sql.raw(`"${name}"`);
const literal = (date: Date) => sql.raw(`'${date.toISOString()}'`);
const finalStatuses = sql.raw(FINAL_EXECUTION_STATUSES.map((s) => `'${s}'`).join(', '));

/** The day partitions of each table (UTC midnights); the default partitions are not listed. */
export async function dayPartitions(db: Db): Promise<Map<PartitionedTable, Date[]>> {
  const rows = await queryRows<{ parent: PartitionedTable; name: string }>(
    db,
    sql`select p.relname as parent, c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where i.inhparent in (${sql.raw(PARTITIONED_TABLES.map((t) => `'${t.table}'::regclass`).join(', '))})`,
  );
  const byTable = new Map<PartitionedTable, Date[]>(PARTITIONED_TABLES.map((t) => [t.table, []]));
  for (const { parent, name } of rows) {
    const match = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (match) byTable.get(parent)!.push(new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`));
  }
  for (const days of byTable.values()) days.sort((a, b) => a.getTime() - b.getTime());
  return byTable;
}

/** The UTC days of rows in the default partitions (few rows: those kept open past their day, or written ahead of the partitions). */
export async function daysInDefaultPartitions(db: Db): Promise<Date[]> {
  const rows = await queryRows<{ day: string | Date }>(
    db,
    sql.raw(
      PARTITIONED_TABLES.map(({ table, key }) => `select distinct date_trunc('day', "${key}" at time zone 'UTC') as day from "${table}_default"`).join(' union '),
    ),
  );
  return rows.map((r) => new Date(`${(typeof r.day === 'string' ? r.day : r.day.toISOString()).slice(0, 10)}T00:00:00Z`));
}

/**
 * Creates `table`'s partition of `day`. Rows of that day already in the default partition (written
 * while the clock ran ahead of the partitions) move into it first, or attaching it would fail.
 */
export async function createDayPartition(tx: Db, table: PartitionedTable, day: Date): Promise<void> {
  const { key } = PARTITIONED_TABLES.find((t) => t.table === table)!;
  const name = partitionName(table, day);
  const [from, to] = [day, new Date(day.getTime() + DAY_MS)];
  const inDay = sql`${ident(key)} >= ${literal(from)} and ${ident(key)} < ${literal(to)}`;
  await tx.execute(sql`create table ${ident(name)} (like ${ident(table)} including defaults including constraints)`);
  await tx.execute(sql`with moved as (delete from ${ident(`${table}_default`)} where ${inDay} returning *) insert into ${ident(name)} select * from moved`);
  await tx.execute(sql`alter table ${ident(table)} attach partition ${ident(name)} for values from (${literal(from)}) to (${literal(to)})`);
}

/** Takes ACCESS EXCLUSIVE locks on `tables` (and their partitions) in one statement, waiting at most `timeoutMs`. */
export async function lockTables(tx: Db, tables: readonly PartitionedTable[], timeoutMs: number): Promise<void> {
  await tx.execute(sql.raw(`set local lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`));
  await tx.execute(sql.raw(`lock table ${tables.map((t) => `"${t}"`).join(', ')} in access exclusive mode`));
}

/** Postgres' lock_not_available (a lock_timeout), through Drizzle's wrapping. */
export function isLockTimeout(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if ((e as { code?: string }).code === '55P03') return true;
  return false;
}

/** The newest position of `rows` (a query of tx_id, id), or null. */
async function newestPosition(db: Db, rows: ReturnType<typeof sql>): Promise<EventPosition | null> {
  const [row] = await queryRows<{ tx_id: string; id: string }>(db, sql`with r as (${rows}) select tx_id, id from r order by tx_id desc, id desc limit 1`);
  return row ? { txId: Number(row.tx_id), id: Number(row.id) } : null;
}

/**
 * Drops the partitions of `day` (those that exist). Open executions of that day, their steps, and
 * the events of every open execution are kept: the partitions are detached, those rows inserted
 * again (with nowhere else to go they land in the default partitions), then the partitions dropped.
 * Returns the newest feed position among the events dropped.
 */
export async function dropDayPartitions(tx: Db, day: Date, existing: ReadonlySet<PartitionedTable>): Promise<EventPosition | null> {
  const has = (table: PartitionedTable) => existing.has(table);
  const part = (table: PartitionedTable) => ident(partitionName(table, day));
  for (const { table } of PARTITIONED_TABLES) {
    if (has(table)) await tx.execute(sql`alter table ${ident(table)} detach partition ${part(table)}`);
  }
  if (has('executions')) {
    await tx.execute(sql`insert into executions select * from ${part('executions')} where status not in (${finalStatuses})`);
    if (has('steps')) {
      await tx.execute(
        sql`insert into steps select * from ${part('steps')} where execution_id in (select id from ${part('executions')} where status not in (${finalStatuses}))`,
      );
    }
  }
  let dropped: EventPosition | null = null;
  if (has('events')) {
    const ofOpen = sql`execution_id in (select id from executions where status not in (${finalStatuses}))`;
    await tx.execute(sql`insert into events select * from ${part('events')} where ${ofOpen}`);
    dropped = await newestPosition(tx, sql`select tx_id, id from ${part('events')} where execution_id is null or not ${ofOpen}`);
  }
  const tables = PARTITIONED_TABLES.filter((t) => has(t.table)).map((t) => part(t.table));
  if (tables.length) await tx.execute(sql`drop table ${sql.join(tables, sql`, `)}`);
  return dropped;
}

/**
 * Rows older than `cutoff` in the default partitions: executions kept open past their day that have
 * finished since, their steps and events, and rows that landed there with no partition of their
 * day. Few rows (never a day's worth), so they are deleted. Returns the newest event position deleted.
 */
export async function pruneDefaultPartitions(tx: Db, cutoff: Date): Promise<EventPosition | null> {
  await tx.execute(sql`delete from executions_default where created_at < ${literal(cutoff)} and status in (${finalStatuses})`);
  await tx.execute(
    sql`delete from steps_default s where execution_created_at < ${literal(cutoff)} and not exists (select 1 from executions e where e.id = s.execution_id)`,
  );
  return newestPosition(
    tx,
    sql`delete from events_default ev where "timestamp" < ${literal(cutoff)}
      and (execution_id is null or not exists (select 1 from executions e where e.id = ev.execution_id and e.status not in (${finalStatuses})))
      returning tx_id, id`,
  );
}

/** Per-namespace cutoffs of one rollup table's time column: the namespaces' own, else `fallback`. */
async function pruneRollup(tx: Db, table: PgTable, column: string, cutoffs: ReadonlyMap<string, Date>, fallback: Date) {
  const own = JSON.stringify([...cutoffs].map(([namespace, cutoff]) => ({ namespace, cutoff: cutoff.toISOString() })));
  await tx.execute(sql`delete from ${table} r where r.${ident(column)} < coalesce(
    (select c.cutoff from jsonb_to_recordset(${own}::jsonb) as c(namespace text, cutoff timestamptz) where c.namespace = r.namespace),
    ${literal(fallback)}::timestamptz)`);
}

export interface RollupCutoffs {
  minutes: { byNamespace: ReadonlyMap<string, Date>; fallback: Date };
  coarse: { byNamespace: ReadonlyMap<string, Date>; fallback: Date };
}

/** Deletes rollup rows past their namespace's retention (a pass's worth of minutes or hours: small). */
export async function pruneRollups(tx: Db, cutoffs: RollupCutoffs): Promise<void> {
  const { minutes, coarse } = cutoffs;
  for (const table of [executionMinutes, stepMinutes]) await pruneRollup(tx, table, 'minute', minutes.byNamespace, minutes.fallback);
  for (const [table, column] of [
    [executionHours, 'hour'],
    [executionNamespaceHours, 'hour'],
    [stepHours, 'hour'],
    [executionDays, 'day'],
    [stepDays, 'day'],
  ] as const) {
    await pruneRollup(tx, table, column, coarse.byNamespace, coarse.fallback);
  }
}

export const allRetentionSettings = (db: Db): Promise<RetentionSettingsRow[]> => db.select().from(retentionSettings);

/** Sets a namespace's values (null: back to the default). */
export async function upsertRetentionSettings(db: Db, namespace: string, values: RetentionOverride, now: Date): Promise<RetentionSettingsRow> {
  const set = { ...values, updatedAt: now };
  const [row] = await db
    .insert(retentionSettings)
    .values({ namespace, ...set })
    .onConflictDoUpdate({ target: retentionSettings.namespace, set })
    .returning();
  return row!;
}

export async function retentionStateOf(db: Db): Promise<RetentionStateRow | null> {
  const [row] = await db.select().from(retentionState).where(eq(retentionState.id, 1));
  return row ?? null;
}

export async function recordRetentionState(db: Db, state: Omit<RetentionStateRow, 'id'>): Promise<void> {
  await db.insert(retentionState).values({ id: 1, ...state }).onConflictDoUpdate({ target: retentionState.id, set: state });
}

/** The feed position before which events were dropped, and since when raw rows are kept. */
export async function retentionHorizon(db: Db): Promise<{ droppedThrough: EventPosition | null; rawKeptFrom: Date | null }> {
  const [row] = await db
    .select({ txId: retentionState.droppedThroughTxId, id: retentionState.droppedThroughId, rawKeptFrom: retentionState.rawKeptFrom })
    .from(retentionState)
    .where(eq(retentionState.id, 1));
  return {
    droppedThrough: row && row.txId !== null && row.id !== null ? { txId: row.txId, id: row.id } : null,
    rawKeptFrom: row?.rawKeptFrom ?? null,
  };
}

/** Bytes on disk (with indexes and TOAST) of each partitioned table, summed over its partitions, and of the rollups. */
export async function tableSizes(db: Db): Promise<{ table: string; bytes: number; partitions: number }[]> {
  const rollups = [executionMinutes, executionHours, executionDays, executionNamespaceHours, stepMinutes, stepHours, stepDays].map(getTableName);
  const rows = await queryRows<{ table: string; bytes: string; partitions: string }>(
    db,
    sql`select p.relname as "table", sum(pg_total_relation_size(i.inhrelid))::bigint as bytes, count(*) as partitions
      from pg_inherits i join pg_class p on p.oid = i.inhparent
      where i.inhparent in (${sql.raw(PARTITIONED_TABLES.map((t) => `'${t.table}'::regclass`).join(', '))}) group by p.relname
      union all
      select relname, pg_total_relation_size(oid), 1 from pg_class where oid in (${sql.raw(rollups.map((t) => `'${t}'::regclass`).join(', '))})
      order by 1`,
  );
  return rows.map((r) => ({ table: r.table, bytes: Number(r.bytes), partitions: Number(r.partitions) }));
}

/** The oldest execution and event still stored. */
export async function oldestKeptData(db: Db): Promise<{ executionCreatedAt: Date | null; eventAt: Date | null }> {
  const [row] = await queryRows<{ execution: string | Date | null; event: string | Date | null }>(
    db,
    sql`select (select min(${executions.createdAt}) from ${executions}) as execution, (select min(${events.timestamp}) from ${events}) as event`,
  );
  const asDate = (v: string | Date | null | undefined) => (v ? new Date(v) : null);
  return { executionCreatedAt: asDate(row?.execution), eventAt: asDate(row?.event) };
}
