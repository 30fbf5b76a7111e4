import { and, asc, desc, eq, getTableColumns, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { EventPosition, ExecutionPosition } from '../domain/cursors.js';
import { ACTIVE_EXECUTION_STATUSES, type EventType, type ExecutionStatus } from '../domain/lifecycle.js';
import type { Db } from './client.js';
import { anyOf, rowReader } from './query.js';
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

const scopeCondition = (column: typeof executions.namespace | typeof events.namespace, scope: NamespaceScope) =>
  scope === null ? undefined : scope.length === 0 ? sql`false` : anyOf(column, scope, 'text');

/**
 * Only events of transactions older than every transaction still in flight: this prefix of the
 * log never changes again, so a cursor into it can never skip a late commit.
 */
const stableEvents = sql`${events.txId} < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
const afterPosition = (p: EventPosition) => sql`(${events.txId}, ${events.id}) > (${p.txId}, ${p.id})`;

const executionRows = rowReader(executions);
const stepRows = rowReader(steps);
const eventRows = rowReader(events);

/** Reads of executions, steps and events; every function takes the caller's namespace scope. */
export function createRepository(db: Db) {
  return {
    async executionsByIds(ids: readonly string[], scope: NamespaceScope): Promise<ExecutionRow[]> {
      if (ids.length === 0) return [];
      return executionRows(db, db.select().from(executions).where(and(anyOf(executions.id, ids, 'uuid'), scopeCondition(executions.namespace, scope))));
    },

    async stepsByExecutionIds(executionIds: readonly string[]): Promise<StepRow[]> {
      if (executionIds.length === 0) return [];
      return stepRows(db, db.select().from(steps).where(anyOf(steps.executionId, executionIds, 'uuid')).orderBy(asc(steps.executionId), asc(steps.position)));
    },

    async stepsByIds(ids: readonly string[], scope: NamespaceScope): Promise<StepRow[]> {
      if (ids.length === 0) return [];
      return stepRows(
        db,
        db
          .select(getTableColumns(steps))
          .from(steps)
          .innerJoin(executions, eq(executions.id, steps.executionId))
          .where(and(anyOf(steps.id, ids, 'uuid'), scopeCondition(executions.namespace, scope))),
      );
    },

    async eventsByIds(ids: readonly number[], scope: NamespaceScope): Promise<EventRow[]> {
      if (ids.length === 0) return [];
      return eventRows(db, db.select().from(events).where(and(anyOf(events.id, ids, 'bigint'), scopeCondition(events.namespace, scope))));
    },

    /** Newest first; `limit + 1` rows tell whether there is a next page. */
    listExecutions(filter: ExecutionFilter, scope: NamespaceScope, after: ExecutionPosition | null, limit: number) {
      const conditions: (SQL | undefined)[] = [scopeCondition(executions.namespace, scope)];
      if (filter.namespace) conditions.push(eq(executions.namespace, filter.namespace));
      if (filter.workflow) conditions.push(eq(executions.workflow, filter.workflow));
      if (filter.status?.length) conditions.push(anyOf(executions.status, filter.status, 'text'));
      if (filter.createdAfter) conditions.push(gte(executions.createdAt, filter.createdAfter));
      if (filter.createdBefore) conditions.push(lt(executions.createdAt, filter.createdBefore));
      if (after) {
        conditions.push(sql`(${executions.createdAt}, ${executions.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
      }
      return executionRows(
        db,
        db
          .select()
          .from(executions)
          .where(and(...conditions))
          .orderBy(desc(executions.createdAt), desc(executions.id))
          .limit(limit + 1),
      );
    },

    listActiveExecutions(namespace: string | null, scope: NamespaceScope) {
      return executionRows(
        db,
        db
          .select()
          .from(executions)
          .where(
            and(
              anyOf(executions.status, ACTIVE_EXECUTION_STATUSES, 'text'),
              namespace ? eq(executions.namespace, namespace) : undefined,
              scopeCondition(executions.namespace, scope),
            ),
          )
          .orderBy(asc(executions.createdAt), asc(executions.id)),
      );
    },

    /** The stable part of the event log after `after`, in feed order. */
    listEvents(filter: EventFilter, scope: NamespaceScope, after: EventPosition | null, limit: number) {
      const conditions: (SQL | undefined)[] = [stableEvents, scopeCondition(events.namespace, scope)];
      if (filter.namespace) conditions.push(eq(events.namespace, filter.namespace));
      if (filter.executionId) conditions.push(eq(events.executionId, filter.executionId));
      if (filter.types?.length) conditions.push(anyOf(events.type, filter.types, 'text'));
      if (after) conditions.push(afterPosition(after));
      return eventRows(db, db.select().from(events).where(and(...conditions)).orderBy(asc(events.txId), asc(events.id)).limit(limit));
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
      const [row] = await db
        .select()
        .from(events)
        .where(and(eq(events.id, position.id), eq(events.txId, position.txId), scopeCondition(events.namespace, scope)));
      return row ?? null;
    },

    /** The next slice of newly stable events after `head`, in feed order. */
    async stableEventsSince(head: EventPosition | null, limit = 1_000) {
      const rows = await eventRows(
        db,
        db
          .select()
          .from(events)
          .where(and(stableEvents, head ? afterPosition(head) : undefined))
          .orderBy(asc(events.txId), asc(events.id))
          .limit(limit),
      );
      return { rows, more: rows.length === limit };
    },
  };
}

export type Repository = ReturnType<typeof createRepository>;
