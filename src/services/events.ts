import type { EventFilter, NamespaceScope, Repository } from '../db/repository.js';
import type { EventRow, ExecutionRow, StepRow } from '../db/schema.js';
import { decodeEventCursor, type EventPosition } from '../domain/cursors.js';
import { isFinal } from '../domain/lifecycle.js';
import { badInput } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventBus, WakeUp } from './bus.js';

interface Watcher {
  matches(namespace: string, executionId: string | null): boolean;
  wake(): void;
}

/**
 * Turns wake-up hints into precise wake-ups. One scan per process reads which executions gained
 * stable events since the last scan, so held-back events (behind a slower transaction) and missed
 * notifications are still delivered: a scan also runs on a timer while anyone is watching.
 */
export function createFeedWatcher(deps: { repository: Repository; bus: EventBus; pollMs: number; logger: Logger }) {
  const { repository, bus } = deps;
  const log = deps.logger.child({ component: 'feed' });
  const watchers = new Set<Watcher>();
  let head: EventPosition | null = null;
  let scanning: Promise<void> | null = null;
  let rescan = false;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;

  async function scanOnce() {
    for (;;) {
      const changes = await repository.stableChangesSince(head);
      if (!changes) return;
      head = changes.head;
      const keys = new Map(changes.keys.map((k) => [`${k.namespace}\n${k.executionId}`, k]));
      for (const watcher of watchers) {
        for (const key of keys.values()) {
          if (watcher.matches(key.namespace, key.executionId)) {
            watcher.wake();
            break;
          }
        }
      }
      if (!changes.more) return;
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
    if (wakeUp === null) for (const watcher of watchers) watcher.wake();
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
    get size() {
      return watchers.size;
    },
  };
}

export type FeedWatcher = ReturnType<typeof createFeedWatcher>;

/** A wait-for-wake-up gate that never queues: many wake-ups while busy collapse into one. */
function wakeGate() {
  let dirty = true;
  let resolve: (() => void) | null = null;
  return {
    wake() {
      dirty = true;
      resolve?.();
      resolve = null;
    },
    async next(signal: AbortSignal) {
      if (!dirty && !signal.aborted) {
        await new Promise<void>((r) => {
          resolve = r;
          signal.addEventListener('abort', () => r(), { once: true });
        });
      }
      dirty = false;
    },
  };
}

function matchesFilter(filter: EventFilter) {
  return (namespace: string, executionId: string | null) =>
    (!filter.namespace || filter.namespace === namespace) && (!filter.executionId || filter.executionId === executionId);
}

export interface LiveFeedOptions {
  repository: Repository;
  watcher: FeedWatcher;
  batchSize: number;
}

/**
 * Where a feed starts: right after `after` (which must name an event the caller may see), or at the
 * newest stable event when no cursor is given.
 */
export async function feedStart(repository: Repository, after: string | null | undefined, scope: NamespaceScope) {
  if (!after) return (await repository.eventHead()) ?? { txId: 0, id: 0 };
  const position = decodeEventCursor(after);
  if (!(await repository.eventAt(position, scope))) {
    throw badInput('The cursor names an event that no longer exists; start again without `after` or from a newer cursor', {
      field: 'after',
      reason: 'CURSOR_NOT_FOUND',
    });
  }
  return position;
}

/** Replays matching events after `start`, then streams new ones: each exactly once, in feed order. */
export async function* liveEvents(
  options: LiveFeedOptions,
  filter: EventFilter,
  scope: NamespaceScope,
  start: EventPosition,
  signal: AbortSignal,
): AsyncGenerator<EventRow> {
  const gate = wakeGate();
  const unwatch = options.watcher.watch({ matches: matchesFilter(filter), wake: gate.wake });
  let position = start;
  try {
    while (!signal.aborted) {
      await gate.next(signal);
      for (;;) {
        if (signal.aborted) return;
        const rows = await options.repository.listEvents(filter, scope, position, options.batchSize);
        for (const row of rows) {
          position = { txId: row.txId, id: row.id };
          yield row;
        }
        if (rows.length < options.batchSize) break;
      }
    }
  } finally {
    unwatch();
  }
}

export interface ExecutionSnapshot {
  execution: ExecutionRow;
  steps: StepRow[];
}

/** The execution and its steps now, then again after each change; ends once it is final. */
export async function* liveExecution(
  options: LiveFeedOptions,
  executionId: string,
  scope: NamespaceScope,
  signal: AbortSignal,
): AsyncGenerator<ExecutionSnapshot> {
  const gate = wakeGate();
  const unwatch = options.watcher.watch({ matches: (_ns, id) => id === executionId, wake: gate.wake });
  let lastSeq = -1;
  try {
    while (!signal.aborted) {
      await gate.next(signal);
      if (signal.aborted) return;
      const [execution] = await options.repository.executionsByIds([executionId], scope);
      if (!execution) return;
      if (execution.lastSeq === lastSeq) continue;
      lastSeq = execution.lastSeq;
      const steps = await options.repository.stepsByExecutionIds([executionId]);
      yield { execution, steps };
      if (isFinal(execution.status)) return;
    }
  } finally {
    unwatch();
  }
}
