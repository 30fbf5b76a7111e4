import type { EventFilter, NamespaceScope, Repository } from '../db/repository.js';
import type { EventRow, ExecutionRow, StepRow } from '../db/schema.js';
import { compareEventPositions, cursorNotFound, decodeEventCursor, encodeEventCursor, type EventPosition } from '../domain/cursors.js';
import { isFinal } from '../domain/lifecycle.js';
import { stateBeforeFinal, type ExecutionSnapshot as ReplaySnapshot } from '../domain/replay.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventBus, WakeUp } from './bus.js';

interface Watcher {
  /** Narrows which events are offered (the feed still filters): one execution, or one namespace. */
  executionId?: string | null;
  namespace?: string | null;
  /** Newly stable events `(from, to]` that may concern this watcher, in feed order, shared by all. */
  offer(batch: readonly EventRow[], from: EventPosition | null, to: EventPosition): void;
  /** Something may have been missed (the cross-instance listener reconnected): re-read. */
  resync(): void;
}

/**
 * Reads each newly stable slice of the event log once per process and offers it to every live
 * feed, so a feed that is caught up needs no query of its own. Scans run on wake-ups (local or
 * NOTIFY) and on a timer, which also covers events held back behind a slower transaction.
 */
export function createFeedWatcher(deps: { repository: Repository; bus: EventBus; pollMs: number; logger: Logger }) {
  const { repository, bus } = deps;
  const log = deps.logger.child({ component: 'feed' });
  const watchers = new Set<Watcher>();
  let head: EventPosition | null = null;
  /** Wake-ups came while no feed was watching: `head` is behind, and nobody needed the slices. */
  let idleSinceHead = false;
  let scanning: Promise<void> | null = null;
  let rescan = false;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;

  async function scanOnce() {
    if (idleSinceHead) {
      // Jump to the newest stable event rather than read what no feed needed; the feeds read
      // whatever they may have missed up to it from the table.
      idleSinceHead = false;
      head = (await repository.eventHead()) ?? head;
      for (const watcher of watchers) watcher.resync();
    }
    for (;;) {
      const batch = await repository.stableEventsSince(head);
      const last = batch.rows.at(-1);
      if (!last) return;
      const from = head;
      head = { txId: last.txId, id: last.id };
      const byExecution = groupBy(batch.rows, (row) => row.executionId);
      const byNamespace = groupBy(batch.rows, (row) => row.namespace);
      for (const watcher of watchers) {
        const relevant = watcher.executionId
          ? byExecution.get(watcher.executionId)
          : watcher.namespace
            ? byNamespace.get(watcher.namespace)
            : batch.rows;
        watcher.offer(relevant ?? NONE, from, head);
      }
      if (!batch.more) return;
    }
  }

  function scan() {
    if (scanning) {
      rescan = true;
      return scanning;
    }
    scanning = (async () => {
      try {
        do {
          rescan = false;
          await scanOnce();
        } while (rescan);
      } catch (error) {
        log.warn({ err: error }, 'feed scan failed; retrying on the next wake-up');
      } finally {
        scanning = null;
      }
    })();
    return scanning;
  }

  const onWakeUp = (wakeUp: WakeUp | null) => {
    if (watchers.size === 0) {
      // An instance without live feeds reads nothing on writes (its own or other instances').
      idleSinceHead = true;
      return;
    }
    if (wakeUp === null) for (const watcher of watchers) watcher.resync();
    void scan();
  };

  return {
    async start() {
      head = await repository.eventHead();
      unsubscribe = bus.subscribe(onWakeUp);
      timer = setInterval(() => watchers.size > 0 && void scan(), deps.pollMs);
      timer.unref();
    },
    async stop() {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      await scanning;
    },
    watch(watcher: Watcher) {
      watchers.add(watcher);
      return () => void watchers.delete(watcher);
    },
    /** Every event up to here was stable when it was scanned. */
    get head() {
      return head;
    },
    get size() {
      return watchers.size;
    },
  };
}

export type FeedWatcher = ReturnType<typeof createFeedWatcher>;

const NONE: readonly EventRow[] = [];

