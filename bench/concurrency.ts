/**
 * Many engines at once: 16, 64 and 256 concurrent engines, each running whole lifecycles (create
 * with 3 steps, start, per step start/progress/complete, complete: 12 mutations, one per request)
 * over HTTP against two server processes on one database, engines spread over both. Contestants,
 * alternated at every level in one run (bench/replay.ts replays the transactions one template
 * lifecycle issued, ids swapped, with a postgres.js pool as large as the two servers' together):
 * - Runwatch over HTTP (wake-ups coalesced after commit, one NOTIFY per short interval per instance);
 * - direct: the same transactions with postgres.js and no NOTIFY at all;
 * - old shape: the same, with a NOTIFY inside every writing transaction (the write path before
 *   wake-ups left the transaction; Postgres serialises the commits of such transactions).
 * Subscribers on the second instance follow the namespace the first instance's engines write to,
 * so every delivery crossed instances through NOTIFY: the time from an event's write (its
 * timestamp, taken in the transaction before commit) to its delivery bounds commit-to-subscriber
 * from above. CPU per mutation: the server processes and the database's backends, from /proc.
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/concurrency.ts   (BENCH_QUICK=1: short)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import postgres from 'postgres';
import { captureLifecycle, closedLoop, replayer, statementCount } from './replay.js';
import { alternate, benchDatabase, median, percentile, quick, ratio, report, startBenchServer } from './support.js';

const LEVELS = [16, 64, 256];
const INSTANCES = 2;
const POOL = 8;
const STEPS = 3;
const MUTATIONS = 3 + STEPS * 3;
const SECONDS = quick ? 2 : 4;
const ROUNDS = quick ? 1 : 2;
const SUBSCRIBERS = 4;
const FOLLOWED = 'bench-0';

const root = fileURLToPath(new URL('..', import.meta.url));

/** User + system CPU time of a process in ms (0 when it is gone). */
const cpuMs = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};

