import { AsyncLocalStorage } from 'node:async_hooks';
import type { PGlite } from '@electric-sql/pglite';

import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Logger } from '../logger.js';
import { migrationsFolder } from '../paths.js';
import { StartupError } from '../startup.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { openPglite } from './pglite.js';
import { openReplicas, type ReplicaStatus, type Replicas } from './replicas.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A Drizzle handle or transaction on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Notifications {
  /** Sends a wake-up to every instance (including this one). */
  notify(channel: string, payload: string): Promise<void>;
  /** Listens on one shared connection; `onReconnect` runs each time the listener (re)connects. */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect: () => void): Promise<() => Promise<void>>;
}

/** An advisory lock held by a session of its own, for as long as that session lives. */
export interface SessionLock {
  /**
   * Whether this process holds the lock now, taking it when it is free. A lost session (a
   * restart, a dropped connection) loses the lock; the next call then tries to take it again.
   */
  hold(): Promise<boolean>;
}

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /**
   * Statements issued through Drizzle since start; tests use it to guard against N+1 queries,
   * benchmarks set `onQuery` to see the SQL itself.
   */
  statements: { count: number; onQuery?: (query: string, params: unknown[]) => void };
  /**
   * A second handle on the same connections whose statements are not counted: API key lookups run
   * in the background of requests and must not disturb the N+1 statement counts.
   */
  uncountedDb: Db;
  /** Cross-instance notifications; only with real Postgres (PGlite is one process by nature). */
  notifications: Notifications | null;
  /** The exclusive lock on PGlite's data folder, held until close; null in memory and on Postgres. */
  dataDirLock: DataDirLock | null;
  /** A session-held advisory lock (one session per key, opened on first use, closed with the database); PGlite's process always holds it. */
  sessionLock(key: number): SessionLock;
  /**
   * Runs `work` with its reads (statements outside transactions) sent to a read replica within
   * DATABASE_REPLICA_MAX_LAG_MS, where there is one. Its first transaction or other write sends
   * everything after it to the primary, so a read after a write sees the write.
   */
  readFromReplicas<T>(work: () => T): T;
  /** Runs `work` on the primary, also inside `readFromReplicas`: reads that describe the primary itself. */
  readFromPrimary<T>(work: () => T): T;
  /** The read replicas, for health; empty without any. */
  replicas(): ReplicaStatus[];
  ping(): Promise<number>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  dataDir: string;
  poolSize: number;
  /** Read replicas of `url` (DATABASE_REPLICA_URL), skipped while further behind than `replicaMaxLagMs`. */
  replicaUrls?: readonly string[];
  replicaMaxLagMs?: number;
  replicaCheckMs?: number;
  /** How long opening a connection may take before its statements fail. */
  connectTimeoutMs: number;
  logger: Logger;
}

/**
 * The pause before a pool connection reconnects after an error. postgres.js' default grows with a
 * retry count shared by the whole pool, up to 20 s, and queued statements wait it out: during an
 * outage requests hung for seconds and after it the first write waited as long. A short jittered
 * pause fails statements at once while Postgres is down (connections are refused) and reconnects
 * within a fraction of a second once it is back.
 */
const reconnectDelaySeconds = () => 0.05 + Math.random() * 0.1;

/** Error codes (of an error or one it wraps) meaning Postgres cannot be reached now, not a fault of the request. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
]);

/** Whether `error` says the database is unreachable (an outage) rather than that a statement failed. */
export function databaseUnreachable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (UNREACHABLE_CODES.has(String((e as { code?: unknown }).code))) return true;
    if (e instanceof AggregateError && e.errors.some(databaseUnreachable)) return true;
  }
  return false;
}

const MIGRATION_LOCK = 7_240_611;

/** Whether the current operation's reads may go to a replica: set by `readFromReplicas`, cleared by its first write. */
const readRoute = new AsyncLocalStorage<{ replicas: boolean }>();
const routing = {
  readFromReplicas: <T>(work: () => T) => readRoute.run({ replicas: true }, work),
  readFromPrimary: <T>(work: () => T) => readRoute.run({ replicas: false }, work),
};

