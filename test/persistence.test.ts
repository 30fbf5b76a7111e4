import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { CompleteStep, ExecutionEvents, GetExecution, ListEvents, ReportStepProgress, StartStep } from './documents.js';
import { runningExecution } from './fixtures.js';
import { driver, eventually, freshDatabaseUrl, manualClock, onPostgres, startServer, type StartOptions, type TestServer } from './harness.js';

const tempDirs: string[] = [];
afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

/** Where both servers keep their data: one Postgres database, or one PGlite directory on disk. */
async function sharedStorage(): Promise<StartOptions> {
  if (onPostgres) return { databaseUrl: await freshDatabaseUrl() };
  const dir = await mkdtemp(join(tmpdir(), 'runwatch-persistence-'));
  tempDirs.push(dir);
  return { env: { DATA_DIR: dir } };
}

/** `eventually`, typed for checks that return null until they succeed. */
const waitFor = async <T>(check: () => Promise<T | null>, timeoutMs?: number, what?: string) =>
  (await eventually(check, timeoutMs, what)) as T;

async function eventsOf(server: TestServer, id: string, expected: number) {
  return waitFor(async () => {
    const { execution } = await server.data(ExecutionEvents, { id, first: 500 });
    const events = execution!.events.edges.map((e) => e.node);
    return events.length >= expected ? events : null;
  }, 10_000, `${expected} events`);
}

describe(`persistence (${driver})`, () => {
  it('keeps executions, steps and events across a restart, and seq continues', async () => {
    // One frozen clock for both servers: time-derived fields (durations, ETA) must not differ.
    const storage = { ...(await sharedStorage()), clock: manualClock() };

    const first = await startServer(storage);
    const execution = await runningExecution(first, { namespace: 'persist', stepCount: 3, labels: { team: 'ops' }, slaMs: 60_000 });
    const [build, test] = execution.steps;
    await first.data(StartStep, { stepId: build!.id });
    await first.data(ReportStepProgress, { stepId: build!.id, percent: 40, message: 'compiling' });
    await first.data(CompleteStep, { stepId: build!.id });
    await first.data(StartStep, { stepId: test!.id });
    await first.data(ReportStepProgress, { stepId: test!.id, percent: 10, message: 'unit tests' });
    const before = (await first.data(GetExecution, { id: execution.id })).execution!;
    const eventsBefore = await eventsOf(first, execution.id, 7);
    const feedBefore = await first.data(ListEvents, { filter: { namespace: 'persist' }, first: 500 });
    const cursor = feedBefore.events.pageInfo.endCursor!;
    await first.stop();

    const second = await startServer(storage);
    const after = (await second.data(GetExecution, { id: execution.id })).execution!;
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'RUNNING', labels: { team: 'ops' }, slaMs: 60_000 });
    expect(after.steps.map((s) => [s.name, s.status, s.progressPercent, s.message])).toEqual([
      ['s0', 'COMPLETED', 100, 'compiling'],
      ['s1', 'RUNNING', 10, 'unit tests'],
      ['s2', 'PENDING', 0, null],
    ]);
    expect(await eventsOf(second, execution.id, 7)).toEqual(eventsBefore);

    // A cursor handed out before the restart still resumes the feed: nothing until something new.
    const resumed = await second.data(ListEvents, { filter: { namespace: 'persist' }, first: 10, after: cursor });
    expect(resumed.events.edges).toEqual([]);
    expect(resumed.events.pageInfo.endCursor).toBe(cursor);

    await second.data(CompleteStep, { stepId: test!.id });
    const events = await eventsOf(second, execution.id, 8);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.at(-1)).toMatchObject({ type: 'STEP_COMPLETED', stepId: test!.id, seq: 8 });
    const next = await waitFor(async () => {
      const page = await second.data(ListEvents, { filter: { namespace: 'persist' }, first: 10, after: cursor });
      return page.events.edges.length > 0 ? page.events.edges.map((e) => e.node) : null;
    });
    expect(next.map((e) => [e.type, e.seq])).toEqual([['STEP_COMPLETED', 8]]);

    // New executions land next to the old ones.
    const another = await runningExecution(second, { namespace: 'persist' });
    expect(another.id).not.toBe(execution.id);
    await second.stop();

    const third = await startServer(storage);
    expect((await third.data(GetExecution, { id: execution.id })).execution!.steps[1]!.status).toBe('COMPLETED');
    expect((await third.data(GetExecution, { id: another.id })).execution!.status).toBe('RUNNING');
    expect((await eventsOf(third, execution.id, 8)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe.runIf(onPostgres)('a transaction whose connection is killed', () => {
  it('fails that transaction only: no crash, and the next one works', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    const server = await startServer({ databaseUrl, env: { MONITOR_ENABLED: 'false' } });
    const { db } = server.app.database;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      for (let i = 0; i < 5; i++) {
        const failed = db.transaction(async (tx) => {
          const [{ pid }] = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as [{ pid: number }];
          await admin`select pg_terminate_backend(${pid})`;
          // The next statement meets the connection closing, or (odd rounds) already closed.
          if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, 100));
          await tx.execute(sql`select 1`);
        });
        await expect(failed).rejects.toThrow();
        // A crash would surface here, from a timer, as an uncaught exception of the run.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [row] = (await db.execute(sql`select 42 as answer`)) as unknown as [{ answer: number }];
      expect(row.answer).toBe(42);
      const execution = await runningExecution(server, { stepCount: 1 });
      expect(execution.status).toBe('RUNNING');
    } finally {
      await admin.end();
    }
  });
});

describe.runIf(onPostgres)('pooled connections terminated by Postgres', () => {
  it('retries a statement that met a terminated session, so reads right after a restart succeed', async () => {
    const databaseUrl = (await freshDatabaseUrl())!;
    const server = await startServer({ databaseUrl, env: { MONITOR_ENABLED: 'false' } });
    const { db } = server.app.database;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      for (let round = 0; round < 5; round++) {
        // Open every pooled connection, then end their sessions as a restart would.
        await Promise.all(Array.from({ length: 10 }, () => db.execute(sql`select pg_sleep(0.01)`)));
        const reads = admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'runwatch' and datname = current_database()`.then(() =>
          Promise.all(Array.from({ length: 10 }, (_, i) => db.execute(sql`select ${i}::int as i`))),
        );
        const results = (await reads) as unknown as { i: number }[][];
        expect(results.map((rows) => rows[0]!.i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      }
    } finally {
      await admin.end();
    }
  });
});
