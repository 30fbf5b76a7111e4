/**
 * Retention by day partitions against today's unpartitioned tables, in the same run:
 * 1. one retention pass that drops the oldest day, against `DELETE` of the same rows;
 * 2. the executions page, the event feed and metrics on the partitioned tables against the same
 *    tables unpartitioned (same columns and indexes, same rows, same server code);
 * 3. the tables' size over 60 simulated days with a pass after each: flat once retention applies.
 * Size: BENCH_RETENTION_EXECUTIONS executions over BENCH_RETENTION_DAYS days, 8 steps and 10 events each.
 */
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDayPartition, PARTITIONED_TABLES, tableSizes } from '../src/db/retention.js';
import { encodeEventCursor } from '../src/domain/cursors.js';
import { requestBody } from './executions-page.js';
import { alternate, benchDatabase, median, quick, ratio, report } from './support.js';

const DAY = 86_400_000;
const executionsTotal = Number(process.env.BENCH_RETENTION_EXECUTIONS ?? (quick ? 20_000 : 200_000));
const days = Number(process.env.BENCH_RETENTION_DAYS ?? 10);
const perDay = Math.floor(executionsTotal / days);
const today = Math.floor(Date.now() / DAY) * DAY;
const firstDay = today - (days - 1) * DAY;

/** `count` finished executions created across the day starting at `dayStart`, with 8 steps and 10 events each. */
async function seedDay(client: postgres.Sql, dayStart: number, count: number) {
  const at = new Date(dayStart).toISOString();
  const step = DAY / count;
  await client.unsafe(`
    with e as (
      insert into executions (id, namespace, workflow, status, created_at, started_at, finished_at, updated_at, last_seq)
      select gen_random_uuid(), 'bench', 'wf-' || (i % 10), 'COMPLETED', t, t, t + interval '30 seconds', t + interval '30 seconds', 10
      from (select i, '${at}'::timestamptz + i * interval '${step} milliseconds' as t from generate_series(0, ${count - 1}) i) s
      returning id, created_at),
    s as (
      insert into steps (id, execution_id, execution_created_at, position, name, type, status, progress_percent, started_at, finished_at)
      select gen_random_uuid(), e.id, e.created_at, p, 'step-' || p, 'script', 'COMPLETED', 100, e.created_at + p * interval '3 seconds', e.created_at + (p + 1) * interval '3 seconds'
      from e, generate_series(0, 7) p)
    insert into events (namespace, execution_id, seq, type, data, timestamp)
    select 'bench', e.id, n, case when n = 1 then 'EXECUTION_CREATED' when n = 10 then 'EXECUTION_COMPLETED' else 'STEP_PROGRESS' end, '{}'::jsonb,
      e.created_at + n * interval '3 seconds'
    from e, generate_series(1, 10) n`);
}

/** Turns the partitioned tables into plain ones with the same columns and indexes: today's layout. */
async function unpartition(client: postgres.Sql) {
  for (const { table } of PARTITIONED_TABLES) {
    await client.unsafe(`create table ${table}_plain (like ${table} including defaults including indexes including constraints)`);
    await client.unsafe(`alter sequence if exists events_id_seq owned by none`);
    await client.unsafe(`drop table ${table}`);
    await client.unsafe(`alter table ${table}_plain rename to ${table}`);
  }
  await client.unsafe(`alter sequence events_id_seq owned by events.id`);
}

async function timed(work: () => Promise<unknown>) {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

async function startOn(url: string, env: Record<string, string>, clock?: { now(): Date }) {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: url, PORT: '0', MONITOR_ENABLED: 'false', ...env });
  const app = await buildApp(config, clock ? { clock } : {});
  const port = await app.start(0);
  const graphqlUrl = `http://127.0.0.1:${port}/graphql`;
  const post = async (body: string) => {
    const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const text = await response.text();
    if (!response.ok || text.includes('"errors"')) throw new Error(`request failed: ${text.slice(0, 300)}`);
  };
  return { app, post };
}

async function prepare(url: string, partitioned: boolean) {
  const server = await startOn(url, {});
  if (partitioned) {
    for (let d = firstDay; d <= today; d += DAY) {
      for (const { table } of PARTITIONED_TABLES) await createDayPartition(server.app.database.db, table, new Date(d)).catch(() => {});
    }
  }
  await server.app.stop();
  const client = postgres(url, { max: 1, onnotice: () => {} });
  if (!partitioned) await unpartition(client);
  for (let d = firstDay; d <= today; d += DAY) await seedDay(client, d, perDay);
  await client.unsafe('analyze');
  return client;
}

