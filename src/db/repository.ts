import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { EventPosition, ExecutionPosition } from '../domain/cursors.js';
import { ACTIVE_EXECUTION_STATUSES, type EventType, type ExecutionStatus } from '../domain/lifecycle.js';
import type { Db } from './client.js';
import { anyOf, tableReader, value } from './query.js';
import { events, executions, steps, type EventRow, type ExecutionRow, type StepRow } from './schema.js';

/** Namespaces a reader may see; null means all of them. */
export type NamespaceScope = readonly string[] | null;

export interface ExecutionFilter {
  namespace?: string | null;
  workflow?: string | null;
  status?: readonly ExecutionStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export interface EventFilter {
  namespace?: string | null;
  executionId?: string | null;
  types?: readonly EventType[] | null;
}

/** The namespaces condition of a scope (null: every namespace), with its value as `scope`. */
const inScope = (column: typeof executions.namespace | typeof events.namespace, scope: NamespaceScope) =>
  scope === null ? undefined : anyOf(column, 'scope', 'text');
const scopeValue = (scope: NamespaceScope) => (scope === null ? undefined : [...scope]);

/**
 * Only events of transactions older than every transaction still in flight: this prefix of the
 * log never changes again, so a cursor into it can never skip a late commit.
 */
const stableEvents = sql`${events.txId} < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
/** After the position given as `afterTxId` and `afterId`, in feed order. */
const afterPosition = sql`(${events.txId}, ${events.id}) > (${value('afterTxId')}::bigint, ${value('afterId')}::bigint)`;
const positionValues = (p: EventPosition | null) => ({ afterTxId: p?.txId, afterId: p?.id });

const executionRows = tableReader(executions);
const stepRows = tableReader(steps);
const eventRows = tableReader(events);

/**
 * Reads of executions, steps and events; every function takes the caller's namespace scope. Each
 * statement is built once per shape: a condition is in it when its value is given (see tableReader).
 */
export function createRepository(db: Db) {
  return {
    async executionsByIds(ids: readonly string[], scope: NamespaceScope): Promise<ExecutionRow[]> {
      if (ids.length === 0) return [];
      return executionRows(db, 'executionsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db.select().from(executions).where(and(anyOf(executions.id, 'ids', 'uuid'), inScope(executions.namespace, scope))),
      );
    },

    async stepsByExecutionIds(executionIds: readonly string[]): Promise<StepRow[]> {
      if (executionIds.length === 0) return [];
      return stepRows(db, 'stepsByExecutionIds', { ids: [...executionIds] }, () =>
        db.select().from(steps).where(anyOf(steps.executionId, 'ids', 'uuid')).orderBy(asc(steps.executionId), asc(steps.position)),
      );
    },

    async stepsByIds(ids: readonly string[], scope: NamespaceScope): Promise<StepRow[]> {
      if (ids.length === 0) return [];
      return stepRows(db, 'stepsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db
          .select(getTableColumns(steps))
          .from(steps)
          .innerJoin(executions, eq(executions.id, steps.executionId))
          .where(and(anyOf(steps.id, 'ids', 'uuid'), inScope(executions.namespace, scope))),
      );
    },

    async eventsByIds(ids: readonly number[], scope: NamespaceScope): Promise<EventRow[]> {
      if (ids.length === 0) return [];
      return eventRows(db, 'eventsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db.select().from(events).where(and(anyOf(events.id, 'ids', 'bigint'), inScope(events.namespace, scope))),
      );
    },

    /** Newest first; `limit + 1` rows tell whether there is a next page. */
    listExecutions(filter: ExecutionFilter, scope: NamespaceScope, after: ExecutionPosition | null, limit: number) {
      const values = {
        scope: scopeValue(scope),
        namespace: filter.namespace || undefined,
        workflow: filter.workflow || undefined,
        statuses: filter.status?.length ? [...filter.status] : undefined,
        createdAfter: filter.createdAfter?.toISOString(),
        createdBefore: filter.createdBefore?.toISOString(),
        afterCreatedAt: after?.createdAt.toISOString(),
        afterId: after?.id,
        limit: limit + 1,
      };
      return executionRows(db, 'listExecutions', values, () =>
        db
          .select()
          .from(executions)
          .where(
            and(
              inScope(executions.namespace, scope),
              values.namespace === undefined ? undefined : eq(executions.namespace, value('namespace')),
              values.workflow === undefined ? undefined : eq(executions.workflow, value('workflow')),
              values.statuses === undefined ? undefined : anyOf(executions.status, 'statuses', 'text'),
              values.createdAfter === undefined ? undefined : sql`${executions.createdAt} >= ${value('createdAfter')}::timestamptz`,
              values.createdBefore === undefined ? undefined : sql`${executions.createdAt} < ${value('createdBefore')}::timestamptz`,
              after === null
                ? undefined
                : sql`(${executions.createdAt}, ${executions.id}) < (${value('afterCreatedAt')}::timestamptz, ${value('afterId')}::uuid)`,
            ),
          )
          .orderBy(desc(executions.createdAt), desc(executions.id))
          .limit(value('limit')),
      );
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
              values.namespace === undefined ? undefined : eq(executions.namespace, value('namespace')),
              inScope(executions.namespace, scope),
            ),
          )
          .orderBy(asc(executions.createdAt), asc(executions.id)),
      );
    },

    /** The stable part of the event log after `after`, in feed order. */
    listEvents(filter: EventFilter, scope: NamespaceScope, after: EventPosition | null, limit: number) {
      const values = {
        scope: scopeValue(scope),
        namespace: filter.namespace || undefined,
        executionId: filter.executionId || undefined,
        types: filter.types?.length ? [...filter.types] : undefined,
        ...positionValues(after),
        limit,
      };
      return eventRows(db, 'listEvents', values, () =>
        db
          .select()
          .from(events)
          .where(
            and(
              stableEvents,
              inScope(events.namespace, scope),
              values.namespace === undefined ? undefined : eq(events.namespace, value('namespace')),
              values.executionId === undefined ? undefined : eq(events.executionId, value('executionId')),
              values.types === undefined ? undefined : anyOf(events.type, 'types', 'text'),
              after === null ? undefined : afterPosition,
            ),
          )
          .orderBy(asc(events.txId), asc(events.id))
          .limit(value('limit')),
      );
    },

    /** The position of the newest stable event, where a feed that starts "now" begins. */
    async eventHead(): Promise<EventPosition | null> {
      const [row] = await db
        .select({ txId: events.txId, id: events.id })
        .from(events)
        .where(stableEvents)
        .orderBy(desc(events.txId), desc(events.id))
        .limit(1);
      return row ?? null;
    },

    async eventAt(position: EventPosition, scope: NamespaceScope): Promise<EventRow | null> {
      const values = { id: position.id, txId: position.txId, scope: scopeValue(scope) };
      const [row] = await eventRows(db, 'eventAt', values, () =>
        db
          .select()
          .from(events)
          .where(and(eq(events.id, value('id')), eq(events.txId, value('txId')), inScope(events.namespace, scope))),
      );
      return row ?? null;
    },

    /** The next slice of newly stable events after `head`, in feed order. */
    async stableEventsSince(head: EventPosition | null, limit = 1_000) {
      const rows = await eventRows(db, 'stableEventsSince', { ...positionValues(head), limit }, () =>
        db
          .select()
          .from(events)
          .where(and(stableEvents, head === null ? undefined : afterPosition))
          .orderBy(asc(events.txId), asc(events.id))
          .limit(value('limit')),
      );
      return { rows, more: rows.length === limit };
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
