import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import postgres from 'postgres';
import { afterAll } from 'vitest';
import WebSocket from 'ws';
import { buildApp, type App } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import type { Clock } from '../src/services/executions.js';

export const driver = (process.env.RUNWATCH_TEST_DRIVER ?? 'pglite') as 'pglite' | 'postgres';
export const onPostgres = driver === 'postgres';
const adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface TestServer {
  app: App;
  config: Config;
  url: string;
  wsUrl: string;
  request<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** `request`, expecting no errors. */
  data<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T>;
  wsClient(options?: Partial<Parameters<typeof createClient>[0]>): Client;
  stop(): Promise<void>;
}

const disposers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose();
});

/** A fresh database for this test file: a new Postgres database, or an in-memory PGlite. */
export async function freshDatabaseUrl(): Promise<string | undefined> {
  if (!onPostgres) return undefined;
  if (!adminUrl) throw new Error('RUNWATCH_TEST_DRIVER=postgres needs TEST_DATABASE_URL or DATABASE_URL');
  const name = `runwatch_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  disposers.unshift(async () => {
    const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await cleanup.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', DATA_DIR: 'memory://', PORT: '0', ...overrides });
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  databaseUrl?: string;
  clock?: Clock;
  /** A fixed port, e.g. to restart a server where its clients expect it. */
  port?: number;
  /** To read what the server logs. */
  logger?: Logger;
}

/** Starts the real server on a free port; it is stopped after the file's tests. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl());
  const config = testConfig({ DATABASE_URL: databaseUrl, ...options.env });
  const app = await buildApp(config, { clock: options.clock, logger: options.logger });
  const port = await app.start(options.port ?? 0);
  const url = `http://127.0.0.1:${port}/graphql`;
  const wsUrl = `ws://127.0.0.1:${port}/graphql`;
  const clients: Client[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const client of clients) await client.dispose();
    await app.stop();
  };
  disposers.push(stop);

  const request: TestServer['request'] = async (document, variables, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
    });
    return (await response.json()) as GraphQLResponse<never>;
  };

  return {
    app,
    config,
    url,
    wsUrl,
    request,
    async data(document, variables) {
      const result = await request(document, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as never;
    },
    wsClient(clientOptions = {}) {
      const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, ...clientOptions });
      clients.push(client);
      return client;
    },
    stop,
  };
}

/** Polls `check` until it returns a truthy value (never a fixed sleep); fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const errorCodes = (result: GraphQLResponse<unknown>) => (result.errors ?? []).map((e) => e.extensions?.code);

/** A clock the test moves by hand. */
export function manualClock(start = new Date('2026-01-01T00:00:00.000Z')): Clock & { advance(ms: number): void; set(date: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => void (now += ms),
    set: (date) => void (now = date.getTime()),
  };
}