/** `cursors`: the same feed position in each database (transaction ids differ between them). */
async function readsCompared(partitionedUrl: string, plainUrl: string, cursors: { partitioned: string; plain: string }) {
  const servers = { partitioned: await startOn(partitionedUrl, {}), plain: await startOn(plainUrl, {}) };
  const from = new Date(today - DAY).toISOString();
  const bodies = {
    executionsPage: requestBody(50),
    eventFeed: (server: keyof typeof cursors) =>
      JSON.stringify({ query: `query ($after: String) { events(first: 500, after: $after) { edges { cursor node { seq type } } } }`, variables: { after: cursors[server] } }),
    metricsExact: JSON.stringify({ query: `query ($from: DateTime) { metrics(from: $from, exact: true) { total duration { p95Ms } } }`, variables: { from } }),
    metricsRollups: JSON.stringify({ query: `query ($from: DateTime) { metrics(from: $from, exact: false) { total running } }`, variables: { from } }),
  };
  const results: Record<string, number> = {};
  for (const [name, body] of Object.entries(bodies)) {
    const bodyOf = (server: keyof typeof servers) => (typeof body === 'string' ? body : body(server));
    for (const s of ['partitioned', 'plain'] as const) for (let i = 0; i < 5; i++) await servers[s].post(bodyOf(s)); // warm
    const rounds = await alternate(quick ? 20 : 60, {
      partitioned: () => timed(() => servers.partitioned.post(bodyOf('partitioned'))),
      plain: () => timed(() => servers.plain.post(bodyOf('plain'))),
    });
    results[`${name} p50 partitioned ms`] = median(rounds.partitioned);
    results[`${name} p50 unpartitioned ms`] = median(rounds.plain);
    results[`${name} throughput ratio (unpartitioned/partitioned p50, aim >= 0.9)`] = ratio(median(rounds.plain), median(rounds.partitioned));
  }
  for (const s of Object.values(servers)) await s.app.stop();
  return results;
}

/** A pass dropping the oldest day on the partitioned database; DELETE of the same rows on the plain one. */
async function dropCompared(partitionedUrl: string, plain: postgres.Sql) {
  const clock = { now: () => new Date(firstDay + (days + 1) * DAY + 3_600_000) };
  const rawDays = String(days); // exactly the first day is past it
  const server = await startOn(partitionedUrl, { RETENTION_RAW_DAYS: rawDays }, clock);
  let dropped = 0;
  const passMs = await timed(async () => (dropped = (await server.app.services.retention.run()).droppedDays.length));
  await server.app.stop();
  const end = new Date(firstDay + DAY).toISOString();
  const deleteMs = await timed(() =>
    plain.begin(async (tx) => {
      await tx.unsafe(`delete from events where timestamp < '${end}'`);
      await tx.unsafe(`delete from steps where execution_created_at < '${end}'`);
      await tx.unsafe(`delete from executions where created_at < '${end}'`);
    }),
  );
  return { 'rows in the dropped day': `${perDay} executions, ${perDay * 8} steps, ${perDay * 10} events`, 'days dropped by the pass': dropped, 'retention pass ms': Math.round(passMs), 'DELETE of the same rows ms': Math.round(deleteMs), 'pass / DELETE': ratio(passMs, deleteMs) };
}

/** 60 simulated days with RETENTION_RAW_DAYS=7: a day of rows, then a pass; sizes every 10 days. */
async function sizeOverTime() {
  const db = await benchDatabase();
  const perSimulatedDay = quick ? 1_000 : 5_000;
  let now = firstDay - 60 * DAY;
  const clock = { now: () => new Date(now + 3_600_000) };
  const server = await startOn(db.url, { RETENTION_RAW_DAYS: '7' }, clock);
  const client = postgres(db.url, { max: 1, onnotice: () => {} });
  const sizes: Record<string, string> = {};
  try {
    for (let day = 1; day <= 60; day++) {
      await server.app.services.retention.run();
      await seedDay(client, now, perSimulatedDay);
      if (day % 10 === 0) {
        const tables = await tableSizes(server.app.database.db);
        const raw = tables.filter((t) => ['executions', 'steps', 'events'].includes(t.table)).reduce((sum, t) => sum + t.bytes, 0);
        sizes[`day ${day}: executions+steps+events MiB`] = (raw / 2 ** 20).toFixed(1);
      }
      now += DAY;
    }
    const [row] = await client<{ n: string }[]>`select count(*)::text as n from executions`;
    sizes['executions kept at day 60'] = `${row!.n} (${perSimulatedDay}/day, 7 days + today)`;
  } finally {
    await client.end();
    await server.app.stop();
    await db.drop();
  }
  return sizes;
}

const partitionedDb = await benchDatabase();
const plainDb = await benchDatabase();
try {
  const t0 = performance.now();
  const [partitionedClient, plain] = await Promise.all([prepare(partitionedDb.url, true), prepare(plainDb.url, false)]);
  const seedMs = performance.now() - t0;
  const midCursor = async (client: postgres.Sql) => {
    const [mid] = await client<{ tx_id: string; id: string }[]>`select tx_id::text, id::text from events order by tx_id, id offset ${Math.floor(perDay * days * 5)} limit 1`;
    return encodeEventCursor({ txId: Number(mid!.tx_id), id: Number(mid!.id) });
  };
  const cursors = { partitioned: await midCursor(partitionedClient), plain: await midCursor(plain) };
  await partitionedClient.end();
  const reads = await readsCompared(partitionedDb.url, plainDb.url, cursors);
  const drop = await dropCompared(partitionedDb.url, plain);
  await plain.end();
  const sizes = await sizeOverTime();
  report('Retention: day partitions vs unpartitioned tables', {
    size: `${perDay * days} executions over ${days} days (${perDay * days * 8} steps, ${perDay * days * 10} events), seeded in ${Math.round(seedMs / 1000)} s`,
    ...drop,
    ...reads,
    ...sizes,
  });
} finally {
  await partitionedDb.drop();
  await plainDb.drop();
}
