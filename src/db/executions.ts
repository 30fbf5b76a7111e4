import { and, asc, desc, eq, getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { ExecutionPosition } from '../domain/cursors.js';
import { ACTIVE_EXECUTION_STATUSES, type ExecutionStatus } from '../domain/lifecycle.js';
import type { RollupDelta } from '../domain/metrics.js';
import type { Db } from './client.js';
import { appendEvents, type NewEventRow } from './events.js';
import { anyOf, scopeCondition, scopeValue, insertRows, preparedStatements, rowMapper, tableReader, updateRows, value, type NamespaceScope } from './query.js';
import { writeRollups } from './rollups.js';
import { executions, steps, type ExecutionRow, type StepRow } from './schema.js';

export interface ExecutionFilter {
  namespace?: string | null;
  workflow?: string | null;
  status?: readonly ExecutionStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  externalId?: string | null;
  /** Executions whose labels contain these (jsonb `@>`). */
  labels?: Record<string, unknown> | null;
  /** Text in the externalId (any case), or the execution with this database id (`searchId`). */
  search?: string | null;
  searchId?: string | null;
}

const inScope = (scope: NamespaceScope) => scopeCondition(executions.namespace, scope);

const prepare = preparedStatements();

/** The `search` value in the externalId, in any case (no LIKE pattern: `%` and `_` are plain text), or the id `searchId`. */
const searchCondition = (byIdToo: boolean) => {
  const inExternalId = sql`strpos(lower(${executions.externalId}), lower(${value('search')})) > 0`;
  return byIdToo ? sql`(${inExternalId} or ${executions.id} = ${value('searchId')}::uuid)` : inExternalId;
};
const executionRows = tableReader(executions);
const stepRows = tableReader(steps);

const columnsOf = (table: typeof executions | typeof steps) => Object.values(getTableColumns(table)).map((c) => `"${getTableName(table)}"."${c.name}"`);
const executionColumns = columnsOf(executions);
const stepColumns = columnsOf(steps);
const nulls = (count: number) => Array(count).fill('null').join(', ');
const executionOfRow = rowMapper(executions);
const stepsOfRows = rowMapper(steps, executionColumns.length);
/** Its first row is the execution's (step columns null, so it sorts first by position), then its steps. */
const executionWithStepsStatement = (scope: NamespaceScope) => sql`
  select ${sql.raw(executionColumns.join(', '))}, ${sql.raw(nulls(stepColumns.length))}
  from ${executions} where ${executions.id} = ${value('id')}::uuid ${scope === null ? sql`` : sql`and ${inScope(scope)}`}
  union all
  select ${sql.raw(nulls(executionColumns.length))}, ${sql.raw(stepColumns.join(', '))}
  from ${steps} join ${executions} on ${executions.id} = ${steps.executionId} and ${steps.executionCreatedAt} = ${executions.createdAt}
  where ${executions.id} = ${value('id')}::uuid ${scope === null ? sql`` : sql`and ${inScope(scope)}`}
  order by ${sql.raw(String(executionColumns.length + Object.keys(getTableColumns(steps)).indexOf('position') + 1))} nulls first`;

const stepsOfRowsAlone = rowMapper(steps);
/** Every step column of the lateral lookups' `s`, in declared order. */
const stepColumnsOfS = sql.raw(Object.values(getTableColumns(steps)).map((c) => `s."${c.name}"`).join(', '));
const stepsOfExecutionsStatement = sql`
  select ${stepColumnsOfS}
  from unnest(${value('ids')}::uuid[], ${value('createdAts')}::text[]::timestamptz[]) as k(id, created_at)
  cross join lateral (select * from ${steps} where ${steps.executionId} = k.id and ${steps.executionCreatedAt} = k.created_at offset 0) as s
  order by s.execution_id, s.position`;

/** The page is read newest day first; see listExecutions. */
const LIST_WINDOW_MS = 86_400_000;

/**
 * The limit is in the statement's text, at least 64 and a power of two (one text for every page up to
 * 63 rows, a few above): with it a parameter, Postgres plans every run anew (its generic plan assumes a
 * tenth of the table), and planning opens every partition the bounds do not prune.
 */
function listPageOf(db: Db) {
  return async (filter: ExecutionFilter, scope: NamespaceScope, after: ExecutionPosition | null, rows: number): Promise<ExecutionRow[]> => {
    const limit = Math.max(64, 2 ** Math.ceil(Math.log2(rows)));
    const values = {
      scope: scopeValue(scope),
      namespace: filter.namespace || undefined,
      workflow: filter.workflow || undefined,
      statuses: filter.status?.length ? [...filter.status] : undefined,
      createdAfter: filter.createdAfter?.toISOString(),
      createdBefore: filter.createdBefore?.toISOString(),
      externalId: filter.externalId ?? undefined,
      labels: filter.labels ? JSON.stringify(filter.labels) : undefined,
      search: filter.search || undefined,
      searchId: filter.search ? (filter.searchId ?? undefined) : undefined,
      afterCreatedAt: after?.createdAt.toISOString(),
      afterId: after?.id,
    };
    const found = await executionRows(db, `listExecutions:${limit}`, values, () =>
      sql`${db
        .select()
        .from(executions)
        .where(
          and(
            inScope(scope),
            values.namespace === undefined ? undefined : eq(executions.namespace, value('namespace')),
            values.workflow === undefined ? undefined : eq(executions.workflow, value('workflow')),
            values.statuses === undefined ? undefined : anyOf(executions.status, 'statuses', 'text'),
            values.createdAfter === undefined ? undefined : sql`${executions.createdAt} >= ${value('createdAfter')}::timestamptz`,
            values.createdBefore === undefined ? undefined : sql`${executions.createdAt} < ${value('createdBefore')}::timestamptz`,
            values.externalId === undefined ? undefined : eq(executions.externalId, value('externalId')),
            values.labels === undefined ? undefined : sql`${executions.labels} @> ${value('labels')}::jsonb`,
            values.search === undefined ? undefined : searchCondition(values.searchId !== undefined),
            after === null
              ? undefined
              : sql`(${executions.createdAt}, ${executions.id}) < (${value('afterCreatedAt')}::timestamptz, ${value('afterId')}::uuid)`,
          ),
        )
        .orderBy(desc(executions.createdAt), desc(executions.id))
        .getSQL()} limit ${sql.raw(String(limit))}`,
    );
    return found.slice(0, rows);
  };
}

/**
 * Reads of executions and steps; every function takes the caller's namespace scope. Each
 * statement is built once per shape: a condition is in it when its value is given (see tableReader).
 */
export function executionReads(db: Db) {
  const listPage = listPageOf(db);
  return {
    async executionsByIds(ids: readonly string[], scope: NamespaceScope): Promise<ExecutionRow[]> {
      if (ids.length === 0) return [];
      return executionRows(db, 'executionsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db.select().from(executions).where(and(anyOf(executions.id, 'ids', 'uuid'), inScope(scope))),
      );
    },

    /** One execution with its steps in position order, in one statement; null when it is not there (or not in scope). */
    async executionWithSteps(id: string, scope: NamespaceScope): Promise<{ execution: ExecutionRow; steps: StepRow[] } | null> {
      const [first, ...stepsRows] = await prepare(db, 'executionWithSteps', { id, scope: scopeValue(scope) }, () => executionWithStepsStatement(scope)).rows((rows) => rows);
      return first ? { execution: executionOfRow([first])[0]!, steps: stepsOfRows(stepsRows) } : null;
    },

    /**
     * The executions' steps, looked up per (execution id, createdAt): a nested loop whose every
     * lookup reads one day partition's index (a list of ids alone would probe every partition; `offset 0`
     * keeps the planner from flattening it into a hash join over every partition).
     */
    async stepsOfExecutions(of: readonly Pick<ExecutionRow, 'id' | 'createdAt'>[]): Promise<StepRow[]> {
      if (of.length === 0) return [];
      const values = { ids: of.map((e) => e.id), createdAts: of.map((e) => e.createdAt.toISOString()) };
      return prepare(db, 'stepsOfExecutions', values, () => stepsOfExecutionsStatement).rows(stepsOfRowsAlone);
    },

    async stepsByIds(ids: readonly string[], scope: NamespaceScope): Promise<StepRow[]> {
      if (ids.length === 0) return [];
      return stepRows(db, 'stepsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db
          .select(getTableColumns(steps))
          .from(steps)
          .innerJoin(executions, eq(executions.id, steps.executionId))
          .where(and(anyOf(steps.id, 'ids', 'uuid'), inScope(scope))),
      );
    },

    /**
     * Newest first; `limit + 1` rows tell whether there is a next page. The day before the page's
     * newest possible row (`now`, the cursor or createdBefore) is read first, so that Postgres opens
     * only its partitions; the older ones are read only when that day does not fill the page.
     */
    async listExecutions(filter: ExecutionFilter, scope: NamespaceScope, after: ExecutionPosition | null, limit: number, now: Date): Promise<ExecutionRow[]> {
      const rows = limit + 1;
      const newest = Math.min(now.getTime(), after?.createdAt.getTime() ?? Infinity, filter.createdBefore?.getTime() ?? Infinity);
      const windowStart = new Date(newest - LIST_WINDOW_MS);
      if (filter.createdAfter && filter.createdAfter >= windowStart) return listPage(filter, scope, after, rows);
      const recent = await listPage({ ...filter, createdAfter: windowStart }, scope, after, rows);
      if (recent.length >= rows) return recent;
      const older = await listPage({ ...filter, createdBefore: windowStart }, scope, after, rows - recent.length);
      return [...recent, ...older];
    },

    /** The execution its engine knows as `externalId` in `namespace`; null when there is none in scope. */
    async executionByExternalId(namespace: string, externalId: string, scope: NamespaceScope): Promise<ExecutionRow | null> {
      const values = { namespace, externalId, scope: scopeValue(scope) };
      const [row] = await executionRows(db, 'executionByExternalId', values, () =>
        db
          .select()
          .from(executions)
          .where(and(eq(executions.namespace, value('namespace')), eq(executions.externalId, value('externalId')), inScope(scope))),
      );
      return row ?? null;
    },

    listActiveExecutions(namespace: string | null, scope: NamespaceScope) {
      const values = { statuses: [...ACTIVE_EXECUTION_STATUSES], namespace: namespace || undefined, scope: scopeValue(scope) };
      return executionRows(db, 'listActiveExecutions', values, () =>
        db
          .select()
          .from(executions)
          .where(
            and(
              anyOf(executions.status, 'statuses', 'text'),
              // The partial index's own predicate, spelled out so that the generic plan can use it.
              sql`${executions.status} in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL')`,
              values.namespace === undefined ? undefined : eq(executions.namespace, value('namespace')),
              inScope(scope),
            ),
          )
          .orderBy(sql`coalesce(${executions.queuedAt}, ${executions.createdAt})`, asc(executions.id)),
      );
    },

  };
}

/*
 * The write path. A batch of any size costs the same statements (the rollup upsert, one row per
 * rollup row touched, is the exception).
 */

/** The executions named (value `executionIds`), directly or through one of their steps (`stepIds`); a step's execution never changes. */
const targetExecutions = sql`(select unnest(${value('executionIds')}::uuid[]) union all select ${steps.executionId} from ${steps} where ${steps.id} = any(${value('stepIds')}::uuid[]))`;

export interface Targets {
  executionIds: string[];
  stepIds: string[];
  /** Executions to find by their engine's id (creates that may repeat). */
  externalIds: { namespace: string; externalId: string }[];
}

/** The target executions' steps, each execution's looked up in its own day partition (see stepsOfExecutionsStatement). */
const stepsOfLockedStatement = sql`
  select ${stepColumnsOfS}
  from (select ${executions.id} as id, ${executions.createdAt} as created_at from ${executions} where ${executions.id} in ${targetExecutions}) as k
  cross join lateral (select * from ${steps} where ${steps.executionId} = k.id and ${steps.executionCreatedAt} = k.created_at offset 0) as s
  order by s.execution_id, s.position`;

/** Advisory lock keys: each target execution's, and each external id's that a create may take. */
const lockKeys = sql`select hashtextextended(id::text, 0) as key from ${targetExecutions} as target(id)
  union select hashtextextended(namespace || '/' || external_id, 1) from unnest(${value('namespaces')}::text[], ${value('externalIds')}::text[]) as external(namespace, external_id)`;

/**
 * Locks the targets' executions and the external ids being created, and reads those executions
 * with their steps and the executions with the given external ids, in one round trip: statements
 * issued together are pipelined on the transaction's connection and run in the order issued, so
 * both reads take their snapshot after the locks are held.
 *
 * The locks are advisory, not FOR UPDATE: they are taken before the transaction gets an xid, so
 * writers of one execution get increasing xids and feeds keep its events in seq order. One
 * statement takes them all, in key order, so batches locking the same keys cannot deadlock. The
 * external id's lock keeps one execution per external id (a unique index cannot, across the
 * partitions): a second create waits for the first to commit, then finds its execution.
 */
export async function lockAndLoad(tx: Db, targets: Targets): Promise<{ executions: ExecutionRow[]; steps: StepRow[] }> {
  const byId = targets.executionIds.length > 0 || targets.stepIds.length > 0;
  const ids = { executionIds: targets.executionIds, stepIds: targets.stepIds };
  const external = {
    namespaces: targets.externalIds.map((e) => e.namespace),
    externalIds: targets.externalIds.map((e) => e.externalId),
  };
  const [, locked, stepsOfLocked, byExternalId] = await Promise.all([
    (byId || targets.externalIds.length > 0) &&
      prepare(tx, 'lock', { ...ids, ...external }, () => sql`select pg_advisory_xact_lock(key) from (${lockKeys}) as keys order by key`).run(),
    byId ? executionRows(tx, 'lockedExecutions', ids, () => tx.select().from(executions).where(sql`${executions.id} in ${targetExecutions}`)) : [],
    byId ? prepare(tx, 'stepsOfLocked', ids, () => stepsOfLockedStatement).rows(stepsOfRowsAlone) : [],
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
  events: NewEventRow[];
  deltas: RollupDelta[];
}

const EXECUTION_STATE = ['status', 'error', 'queuedAt', 'startedAt', 'finishedAt', 'updatedAt', 'lastSeq', 'slaBreachedAt', 'timeoutBreachedAt'] as const;
const STEP_STATE = ['status', 'progressPercent', 'message', 'attempt', 'error', 'decision', 'approvers', 'startedAt', 'finishedAt'] as const;

/** Every write of a batch, each kind in one statement, issued together so they share one round trip. */
export function writeBatch(tx: Db, writes: BatchWrites): Promise<unknown> {
  const statements: PromiseLike<unknown>[] = [];
  if (writes.createdExecutions.length) {
    statements.push(insertRows(tx, executions, ['id', 'namespace', 'workflow', 'externalId', 'labels', 'slaMs', 'timeoutMs', 'createdAt', ...EXECUTION_STATE], writes.createdExecutions));
  }
  if (writes.createdSteps.length) {
    statements.push(insertRows(tx, steps, ['id', 'executionId', 'executionCreatedAt', 'position', 'name', 'type', ...STEP_STATE], writes.createdSteps));
  }
  if (writes.changedExecutions.length) statements.push(updateRows(tx, executions, ['id', ...EXECUTION_STATE], writes.changedExecutions));
  if (writes.changedSteps.length) statements.push(updateRows(tx, steps, ['id', ...STEP_STATE], writes.changedSteps));
  if (writes.deltas.length) statements.push(writeRollups(tx, writes.deltas));
  if (writes.events.length) statements.push(appendEvents(tx, writes.events));
  return Promise.all(statements);
}