function startInstance(databaseUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', LOG_PRETTY: 'false', DATABASE_URL: databaseUrl, PORT: '0', DATABASE_POOL_SIZE: String(POOL), MONITOR_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<{ child: ChildProcess; url: string; wsUrl: string }>((resolve, reject) => {
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"Runwatch listening"/.exec(printed);
      if (match) resolve({ child, url: match[1]!, wsUrl: match[1]!.replace('http:', 'ws:') });
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${printed}`)));
  });
}

const database = await benchDatabase();
const sql = postgres(database.url, { max: INSTANCES * POOL, onnotice: () => {} });
const instances: { child: ChildProcess; url: string; wsUrl: string }[] = [];
try {
  // The template lifecycle, captured on an in-process server (which also migrates the database).
  const capturing = await startBenchServer(database.url, { MONITOR_ENABLED: 'false' });
  const { commands, templateIds } = await captureLifecycle(capturing.url, capturing.app.database, STEPS);
  await capturing.stop();
  const statements = commands.reduce((n, c) => n + statementCount(c), 0);
  for (let i = 0; i < INSTANCES; i++) instances.push(await startInstance(database.url));

  const backendCpu = async () => {
    const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return new Map(pids.map(({ pid }) => [pid, cpuMs(pid)]));
  };
  const serverCpu = () => instances.reduce((ms, i) => ms + cpuMs(i.child.pid!), 0);
  const walBytes = async () => Number((await sql<[{ lsn: string }]>`select (pg_current_wal_lsn() - '0/0')::text as lsn`)[0].lsn);
  /** Runs `work` and returns its lifecycles/s with the CPU ms and WAL bytes it cost per mutation. */
  async function measured(work: () => Promise<{ lifecycles: number; elapsed: number }>) {
    const [backendsBefore, serversBefore, walBefore] = [await backendCpu(), serverCpu(), await walBytes()];
    const { lifecycles, elapsed } = await work();
    const [backendsAfter, serversAfter, walAfter] = [await backendCpu(), serverCpu(), await walBytes()];
    const mutations = lifecycles * MUTATIONS;
    const postgresMs = [...backendsAfter].reduce((ms, [pid, after]) => ms + after - (backendsBefore.get(pid) ?? 0), 0);
    return {
      rate: Number((lifecycles / elapsed).toFixed(1)),
      serverMs: (serversAfter - serversBefore) / mutations,
      postgresMs: postgresMs / mutations,
      walBytes: (walAfter - walBefore) / mutations,
    };
  }

  const overHttp = (engines: number) =>
    new Promise<{ lifecycles: number; requests: number; elapsed: number }>((resolve, reject) => {
      const worker = new Worker(new URL('./ingest-client.mjs', import.meta.url), {
        workerData: {
          mode: 'lifecycles',
          urls: instances.map((i) => i.url),
          namespaces: instances.map((_, n) => `bench-${n}`),
          engines,
          seconds: SECONDS,
          steps: STEPS,
        },
      });
      worker.once('error', reject);
      worker.once('message', resolve);
    });
  const direct = replayer(sql);
  const oldShape = replayer(sql, { notifyInTransaction: true });
  const directly = (replay: typeof direct, engines: number) => async () => {
    const started = performance.now();
    let lifecycles = 0;
    await closedLoop(engines, SECONDS, async () => {
      const ids = new Map(templateIds.map((id) => [id, randomUUID()]));
      for (const command of commands) await replay(command, ids);
      lifecycles++;
    });
    return { lifecycles, elapsed: (performance.now() - started) / 1000 };
  };

  const subscribers = new Worker(new URL('./ingest-client.mjs', import.meta.url), {
    workerData: {
      mode: 'subscribers',
      wsUrl: instances[1]!.wsUrl,
      count: SUBSCRIBERS,
      query: `subscription { events(filter: { namespace: "${FOLLOWED}" }) { cursor timestamp } }`,
    },
  });
  const nextFromSubscribers = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const listener = (m: { type: string; message?: string }) => {
        if (m.type === 'error') console.error('subscriber error', m.message);
        if (m.type !== type) return;
        subscribers.off('message', listener);
        resolve(m as T);
      };
      subscribers.on('message', listener);
    });
  const deliveries = async () => {
    subscribers.postMessage('count');
    return nextFromSubscribers<{ received: number; latencies: number[] }>('count');
  };
  await nextFromSubscribers('ready');

  // Warm-up (the servers' JIT at every level's shape).
  for (const engines of LEVELS) await overHttp(engines);
  await directly(direct, 16)();
  let received = 0;
  received += (await deliveries()).latencies.length;

  const rows: Record<string, string | number> = {
    'instances x pool, engines spread over them': `${INSTANCES} x ${POOL} connections (direct: one pool of ${INSTANCES * POOL})`,
    'statements per lifecycle (12 mutations)': statements,
    'seconds per run x rounds': `${SECONDS} x ${ROUNDS}`,
  };
  const latencies: number[][] = [];
  for (const engines of LEVELS) {
    const runs = await alternate(ROUNDS, {
      ours: () => measured(overHttp.bind(null, engines)),
      direct: () => measured(directly(direct, engines)),
      old: () => measured(directly(oldShape, engines)),
    });
    latencies.push((await deliveries()).latencies);
    const rate = (k: keyof typeof runs) => median(runs[k].map((r) => r.rate));
    const each = (k: keyof typeof runs) => runs[k].map((r) => r.rate).join(', ');
    const cost = (k: keyof typeof runs, field: 'serverMs' | 'postgresMs' | 'walBytes') => Number(median(runs[k].map((r) => r[field])).toFixed(field === 'walBytes' ? 0 : 3));
    const level = latencies.at(-1)!;
    rows[`${engines} engines: lifecycles/s Runwatch / direct / old shape (median; runs)`] = `${rate('ours')} / ${rate('direct')} / ${rate('old')} (${each('ours')}; ${each('direct')}; ${each('old')})`;
    rows[`${engines} engines: ratio Runwatch / direct`] = ratio(rate('ours'), rate('direct'));
    rows[`${engines} engines: ratio old shape / direct`] = ratio(rate('old'), rate('direct'));
    rows[`${engines} engines: write-to-subscriber across instances p50 / p99 / max ms (deliveries)`] = `${percentile(level, 0.5)} / ${percentile(level, 0.99)} / ${Math.max(...level)} (${level.length})`;
    rows[`${engines} engines: CPU ms per mutation, servers / Postgres (Runwatch); Postgres (direct; old shape)`] = `${cost('ours', 'serverMs')} / ${cost('ours', 'postgresMs')}; ${cost('direct', 'postgresMs')}; ${cost('old', 'postgresMs')}`;
    rows[`${engines} engines: WAL bytes per mutation, Runwatch / direct (whole server)`] = `${cost('ours', 'walBytes')} / ${cost('direct', 'walBytes')}`;
    console.log(`${engines} engines done`);
  }

  // Nothing lost: every event of the followed namespace reached every subscriber (waiting for the tail).
  const [{ written }] = await sql<[{ written: number }]>`select count(*)::int as written from events where namespace = ${FOLLOWED}`;
  received += latencies.reduce((n, l) => n + l.length, 0);
  for (let waited = 0; received < written * SUBSCRIBERS && waited < 50; waited++) {
    await new Promise((r) => setTimeout(r, 100));
    received += (await deliveries()).latencies.length;
  }
  rows['deliveries / events written x subscribers'] = `${received} / ${written * SUBSCRIBERS}`;
  subscribers.postMessage('close');
  await nextFromSubscribers('closed');
  await subscribers.terminate();
  if (received !== written * SUBSCRIBERS) throw new Error(`${written * SUBSCRIBERS} deliveries expected, ${received} made`);
  report(`Concurrent engines over HTTP, ${INSTANCES} instances, vs the same transactions via postgres.js${quick ? ' (quick)' : ''}`, rows);
} finally {
  await Promise.all(instances.map((i) => new Promise((resolve) => (i.child.once('exit', resolve), i.child.kill('SIGTERM')))));
  await sql.end();
  await database.drop();
}