/** Opens the database (postgres.js when a URL is given, PGlite otherwise) and applies migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const statements: Database['statements'] = { count: 0 };
  const logger = {
    logQuery: (query: string, params: unknown[]) => {
      statements.count++;
      statements.onQuery?.(query, params);
    },
  };
  const log = options.logger.child({ component: 'db' });

  if (options.url) {
    await migrateWithLock(options.url).catch((error: unknown) => {
      throw unusableDatabase(options.url!, error) ?? error;
    });
    const connect = (url: string) =>
      postgres(url, {
        max: options.poolSize,
        backoff: reconnectDelaySeconds,
        connect_timeout: options.connectTimeoutMs / 1000,
        onnotice: () => {},
        connection: { application_name: 'runwatch' },
      });
    const client = connect(options.url);
    const replicas = options.replicaUrls?.length
      ? await openReplicas(client, { urls: options.replicaUrls, maxLagMs: options.replicaMaxLagMs ?? 5_000, checkMs: options.replicaCheckMs ?? 1_000, connect, logger: options.logger })
      : null;
    const driver = driverClient(client, undefined, replicas);
    const db = drizzlePostgres(driver, { schema, logger }) as unknown as Db;
    const sessions: postgres.Sql[] = [];
    log.info({ driver: 'postgres' }, 'database ready');
    return {
      db,
      driver: 'postgres',
      statements,
      uncountedDb: drizzlePostgres(driver, { schema }) as unknown as Db,
      dataDirLock: null,
      notifications: {
        notify: async (channel, payload) => {
          await client.notify(channel, payload);
        },
        listen: async (channel, onMessage, onReconnect) => {
          const subscription = await client.listen(channel, onMessage, onReconnect);
          return () => subscription.unlisten();
        },
      },
      sessionLock(key) {
        const session = lockSession(options.url!);
        sessions.push(session);
        return { hold: () => holdAdvisoryLock(session, key) };
      },
      ...routing,
      replicas: () => replicas?.status() ?? [],
      ping: () => timed(() => client`select 1`),
      close: async () => {
        await replicas?.close();
        await Promise.all(sessions.map((session) => session.end({ timeout: 5 })));
        await client.end({ timeout: 5 });
      },
    };
  }

  // PGlite is one process per folder: a second one would corrupt it (and lose the first one's writes).
  const dataDirLock = options.dataDir.startsWith('memory://') ? null : lockDataDir(options.dataDir);
  let pglite: PGlite;
  try {
    pglite = await openPglite(options.dataDir, migratePgliteDatabase);
  } catch (error) {
    dataDirLock?.release();
    throw error;
  }
  const db = drizzlePglite(pglite, { schema, logger }) as unknown as Db;
  log.info({ driver: 'pglite', dataDir: options.dataDir }, 'database ready');
  return {
    db,
    driver: 'pglite',
    statements,
    uncountedDb: drizzlePglite(pglite, { schema }) as unknown as Db,
    notifications: null,
    dataDirLock,
    sessionLock: () => ({ hold: async () => true }),
    ...routing,
    replicas: () => [],
    ping: () => timed(() => pglite.query('select 1')),
    close: async () => {
      await pglite.close();
      dataDirLock?.release();
    },
  };
}

export const migratePgliteDatabase = (client: PGlite) => migratePglite(drizzlePglite(client), { migrationsFolder });

/** Statements with at most this many parameters are prepared; see `driverClient`. */
const MAX_PREPARED_PARAMETERS = 16;

