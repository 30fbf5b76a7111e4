/// <reference lib="dom" />
import { createClient, type Client } from 'graphql-ws';
import { useEffect, useState } from 'preact/hooks';

export type Json = Record<string, any>;

/** A value views re-render on; `set` notifies every subscriber. */
export function store<T>(initial: T) {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const listener of listeners) listener(value);
    },
    subscribe(listener: (value: T) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
export type Store<T> = ReturnType<typeof store<T>>;

export function useStore<T>(s: Store<T>): T {
  const [value, setValue] = useState(s.get());
  useEffect(() => s.subscribe(setValue), [s]);
  return value;
}

const KEY_STORAGE = 'runwatch.apiKey';
let apiKey = localStorage.getItem(KEY_STORAGE) ?? '';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'locked';
export const connection = store<ConnectionState>('connecting');
/** Why the key was refused, shown beside the key form. */
export const keyError = store<string>('');

export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

function lock(message: string) {
  keyError.set(apiKey ? message : '');
  connection.set('locked');
}

export async function gql<T = Json>(text: string, variables: Json = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query: text, variables }),
  });
  const result = await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
  const error = result.errors?.[0];
  if (response.status === 401) {
    lock(error?.message ?? 'This key was not accepted');
    throw new ApiError(error?.message ?? 'unauthenticated', 'UNAUTHENTICATED');
  }
  if (error) throw new ApiError(error.message, error.extensions?.code ?? 'INTERNAL');
  return result.data;
}

/** What the caller's key may do: actions a key cannot take are not offered. */
export interface Viewer {
  name: string;
  can: { ingest: boolean; alertsWrite: boolean; read: boolean };
}
export const viewer = store<Viewer | null>(null);

async function loadViewer() {
  const { viewer: v } = await gql(`{ viewer { name scopes } }`);
  const has = (scope: string) => v.scopes.includes('ADMIN') || v.scopes.includes(scope);
  viewer.set({ name: v.name, can: { read: has('READ'), ingest: has('INGEST'), alertsWrite: has('ALERTS_WRITE') } });
}

/** A live event feed: resubscribed from its last cursor after every reconnect, so nothing is missed. */
interface Feed {
  filter: Json | null;
  cursor: string | null;
  onEvent: (event: Json) => void;
  stop: (() => void) | null;
}
const feeds = new Set<Feed>();
let client: Client | null = null;
let retryDelay = 500;

/** The fields every event line needs (see format.ts `sentence`). */
export const EVENT_FIELDS = `id cursor seq type namespace executionId stepId data timestamp
  execution { id workflow externalId } step { id name attempt }`;

function start(feed: Feed) {
  if (!client) return;
  feed.stop?.();
  feed.stop = client.subscribe(
    { query: `subscription Feed($after: String, $filter: EventFilter) { events(after: $after, filter: $filter) { ${EVENT_FIELDS} } }`, variables: { after: feed.cursor, filter: feed.filter } },
    {
      next: ({ data }) => {
        const event = (data as Json | null | undefined)?.events;
        if (!event) return;
        feed.cursor = event.cursor;
        feed.onEvent(event);
      },
      error: failed,
      complete: () => {},
    },
  );
}

/**
 * Follows the events matching `filter` after `cursor` (the endCursor of the page the caller read
 * first, so what was written between that read and the subscription arrives too).
 */
export function follow(filter: Json | null, cursor: string | null, onEvent: (event: Json) => void) {
  const feed: Feed = { filter, cursor, onEvent, stop: null };
  feeds.add(feed);
  start(feed);
  return () => {
    feeds.delete(feed);
    feed.stop?.();
  };
}

let failing = false;
function failed(error: unknown) {
  if (failing || connection.get() === 'locked') return;
  failing = true;
  const code = (error as { code?: number })?.code;
  if (code === 4401 || code === 4403) return lock((error as { reason?: string }).reason || 'This key was not accepted');
  connection.set('reconnecting');
  setTimeout(connect, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 5_000);
}

/** Listeners told after every (re)connect, to re-read what they show. */
export const reconnected = store(0);

export function connect() {
  for (const feed of feeds) feed.stop = null;
  client?.dispose();
  failing = false;
  const created = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    retryAttempts: 0,
    lazy: false,
    // Closing is handled below (reconnect from the feeds' cursors); graphql-ws would also log it.
    onNonLazyError: () => {},
    on: {
      connected: () => {
        retryDelay = 500;
        void loadViewer()
          .then(() => {
            connection.set('live');
            reconnected.set(reconnected.get() + 1);
          })
          .catch(() => {});
      },
      // A client this function replaced closes too: only the current one's closing counts.
      closed: (event) => created === client && failed(event),
    },
  });
  client = created;
  for (const feed of feeds) start(feed);
}

export function setApiKey(key: string) {
  apiKey = key.trim();
  localStorage.setItem(KEY_STORAGE, apiKey);
  keyError.set('');
  connection.set('connecting');
  connect();
}