function groupBy<K>(rows: readonly EventRow[], keyOf: (row: EventRow) => K) {
  const groups = new Map<K, EventRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** A wait-for-wake-up gate that never queues: many wake-ups while busy collapse into one. */
function wakeGate(signal: AbortSignal) {
  let dirty = true;
  let resolve: (() => void) | null = null;
  const wake = () => {
    dirty = true;
    resolve?.();
    resolve = null;
  };
  signal.addEventListener('abort', wake, { once: true });
  return {
    wake,
    async next() {
      if (!dirty && !signal.aborted) await new Promise<void>((r) => (resolve = r));
      dirty = false;
    },
  };
}

function eventMatcher(filter: EventFilter, scope: NamespaceScope) {
  return (event: EventRow) =>
    (scope === null || scope.includes(event.namespace)) &&
    (!filter.namespace || filter.namespace === event.namespace) &&
    (!filter.executionId || filter.executionId === event.executionId) &&
    (!filter.types?.length || filter.types.includes(event.type));
}

/**
 * A read that survives a database outage: it retries with backoff until it succeeds or the feed is
 * closed (null), so subscribers simply resume from their position once the database is back.
 */
async function readOrWait<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T | null> {
  for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await read();
    } catch {
      if (signal.aborted) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
      if (signal.aborted) return null;
    }
  }
}

const later = (a: EventPosition, b: EventPosition | null) => (b && compareEventPositions(b, a) > 0 ? b : a);

export interface LiveFeedOptions {
  repository: Repository;
  watcher: FeedWatcher;
  batchSize: number;
  logger: Logger;
}

/**
 * Throws CURSOR_EXPIRED when retention dropped events after `position` (resuming would skip them),
 * with the oldest cursor that can resume in its extensions; returns the newest position dropped.
 */
export async function checkCursorKept(repository: Pick<Repository, 'retentionHorizon'>, position: EventPosition): Promise<EventPosition | null> {
  const { droppedThrough, rawKeptFrom } = await repository.retentionHorizon();
  if (droppedThrough && compareEventPositions(position, droppedThrough) < 0) {
    throw new DomainError(
      'CURSOR_EXPIRED',
      'Retention dropped events after this cursor, so it cannot resume without a gap; resume from extensions.oldestCursor (nothing after it was dropped) or start without `after`',
      { field: 'after', oldestCursor: encodeEventCursor(droppedThrough), keptFrom: rawKeptFrom?.toISOString() ?? null },
    );
  }
  return droppedThrough;
}

/**
 * Whether a feed or page may resume after `position`: CURSOR_EXPIRED when retention dropped events
 * after it; true for an event the caller may see, and for the newest event dropped (CURSOR_EXPIRED's
 * `oldestCursor`: gone itself, but nothing after it is).
 */
export async function cursorResumes(repository: Repository, position: EventPosition, scope: NamespaceScope) {
  const droppedThrough = await checkCursorKept(repository, position);
  if (droppedThrough && compareEventPositions(position, droppedThrough) === 0) return true;
  return (await repository.eventAt(position, scope)) !== null;
}

/**
 * Where a feed starts: right after `after` (which must name an event the caller may see), or at the
 * newest stable event when no cursor is given.
 */
export async function feedStart(repository: Repository, after: string | null | undefined, scope: NamespaceScope) {
  if (!after) return (await repository.eventHead()) ?? { txId: 0, id: 0 };
  const position = decodeEventCursor(after);
  if (!(await cursorResumes(repository, position, scope))) throw cursorNotFound();
  return position;
}

/**
 * Replays matching events after `start`, then streams new ones: each exactly once, in feed order.
 * A feed that is behind reads the table; once caught up it takes its events from the watcher's
 * shared slices. What it holds is bounded: past `batchSize` ready events it drops them and reads
 * the table again from its position. A plain iterator rather than an async generator: `return()`
 * must stop a feed that is waiting, and the hot path (an event ready) allocates almost nothing.
 */
