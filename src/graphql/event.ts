import type { EventFilter } from '../db/repository.js';
import type { EventRow } from '../db/schema.js';
import { decodeEventCursor, encodeEventCursor } from '../domain/cursors.js';
import { EVENT_TYPES } from '../domain/lifecycle.js';
import type { Context } from '../context.js';
import { cursorResumes, feedStart, liveEvents } from '../services/events.js';
import { badInput } from '../errors.js';
import { builder } from './builder.js';
import { encodeGlobalId, parseId } from './ids.js';
import { pageArgs, pageSize, rowsAfter, toConnection } from './pagination.js';

export const EventTypeEnum = builder.enumType('EventType', { values: EVENT_TYPES });

export const EventRef = builder.objectRef<EventRow>('ExecutionEvent');

const eventCursor = (event: EventRow) => encodeEventCursor({ txId: event.txId, id: event.id });

const isEventRow = (payload: unknown): payload is EventRow =>
  typeof payload === 'object' && payload !== null && typeof (payload as EventRow).txId === 'number' && typeof (payload as EventRow).seq === 'number';

/** What a live result about an event carries in its extensions: the event's cursor (SSE sends it as the event id too). */
export const eventResultExtensions = (payload: unknown) => (isEventRow(payload) ? { cursor: eventCursor(payload) } : null);

builder.node(EventRef, {
  description: 'One entry of the event log. Feeds are ordered, gap-free per execution and resumable.',
  id: { resolve: (event) => event.id },
  loadOne: (id, ctx) => ctx.loaders.event.load(Number(id)),
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque; pass as `after` to resume right after this event.',
      resolve: eventCursor,
    }),
    seq: t.exposeInt('seq', { description: 'Gap-free per execution: 1, 2, 3, ... in commit order.' }),
    type: t.field({ type: EventTypeEnum, resolve: (event) => event.type }),
    namespace: t.exposeString('namespace'),
    executionId: t.id({
      nullable: true,
      resolve: (event) => (event.executionId ? encodeGlobalId('Execution', event.executionId) : null),
    }),
    stepId: t.id({
      nullable: true,
      resolve: (event) => (event.stepId ? encodeGlobalId('StepProgress', event.stepId) : null),
    }),
    data: t.field({ type: 'JSON', nullable: true, resolve: (event) => event.data }),
    timestamp: t.expose('timestamp', { type: 'DateTime' }),
  }),
});

export const EventConnection = builder.connectionObject({ type: EventRef, name: 'EventConnection' });

export const EventFilterInput = builder.inputType('EventFilter', {
  fields: (t) => ({
    namespace: t.string(),
    executionId: t.id(),
    types: t.field({ type: [EventTypeEnum] }),
  }),
});

export function toEventFilter(input: { namespace?: string | null; executionId?: string | number | null; types?: EventFilter['types'] } | null | undefined): EventFilter {
  return {
    namespace: input?.namespace ?? null,
    executionId: input?.executionId != null ? parseId(String(input.executionId), 'Execution') : null,
    types: input?.types ?? null,
  };
}

/** One page of the event log in feed order. */
export async function eventPage(ctx: Context, filter: EventFilter, first: number | null | undefined, after: string | null | undefined) {
  const limit = pageSize(first, ctx.services.config);
  const { repository } = ctx.services;
  const rows = await rowsAfter(
    ctx,
    after,
    decodeEventCursor,
    (position) => cursorResumes(repository, position, ctx.scope),
    (position) => repository.listEvents(filter, ctx.scope, position, limit + 1),
  );
  return toConnection(rows, limit, eventCursor, after);
}

/** The newest `last` events in feed order: a page to show on open, whose endCursor a feed resumes from. */
async function newestEventPage(ctx: Context, filter: EventFilter, last: number, first: number | null | undefined, after: string | null | undefined) {
  if (first != null || after != null) throw badInput('Pass either last, or first and after', { field: 'last' });
  const limit = pageSize(last, ctx.services.config);
  const rows = await ctx.services.repository.listEvents(filter, ctx.scope, null, limit + 1, true);
  const page = toConnection(rows.slice(-limit), limit, eventCursor, null);
  return { ...page, pageInfo: { ...page.pageInfo, hasNextPage: false, hasPreviousPage: rows.length > limit } };
}

builder.queryFields((t) => ({
  events: t.field({
    type: EventConnection,
    description: 'The event log in feed order (oldest first); resume with `after`. With `last`, the newest events instead (still oldest first).',
    args: {
      filter: t.arg({ type: EventFilterInput }),
      ...pageArgs,
      last: t.arg.int({ description: 'The newest this many events (at most 500), instead of first/after; hasPreviousPage says whether older ones exist.' }),
    },
    resolve: (_root, args, ctx) =>
      args.last != null
        ? newestEventPage(ctx, toEventFilter(args.filter), args.last, args.first, args.after)
        : eventPage(ctx, toEventFilter(args.filter), args.first, args.after),
  }),
}));

builder.subscriptionFields((t) => ({
  events: t.field({
    type: EventRef,
    description:
      'Replays every matching event after `after`, then streams new ones: no gap and no duplicate at the ' +
      'hand-off, nor across a reconnect that passes the last cursor. Without `after`, starts from now. Each result carries ' +
      'its event\'s cursor in extensions.cursor; over SSE it is the event id, and a reconnect\'s Last-Event-ID header ' +
      'takes the place of `after`.',
    args: {
      filter: t.arg({ type: EventFilterInput }),
      after: t.arg.string({ description: 'An event cursor; one naming no event the caller may see is BAD_USER_INPUT with extensions.reason CURSOR_NOT_FOUND.' }),
    },
    subscribe: async (_root, args, ctx) => {
      const filter = toEventFilter(args.filter);
      const start = await feedStart(ctx.services.repository, ctx.lastEventId ?? args.after, ctx.scope);
      return liveEvents(ctx.services.live, filter, ctx.scope, start);
    },
    resolve: (event) => event,
  }),
}));
