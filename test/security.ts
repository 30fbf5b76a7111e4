/** Helpers for the security suites: raw HTTP with status and headers, keys, one-shot WebSocket operations. */
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { afterAll } from 'vitest';
import WebSocket from 'ws';
import type { CreateApiKeyInput } from '../src/auth/keys.js';
import type { TestServer } from './harness.js';

/** Every code API.md allows in `extensions.code`. */
export const API_ERROR_CODES = [
  'UNAVAILABLE',
  'CURSOR_EXPIRED',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'INTERNAL',
];

export interface RawResponse {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] } | null;
  text: string;
}

/** POSTs a GraphQL document (or any body) and returns status, headers and the parsed body. */
export async function post(
  server: TestServer,
  query: string,
  variables?: Record<string, unknown> | null,
  options: { key?: string | null; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: (options.body ?? JSON.stringify({ query, variables })) as never,
  });
  const text = await response.text();
  let body: RawResponse['body'] = null;
  try {
    body = JSON.parse(text) as RawResponse['body'];
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export const codeOf = (response: { body: RawResponse['body'] }) => response.body?.errors?.[0]?.extensions?.code as string | undefined;

export async function createKey(server: TestServer, input: CreateApiKeyInput) {
  return server.app.services.auth.keys.create(input);
}

export interface WsOutcome {
  /** The close code when the socket was closed instead of answering. */
  close?: number;
  /** Errors of an `error` message, or of a `next` that carried only errors. */
  errors?: GraphQLFormattedError[];
  data?: Record<string, unknown> | null;
  completed?: boolean;
}

export const bearer = (key: string | null | undefined) => (key ? { authorization: `Bearer ${key}` } : {});

export function keyedClient(server: TestServer, key: string | null | undefined, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return server.wsClient({ connectionParams: bearer(key), ...extra });
}

/** Runs one operation on its own socket and reports the first thing that happens to it. */
export async function wsOnce(
  server: TestServer,
  key: string | null | undefined,
  query: string,
  variables?: Record<string, unknown>,
  timeoutMs = 10_000,
): Promise<WsOutcome> {
  let closeCode: number | undefined;
  const client = keyedClient(server, key, { on: { closed: (event) => void (closeCode = (event as { code?: number }).code) } });
  try {
    return await new Promise<WsOutcome>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${query}`)), timeoutMs);
      const done = (outcome: WsOutcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      client.subscribe(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length && !result.data) done({ errors: result.errors as GraphQLFormattedError[] });
            else done({ data: result.data as Record<string, unknown>, errors: result.errors as GraphQLFormattedError[] | undefined });
          },
          error: (error) => {
            if (Array.isArray(error)) done({ errors: error as GraphQLFormattedError[] });
            else done({ close: (error as { code?: number }).code ?? closeCode });
          },
          complete: () => done({ completed: true }),
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

const openSockets = new Set<WebSocket>();
afterAll(() => {
  for (const socket of openSockets) socket.terminate();
});

/** A raw WebSocket speaking graphql-transport-ws by hand, for frames a well-behaved client never sends. */
export async function rawSocket(server: TestServer, connectionParams?: Record<string, unknown>) {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  openSockets.add(socket);
  socket.once('close', () => openSockets.delete(socket));
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let closed: { code: number; reason: string } | null = null;
  socket.on('message', (data) => {
    try {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    } catch {
      messages.push({ type: 'unparseable' });
    }
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('close', (code, reason) => {
    closed = { code, reason: String(reason) };
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const raw = {
    socket,
    messages,
    get closed() {
      return closed;
    },
    send(frame: unknown) {
      socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
    },
    /** Waits until `check` holds over the messages received so far (or the socket closed). */
    async until<T>(check: (messages: Record<string, unknown>[]) => T | undefined | false, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check(messages);
        if (value) return value;
        if (closed) throw new Error(`socket closed ${closed.code} ${closed.reason} while waiting`);
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(messages).slice(0, 500)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    async waitClosed(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!closed) {
        if (Date.now() > deadline) throw new Error('socket did not close');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return closed as { code: number; reason: string };
    },
    close() {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.terminate();
    },
  };
  if (connectionParams !== undefined) {
    raw.send({ type: 'connection_init', payload: connectionParams });
    await raw.until((m) => m.some((x) => x.type === 'connection_ack'));
  }
  return raw;
}