/**
 * The postgres.js client as Drizzle gets it, with three changes:
 * - Prepared statements. Drizzle sends every statement unnamed, so postgres.js first asks Postgres
 *   to describe it (a round trip of its own) and Postgres parses and plans it each time. Named
 *   statements are cached per connection and run in one round trip. Only statements with few
 *   parameters are named: their texts come from a bounded set of query shapes, whereas long
 *   `in (...)` lists and multi-row inserts have one text per length and would grow the cache.
 * - Nothing more on a dead connection. When a transaction's connection is closed under it (Postgres
 *   restarted, the backend terminated), postgres.js rejects the transaction at once but still
 *   writes the body's next statements, and then ROLLBACK, on that connection: the write happens in
 *   a timer after the socket is gone and throws outside any promise, which would crash the process
 *   (postgres 3.4.9). Statements of a transaction whose connection is gone therefore fail without
 *   reaching postgres.js, and a body that failed that way is never settled; the transaction has
 *   already been rejected, and Postgres rolled it back when the session ended.
 * - A statement outside a transaction that met a terminated session is retried, at most twice
 *   (`retryIfTerminated`).
 * - Reads inside `readFromReplicas` go to a replica (`replicaForRead`); one the replica cannot
 *   answer now (unreachable, or cancelled by a conflict with its replay) is sent to the primary.
 */
function driverClient(client: postgres.Sql, transaction?: { connectionLost: boolean }, replicas?: Replicas | null): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters: unknown[] = [], options: postgres.UnsafeQueryOptions = {}) => {
          const run = (sql: postgres.Sql) => sql.unsafe(query, parameters as never, { ...options, prepare: parameters.length <= MAX_PREPARED_PARAMETERS });
          if (transaction?.connectionLost) {
            const lost = () => Promise.reject(Object.assign(new Error('The transaction\'s connection was closed'), { code: 'CONNECTION_CLOSED' }));
            return { then: (resolve: never, reject: never) => lost().then(resolve, reject), values: lost };
          }
          if (transaction) return run(target);
          const replica = replicaForRead(query, replicas);
          const send = <T>(execute: (sql: postgres.Sql) => PromiseLike<T>): Promise<T> => {
            const onPrimary = () => retryIfTerminated(query, () => execute(target));
            if (!replica) return onPrimary();
            return Promise.resolve(execute(replica)).catch((error: unknown) => {
              const conflict = (error as { code?: string }).code === '40001';
              if (!conflict && !databaseUnreachable(error)) throw error;
              if (!conflict) replicas!.unreachable(replica, error as Error);
              return onPrimary();
            });
          };
          // Drizzle awaits the query or its `.values()`; postgres.js runs it only then.
          return {
            then: (resolve: never, reject: never) => send(run).then(resolve, reject),
            values: () => send((sql) => run(sql).values()),
          };
        };
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          readsOnPrimaryFromNow();
          const body = args.pop() as (tx: postgres.Sql) => Promise<unknown>;
          const transaction = { connectionLost: false };
          const result = (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (tx: postgres.Sql) =>
            body(driverClient(tx, transaction)).catch((error: unknown) => {
              if (connectionLost(error)) return new Promise(() => {});
              throw error;
            }),
          );
          // postgres.js rejects the transaction as soon as its connection closes.
          result.catch((error: unknown) => void (transaction.connectionLost ||= connectionLost(error)));
          return result;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

const PLAIN_READ = /^\s*(select|with)\b/i;
const WRITES = /\b(insert|update|delete|nextval|setval)\b/i;

/**
 * The replica for a statement outside a transaction, when the operation may read from one and the
 * statement is a plain read; any other statement is a write, and the operation's later reads go to
 * the primary. Null: the primary.
 */
function replicaForRead(query: string, replicas: Replicas | null | undefined): postgres.Sql | null {
  const route = readRoute.getStore();
  if (!replicas || !route?.replicas) return null;
  if (!PLAIN_READ.test(query) || WRITES.test(query)) {
    route.replicas = false;
    return null;
  }
  return replicas.pick();
}

function readsOnPrimaryFromNow() {
  const route = readRoute.getStore();
  if (route) route.replicas = false;
}

