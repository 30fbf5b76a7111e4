import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { EventPosition } from '../domain/cursors.js';
import type { EventType } from '../domain/lifecycle.js';
import type { Db } from './client.js';
import { anyOf, scopeCondition, scopeValue, insertRows, tableReader, value, type NamespaceScope } from './query.js';
import { events, systemStreams, type EventRow } from './schema.js';

export interface EventFilter {
  namespace?: string | null;
  executionId?: string | null;
  types?: readonly EventType[] | null;
}

/** An event to append: everything but what the database assigns (id, transaction id). */
export type NewEventRow = Omit<EventRow, 'id' | 'txId'>;

const inScope = (scope: NamespaceScope) => scopeCondition(events.namespace, scope);

/**
 * Only events of transactions older than every transaction still in flight: this prefix of the
 * log never changes again, so a cursor into it can never skip a late commit.
 */
const stableEvents = sql`${events.txId} < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;
/** After the position given as `afterTxId` and `afterId`, in feed order. */
const afterPosition = sql`(${events.txId}, ${events.id}) > (${value('afterTxId')}::bigint, ${value('afterId')}::bigint)`;
const positionValues = (p: EventPosition | null) => ({ afterTxId: p?.txId, afterId: p?.id });

const eventRows = tableReader(events);

/**
 * Appends events inside the caller's transaction, in one statement whatever their number. Every
 * writer of the log uses it (engine commands and the monitor alike) and wakes feeds through the bus
 * after its commit. The transaction id is the database's (see the schema): feeds order by it.
 */
export function appendEvents(tx: Db, rows: readonly NewEventRow[]): Promise<unknown> {
  if (rows.length === 0) return Promise.resolve();
  return insertRows(tx, events, ['namespace', 'executionId', 'stepId', 'seq', 'type', 'data', 'timestamp'], rows);
}

/**
 * Appends an event that belongs to no execution (SYSTEM_*) with the next seq of its namespace's
 * system stream. Its callers serialise on a lock taken before their first write, so the stream's
 * seqs follow commit order without a lock of their own.
 */
export async function appendSystemEvent(tx: Db, event: Pick<NewEventRow, 'namespace' | 'type' | 'data' | 'timestamp'>) {
  const [stream] = await tx
    .insert(systemStreams)
    .values({ namespace: event.namespace, lastSeq: 1 })
    .onConflictDoUpdate({ target: systemStreams.namespace, set: { lastSeq: sql`${systemStreams.lastSeq} + 1` } })
    .returning();
  await appendEvents(tx, [{ ...event, executionId: null, stepId: null, seq: stream!.lastSeq }]);
}

/** Reads of the event log; every function takes the caller's namespace scope. */
export function eventReads(db: Db) {
  return {
    async eventsByIds(ids: readonly number[], scope: NamespaceScope): Promise<EventRow[]> {
      if (ids.length === 0) return [];
      return eventRows(db, 'eventsByIds', { ids: [...ids], scope: scopeValue(scope) }, () =>
        db.select().from(events).where(and(anyOf(events.id, 'ids', 'bigint'), inScope(scope))),
      );
    },

    /**
     * The stable part of the event log after `after`, in feed order; `newest`: the last `limit` of
     * it instead of the first (still returned in feed order).
     */
    async listEvents(filter: EventFilter, scope: NamespaceScope, after: EventPosition | null, limit: number, newest = false) {
      const values = {
        scope: scopeValue(scope),
        namespace: filter.namespace || undefined,
        executionId: filter.executionId || undefined,
        types: filter.types?.length ? [...filter.types] : undefined,
        ...positionValues(after),
        limit,
      };
      const rows = await eventRows(db, newest ? 'listNewestEvents' : 'listEvents', values, () =>
        db
          .select()
          .from(events)
          .where(
            and(
              stableEvents,
              inScope(scope),
              values.namespace === undefined ? undefined : eq(events.namespace, value('namespace')),
              values.executionId === undefined ? undefined : eq(events.executionId, value('executionId')),
              values.types === undefined ? undefined : anyOf(events.type, 'types', 'text'),
              after === null ? undefined : afterPosition,
            ),
          )
          .orderBy(...(newest ? [desc(events.txId), desc(events.id)] : [asc(events.txId), asc(events.id)]))
          .limit(value('limit')),
      );
      return newest ? rows.reverse() : rows;
    },

    /** An execution's events with a seq in (afterSeq, throughSeq], in seq order (committed with the execution row that says so). */
    async executionEventsBySeq(executionId: string, afterSeq: number, throughSeq: number, scope: NamespaceScope): Promise<EventRow[]> {
      const values = { executionId, afterSeq, throughSeq, scope: scopeValue(scope) };
      return eventRows(db, 'executionEventsBySeq', values, () =>
        db
          .select()
          .from(events)
          .where(
            and(
              eq(events.executionId, value('executionId')),
              sql`${events.seq} > ${value('afterSeq')}::int and ${events.seq} <= ${value('throughSeq')}::int`,
              inScope(scope),
            ),
          )
          .orderBy(asc(events.seq)),
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
          .where(and(eq(events.id, value('id')), eq(events.txId, value('txId')), inScope(scope))),
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
