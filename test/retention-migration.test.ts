import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/query.js';
import { encodeEventCursor } from '../src/domain/cursors.js';
import { encodeGlobalId } from '../src/graphql/ids.js';
import { migrationsFolder } from '../src/paths.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer } from './harness.js';

const DAY = 86_400_000;
const temporary: string[] = [];
afterAll(() => Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The migrations of main before partitioning (every one before 0010), in a folder of their own. */
async function unpartitionedMigrations(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'runwatch-migrations-'));
  temporary.push(folder);
  await mkdir(join(folder, 'meta'));
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.tag < '0010');
  await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) await cp(join(migrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  return folder;
}

/** Rows as today's main writes them: one transaction per execution, each with its steps and events. */
function seedStatements(now: number) {
  const executions = [
    // Older than the 40 days that get day partitions: it lands in the default partitions.
    { id: randomUUID(), status: 'COMPLETED', createdAt: new Date(now - 800 * DAY), externalId: 'ancient' },
    { id: randomUUID(), status: 'COMPLETED', createdAt: new Date(now - 40 * DAY), externalId: 'old' },
    { id: randomUUID(), status: 'COMPLETED', createdAt: new Date(now - 2 * DAY), externalId: 'recent' },
    { id: randomUUID(), status: 'RUNNING', createdAt: new Date(now - DAY), externalId: 'running' },
  ];
  return executions.map(({ id, status, createdAt, externalId }) => {
    const at = createdAt.toISOString();
    const types = status === 'RUNNING' ? ['EXECUTION_CREATED', 'EXECUTION_STARTED'] : ['EXECUTION_CREATED', 'EXECUTION_STARTED', 'EXECUTION_COMPLETED'];
    return {
      id,
      externalId,
      statements: [
        `insert into executions (id, namespace, workflow, external_id, status, created_at, started_at, finished_at, updated_at, last_seq)
          values ('${id}', 'default', 'deploy', '${externalId}', '${status}', '${at}', '${at}', ${status === 'RUNNING' ? 'null' : `'${at}'`}, '${at}', ${types.length})`,
        `insert into steps (id, execution_id, position, name, type, status) values ('${randomUUID()}', '${id}', 0, 'build', 'script', '${status === 'RUNNING' ? 'RUNNING' : 'COMPLETED'}')`,
        `insert into events (namespace, execution_id, seq, type, data, timestamp) values ${types.map((type, i) => `('default', '${id}', ${i + 1}, '${type}', '{}', '${at}')`).join(', ')}`,
      ],
    };
  });
}

type Run = (statement: string) => Promise<Record<string, unknown>[]>;

/** A database made by main's migrations, with data in it; returns how the server opens it. */
async function databaseOfMain(seed: ReturnType<typeof seedStatements>) {
  const folder = await unpartitionedMigrations();
  const withData = async (run: Run) => {
    for (const { statements } of seed) {
      await run('begin');
      for (const statement of statements) await run(statement);
      await run('commit');
    }
    return run('select tx_id::text, id::text from events order by tx_id, id');
  };
  if (onPostgres) {
    const url = (await freshDatabaseUrl())!;
    const client = postgres(url, { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres(client), { migrationsFolder: folder });
    const positions = await withData((statement) => client.unsafe(statement) as Promise<Record<string, unknown>[]>);
    await client.end();
    return { start: { databaseUrl: url }, positions };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'runwatch-main-db-'));
  temporary.push(dataDir);
  const client = await PGlite.create(dataDir);
  await migratePglite(drizzlePglite(client), { migrationsFolder: folder });
  const positions = await withData(async (statement) => (await client.query<Record<string, unknown>>(statement)).rows);
  await client.close();
  return { start: { env: { DATA_DIR: dataDir } }, positions };
}

const EVENTS = `query ($after: String) { events(first: 100, after: $after) { edges { cursor node { seq type } } } }`;
const EXECUTION = `query ($id: ID!) { execution(id: $id) { status externalId steps { name status } events { edges { node { seq } } } } }`;

describe('migrating the unpartitioned tables of main', () => {
  it('keeps every row and every cursor, continues seqs and event ids, and later drops the old days', async () => {
    const now = Date.now();
    const seed = seedStatements(now);
    const { start, positions } = await databaseOfMain(seed);
    const oldCursors = positions.map((p) => encodeEventCursor({ txId: Number(p.tx_id), id: Number(p.id) }));
    expect(oldCursors).toHaveLength(11);

    const server = await startServer({ ...start, env: { ...('env' in start ? start.env : {}), MONITOR_ENABLED: 'false' } });
    const db = server.app.database.db;
    const counts = await queryRows<Record<string, number>>(
      db,
      sql`select (select count(*) from executions)::int as executions, (select count(*) from steps)::int as steps, (select count(*) from events)::int as events,
        ((select count(*) from executions_default) + (select count(*) from steps_default) + (select count(*) from events_default))::int as in_default`,
    );
    expect(counts[0]).toEqual({ executions: 4, steps: 4, events: 11, in_default: 5 });

    // Events show once every older transaction on the server has finished (other test files' included).
    const cursorsOf = async (after?: string) =>
      (await server.request<{ events: { edges: { cursor: string }[] } }, unknown>(EVENTS, { after })).data!.events.edges.map((e) => e.cursor);
    expect(await eventually(async () => ((await cursorsOf()).length === 11 ? cursorsOf() : null), 10_000, 'the migrated events')).toEqual(oldCursors);
    for (const [i, cursor] of oldCursors.entries()) {
      const page = await server.request<{ events: { edges: { cursor: string }[] } }, unknown>(EVENTS, { after: cursor });
      expect(page.data!.events.edges.map((e) => e.cursor)).toEqual(oldCursors.slice(i + 1));
    }

    const running = seed[3]!;
    const runningId = encodeGlobalId('Execution', running.id);
    expect((await server.request(EXECUTION, { id: runningId })).data).toMatchObject({
      execution: { status: 'RUNNING', externalId: 'running', steps: [{ name: 'build', status: 'RUNNING' }], events: { edges: [{ node: { seq: 1 } }, { node: { seq: 2 } }] } },
    });
    const completed = await server.request(`mutation ($id: ID!) { cancelExecution(id: $id) { status } }`, { id: runningId });
    expect(completed.errors).toBeUndefined();
    const after = await eventually(async () => {
      const page = (await server.request<{ events: { edges: { cursor: string; node: { seq: number; type: string } }[] } }, unknown>(EVENTS, { after: oldCursors.at(-1) })).data!;
      return page.events.edges.length > 0 ? page : null;
    }, 10_000, 'the new event');
    expect(after.events.edges.map((e) => e.node.seq)).toEqual(after.events.edges.map((_, i) => 3 + i));
    expect(after.events.edges.map((e) => e.node.type)).toContain('EXECUTION_CANCELLED');
    const [newest] = await queryRows<{ id: string }>(db, sql`select max(id)::text as id from events`);
    expect(Number(newest!.id)).toBeGreaterThan(Number(positions.at(-1)!.id));

    // A create with an existing external id still finds the migrated execution.
    const again = await server.request<{ createExecution: { id: string } }, unknown>(
      `mutation { createExecution(input: { workflow: "deploy", externalId: "recent", steps: [] }) { id } }`,
      {},
    );
    expect(again.data!.createExecution.id).toBe(encodeGlobalId('Execution', seed[2]!.id));

    // The 40-day-old day is past the default 30 days: the first pass drops it, and the 800-day-old
    // execution from the default partitions; nothing newer.
    const pass = await server.app.services.retention.run();
    expect(pass.droppedDays.map((d) => d.toISOString().slice(0, 10))).toContain(new Date(now - 40 * DAY).toISOString().slice(0, 10));
    expect((await server.request<{ execution: unknown }, unknown>(EXECUTION, { id: encodeGlobalId('Execution', seed[0]!.id) })).data!.execution).toBeNull();
    expect((await server.request<{ execution: unknown }, unknown>(EXECUTION, { id: encodeGlobalId('Execution', seed[1]!.id) })).data!.execution).toBeNull();
    expect((await server.request<{ execution: unknown }, unknown>(EXECUTION, { id: encodeGlobalId('Execution', seed[2]!.id) })).data!.execution).not.toBeNull();
    for (const cursor of [oldCursors[0], oldCursors[3]]) {
      const expired = await server.request(EVENTS, { after: cursor });
      expect(expired.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    }
    const kept = await server.request<{ events: { edges: { cursor: string }[] } }, unknown>(EVENTS, { after: oldCursors[5] });
    expect(kept.data!.events.edges.map((e) => e.cursor).slice(0, 5)).toEqual(oldCursors.slice(6));
  });
});
