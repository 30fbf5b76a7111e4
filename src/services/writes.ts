import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.js';
import { preparedStatements, tableReader, value } from '../db/query.js';
import { events, executions, steps, type EventRow, type ExecutionRow, type StepRow } from '../db/schema.js';
import type { RollupDelta } from '../domain/metrics.js';
import { compare, writeRollups } from './rollups.js';

/*
 * The write path's SQL. A batch of any size costs the same statements: rows travel as one array
 * parameter per column (`unnest`), so a statement's text does not depend on how many rows it reads
 * or writes (the rollup upsert, one row per rollup row touched, is the exception).
 */

const asText = (column: PgColumn, value: unknown) => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return column.columnType === 'PgJsonb' ? JSON.stringify(value) : String(value);
};
const castFromText = (column: PgColumn) => {
  const type = column.columnType === 'PgTimestamp' ? 'timestamptz' : column.getSQLType();
  return type === 'text' ? '' : `::${type}[]`;
};

const prepare = preparedStatements();
const executionRows = tableReader(executions);
const stepRows = tableReader(steps);

/**
 * `unnest($c0::text[]::uuid[], ...) as v(id, ...)`: the rows' `keys` columns, one array each,
 * given as values c0, c1, ...
 */
function unnestRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const names = keys.map((key) => columns[key]!.name);
  const values = Object.fromEntries(keys.map((key, i) => [`c${i}`, rows.map((row) => asText(columns[key]!, row[key]))]));
  const from = () =>
    sql`unnest(${sql.join(keys.map((key, i) => sql`${value(`c${i}`)}::text[]${sql.raw(castFromText(columns[key]!))}`), sql`, `)}) as v(${sql.raw(names.join(', '))})`;
  return { names, values, from, shape: `${getTableName(table)}:${names.join()}` };
}

function insertRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(tx: Db, table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const { names, values, from, shape } = unnestRows(table, keys, rows);
  return prepare(tx, `insert ${shape}`, values, () => sql`insert into ${table} (${sql.raw(names.join(', '))}) select * from ${from()}`).run();
}

/** Sets the other `keys` columns of each row found by the first one, its id. */
function updateRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(tx: Db, table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const { names, values, from, shape } = unnestRows(table, keys, rows);
  const set = names.slice(1).map((name) => `${name} = v.${name}`);
  return prepare(tx, `update ${shape}`, values, () => sql`update ${table} as t set ${sql.raw(set.join(', '))} from ${from()} where t.id = v.id`).run();
}

/** The executions named (value `executionIds`), directly or through one of their steps (`stepIds`); a step's execution never changes. */
const targetExecutions = sql`(select unnest(${value('executionIds')}::uuid[]) union all select ${steps.executionId} from ${steps} where ${steps.id} = any(${value('stepIds')}::uuid[]))`;

export interface Targets {
  executionIds: string[];
  stepIds: string[];
  /** Executions to find by their engine's id (creates that may repeat). */
  externalIds: { namespace: string; externalId: string }[];
}

/**
 * Locks the targets' executions and reads them with their steps, and the executions with the given
 * external ids, in one round trip: statements issued together are pipelined on the transaction's
 * connection and run in the order issued, so both reads take their snapshot after the locks are held.
 *
 * The locks are advisory, not FOR UPDATE: they are taken before the transaction gets an xid, so
 * writers of one execution get increasing xids and feeds keep its events in seq order. One
 * statement takes them all, in key order, so batches locking the same executions cannot deadlock.
 */
export async function lockAndLoad(tx: Db, targets: Targets): Promise<{ executions: ExecutionRow[]; steps: StepRow[] }> {
  const locking = targets.executionIds.length > 0 || targets.stepIds.length > 0;
  const ids = { executionIds: targets.executionIds, stepIds: targets.stepIds };
  const external = {
    namespaces: targets.externalIds.map((e) => e.namespace),
    externalIds: targets.externalIds.map((e) => e.externalId),
  };
  const [, locked, stepsOfLocked, byExternalId] = await Promise.all([
    locking &&
      prepare(tx, 'lock', ids, () =>
        sql`select pg_advisory_xact_lock(key) from (select distinct hashtextextended(id::text, 0) as key from ${targetExecutions} as target(id)) as keys order by key`,
      ).run(),
    locking ? executionRows(tx, 'lockedExecutions', ids, () => tx.select().from(executions).where(sql`${executions.id} in ${targetExecutions}`)) : [],
    locking
      ? stepRows(tx, 'stepsOfLocked', ids, () =>
          tx.select().from(steps).where(sql`${steps.executionId} in ${targetExecutions}`).orderBy(steps.executionId, steps.position),
        )
      : [],
    targets.externalIds.length
      ? executionRows(tx, 'executionsByExternalId', external, () =>
          tx
            .select()
            .from(executions)
            .where(
              sql`(${executions.namespace}, ${executions.externalId}) in (select * from unnest(${value('namespaces')}::text[], ${value('externalIds')}::text[]))`,
            ),
        )
      : [],
  ]);
  return { executions: [...locked, ...byExternalId], steps: stepsOfLocked };
}

export interface BatchWrites {
  createdExecutions: ExecutionRow[];
  createdSteps: StepRow[];
  changedExecutions: ExecutionRow[];
  changedSteps: StepRow[];
  events: Omit<EventRow, 'id' | 'txId'>[];
  deltas: RollupDelta[];
}

const EXECUTION_STATE = ['status', 'error', 'queuedAt', 'startedAt', 'finishedAt', 'updatedAt', 'lastSeq'] as const;
const STEP_STATE = ['status', 'progressPercent', 'message', 'attempt', 'error', 'decision', 'startedAt', 'finishedAt'] as const;

/**
 * Every write of a batch, each kind in one statement, issued together so they share one round trip.
 * New executions are inserted in (namespace, externalId) order: concurrent batches creating the same
 * external ids then wait on each other in one order instead of deadlocking.
 */
export function writeBatch(tx: Db, writes: BatchWrites): Promise<unknown> {
  const statements: PromiseLike<unknown>[] = [];
  if (writes.createdExecutions.length) {
    const ordered = [...writes.createdExecutions].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.externalId ?? '', b.externalId ?? ''));
    statements.push(insertRows(tx, executions, ['id', 'namespace', 'workflow', 'externalId', 'labels', 'slaMs', 'timeoutMs', 'createdAt', ...EXECUTION_STATE], ordered));
  }
  if (writes.createdSteps.length) {
    statements.push(insertRows(tx, steps, ['id', 'executionId', 'position', 'name', 'type', ...STEP_STATE], writes.createdSteps));
  }
  if (writes.changedExecutions.length) statements.push(updateRows(tx, executions, ['id', ...EXECUTION_STATE], writes.changedExecutions));
  if (writes.changedSteps.length) statements.push(updateRows(tx, steps, ['id', ...STEP_STATE], writes.changedSteps));
  if (writes.deltas.length) statements.push(writeRollups(tx, writes.deltas));
  if (writes.events.length) {
    statements.push(insertRows(tx, events, ['namespace', 'executionId', 'stepId', 'seq', 'type', 'data', 'timestamp'], writes.events));
  }
  return Promise.all(statements);
}