export function liveEvents(
  options: LiveFeedOptions,
  filter: EventFilter,
  scope: NamespaceScope,
  start: EventPosition,
): AsyncIterableIterator<EventRow> {
  const matches = eventMatcher(filter, scope);
  const closing = new AbortController();
  /** `closing.signal.aborted`, read on every event without the getter's checks. */
  let closed = false;
  let position = start;
  /** Every matching event up to here has been delivered or is in `ready`. */
  let checked = start;
  let behind = true;
  /** The last table read filled a whole batch: read again once it is delivered. */
  let more = false;
  let reading = false;
  let ready: EventRow[] = [];
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    wake?.();
    wake = null;
  };

  const unwatch = options.watcher.watch({
    executionId: filter.executionId,
    namespace: filter.namespace,
    offer(batch, from, to) {
      // A read in flight may have started before this slice was stable: read once more after it.
      if (reading) behind = true;
      // Catching up on a backlog: the next table read covers this slice.
      if (reading || more) return;
      if (behind || from === null || compareEventPositions(checked, from) < 0) {
        // A gap: `ready` is still a valid prefix of the feed; the table read continues after it.
        behind = true;
      } else {
        for (const event of batch) if (compareEventPositions(event, checked) > 0 && matches(event)) ready.push(event);
        checked = to;
        if (ready.length > options.batchSize) {
          // Bounded memory: forget them and read the table from the last delivered event.
          behind = true;
          ready = [];
        }
      }
      if (behind || ready.length > 0) wakeUp();
    },
    resync() {
      behind = true;
      wakeUp();
    },
  });

  async function readTable() {
    behind = false;
    more = false;
    reading = true;
    const stableHead = options.watcher.head;
    let rows: EventRow[] | null;
    try {
      rows = await readOrWait(() => options.repository.listEvents(filter, scope, position, options.batchSize), closing.signal);
    } finally {
      reading = false;
    }
    if (!rows) return;
    ready = rows;
    const last = rows.at(-1);
    if (rows.length === options.batchSize) more = true;
    else checked = later(last ? { txId: last.txId, id: last.id } : position, stableHead);
  }

  const done = (): IteratorResult<EventRow> => ({ done: true, value: undefined });
  const iterator: AsyncIterableIterator<EventRow> = {
    async next() {
      for (;;) {
        if (closed) return done();
        const event = ready.shift();
        if (event) {
          if (compareEventPositions(event, position) <= 0) continue;
          position = { txId: event.txId, id: event.id };
          return { done: false, value: event };
        }
        if (behind || more) await readTable();
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return() {
      closed = true;
      closing.abort();
      unwatch();
      ready = [];
      wakeUp();
      return done();
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

export type ExecutionSnapshot = ReplaySnapshot<ExecutionRow, StepRow>;

/**
 * The state right before the command that made `final` final, replayed from `sent` over the events
 * in between: null when `sent` is that state (or the replay does not apply, which is logged).
 */
async function stateBeforeFinalOf(options: LiveFeedOptions, sent: ExecutionSnapshot, final: ExecutionRow, scope: NamespaceScope, signal: AbortSignal) {
  const between = await readOrWait(() => options.repository.executionEventsBySeq(final.id, sent.execution.lastSeq, final.lastSeq, scope), signal);
  if (!between) return null;
  try {
    return stateBeforeFinal(sent, between);
  } catch (error) {
    options.logger.error({ err: error, executionId: final.id }, 'could not replay the state before the final one');
    return null;
  }
}

/**
 * The execution and its steps now, then again after changes, coalesced: each read sends the state
 * then, so changes that land together arrive as one. The state right before the final one is always
 * sent (replayed from the events when the read jumped past it), then the final one; then it ends.
 */
export async function* liveExecution(
  options: LiveFeedOptions,
  executionId: string,
  scope: NamespaceScope,
  signal: AbortSignal,
): AsyncGenerator<ExecutionSnapshot> {
  const gate = wakeGate(signal);
  const unwatch = options.watcher.watch({
    executionId,
    offer: (batch) => batch.length > 0 && gate.wake(),
    resync: gate.wake,
  });
  let sent: ExecutionSnapshot | null = null;
  try {
    while (!signal.aborted) {
      await gate.next();
      if (signal.aborted) return;
      // One statement, so the steps are those of the execution row's lastSeq.
      const read = await readOrWait(() => options.repository.executionWithSteps(executionId, scope), signal);
      if (!read) return;
      const { execution, steps } = read;
      if (execution.lastSeq === sent?.execution.lastSeq) continue;
      if (sent && isFinal(execution.status)) {
        const before = await stateBeforeFinalOf(options, sent, execution, scope, signal);
        if (before) yield before;
      }
      sent = { execution, steps };
      yield sent;
      if (isFinal(execution.status)) return;
    }
  } finally {
    unwatch();
  }
}