/**
 * A statement outside a transaction whose session ended under it is sent again (at most twice), after a pause that
 * lets the pool notice its other dead connections, so the first statements after a database
 * restart succeed. Postgres terminating the session (57P01/57P02: restart, shutdown, an
 * administrator) means the statement did not take effect; a connection that just dropped leaves
 * that unknown, so only reads are retried then.
 */
async function retryIfTerminated<T>(query: string, run: () => PromiseLike<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const terminated = code === '57P01' || code === '57P02';
      const readLost = (code === 'CONNECTION_CLOSED' || code === 'ECONNRESET' || code === 'EPIPE') && /^\s*select\b/i.test(query);
      if (attempt === 3 || (!terminated && !readLost)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

/** Whether an error (or one it wraps, as Drizzle does) means the connection itself is gone. */
function connectionLost(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const { code, severity } = e as { code?: string; severity?: string };
    if (code === 'CONNECTION_CLOSED' || code === 'CONNECTION_DESTROYED' || code === 'CONNECTION_ENDED') return true;
    if (severity === 'FATAL' || severity === 'PANIC') return true;
  }
  return false;
}

/**
 * A connection of its own for a session lock, never recycled: a pool connection reaches its
 * max_lifetime (30-60 min) and would drop the lock with it (0: never), like postgres.js' own LISTEN connection.
 */
const lockSession = (url: string) =>
  postgres(url, { max: 1, max_lifetime: 0, idle_timeout: 0, onnotice: () => {}, connection: { application_name: 'runwatch-lock' } });

/**
 * Takes the lock unless this session holds it already (the bigint form shows in pg_locks as
 * classid 0, objid key, objsubid 1 for keys below 2^31), so the lock is counted once however
 * often it is confirmed. After the session was lost, postgres.js opens a new one: it holds nothing.
 */
async function holdAdvisoryLock(session: postgres.Sql, key: number): Promise<boolean> {
  const [row] = await session`
    select case when exists (
      select 1 from pg_locks
      where locktype = 'advisory' and pid = pg_backend_pid() and granted and classid = 0 and objid = ${key}::bigint::oid and objsubid = 1
    ) then true else pg_try_advisory_lock(${key}::bigint) end as held`;
  return row?.held === true;
}

/** Several instances may start at once: one migrates while the others wait on an advisory lock. */
async function migrateWithLock(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Connection failures, refused logins and missing databases (SQLSTATE classes 08, 28, 3D, 53, 57). */
const UNUSABLE_DATABASE = /^(08|28|3D|53|57)/;

/** Why the database at DATABASE_URL cannot be used, in one line that says what to check (null: a bug, not the setting). */
function unusableDatabase(url: string, error: unknown): StartupError | null {
  const { host, hostname, pathname, username } = new URL(url);
  const database = decodeURIComponent(pathname.slice(1)) || username || 'postgres';
  type Failure = { code?: string; message?: string; errors?: Failure[]; cause?: Failure };
  let failure = error as Failure;
  while (!failure.code && failure.cause) failure = failure.cause; // Drizzle wraps the driver's error
  const code = failure.code ?? failure.errors?.[0]?.code ?? '';
  const reasons: Record<string, string> = {
    ECONNREFUSED: `nothing accepts connections at ${host}; check that Postgres runs there, on that port`,
    ENOTFOUND: `the host ${hostname} is unknown`,
    EAI_AGAIN: `the host ${hostname} could not be resolved`,
    CONNECT_TIMEOUT: `${host} did not answer in time: check the host, the port and any firewall`,
    '3D000': `the database "${database}" does not exist on ${host}: create it (createdb ${database}) or name another in the URL`,
  };
  const reason = reasons[code] ?? (UNUSABLE_DATABASE.test(code) ? `${failure.message} (${code})` : null);
  if (reason === null) return null;
  return new StartupError(`DATABASE_URL cannot be used: ${reason} (or unset DATABASE_URL to run on the embedded database).`);
}

async function timed(query: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await query();
  return performance.now() - started;
}

