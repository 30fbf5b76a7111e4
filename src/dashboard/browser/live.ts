/// <reference lib="dom" />
import { useEffect, useRef, useState } from 'preact/hooks';
import { connection, EVENT_FIELDS, follow, gql, reconnected, store, useStore, type Json } from './api.js';

const RECENT = 40;
/** The newest events of the whole feed (oldest first), kept live. */
export const recentEvents = store<Json[]>([]);
const listeners = new Set<(event: Json) => void>();

/** Calls `listener` with every event of the whole feed from now on. */
export function onEvent(listener: (event: Json) => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/**
 * Reads the newest page of the event log, then follows the feed from that page's last cursor: a
 * disconnect before any new event still resumes from there, so nothing written meanwhile is lost.
 */
export function startEventFeed() {
  let started = false;
  connection.subscribe((state) => {
    if (state !== 'live' || started) return;
    started = true;
    gql(`query Recent($last: Int) { events(last: $last) { edges { node { ${EVENT_FIELDS} } } pageInfo { endCursor } } }`, { last: RECENT })
      .then(({ events }: Json) => {
        recentEvents.set(events.edges.map((e: Json) => e.node));
        follow(null, events.pageInfo.endCursor, (event) => {
          recentEvents.set([...recentEvents.get(), event].slice(-RECENT));
          for (const listener of listeners) listener(event);
        });
      })
      .catch(() => (started = false));
  });
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/**
 * Data a view shows: read on mount, after every reconnect, every `pollMs`, and (at most every
 * 150 ms) after any event `when` selects. One read at a time: asked again meanwhile, it reads once
 * more when the current read ends, so a busy feed never piles reads up on a slow server.
 */
export function useData<T>(load: () => Promise<T>, deps: unknown[], options: { pollMs?: number; when?: (event: Json) => boolean } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const tick = useStore(reconnected);
  const latest = useRef({ load, when: options.when });
  latest.current = { load, when: options.when };
  const runRef = useRef<() => void>(() => {});
  useEffect(() => {
    let alive = true;
    let reading = false;
    let again = false;
    let timer: number | null = null;
    const run = () => {
      if (reading) return void (again = true);
      reading = true;
      latest.current
        .load()
        .then(
          (data) => alive && setState({ data, error: null }),
          (error: Error) => alive && setState((s) => ({ data: s.data, error: error.message })),
        )
        .finally(() => {
          reading = false;
          if (again && alive) {
            again = false;
            run();
          }
        });
    };
    runRef.current = run;
    run();
    const off = onEvent((event) => {
      if (!latest.current.when?.(event)) return;
      timer ??= window.setTimeout(() => {
        timer = null;
        run();
      }, 150);
    });
    const poll = options.pollMs ? window.setInterval(run, options.pollMs) : 0;
    return () => {
      alive = false;
      off();
      if (timer) clearTimeout(timer);
      clearInterval(poll);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => runRef.current() };
}

/** The current time, ticking every `ms`: "checked 3 s ago" stays true between reads. */
export function useNow(ms = 1_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
