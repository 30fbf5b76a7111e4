/**
 * Subscription fan-out: N graphql-ws subscribers (one socket each, spread over E executions).
 * 1. Steady writes at a fixed rate: commit-to-client latency p50/p99.
 * 2. Idle memory per subscriber (server heap + external, after GC).
 * 3. A burst of writes: delivered messages/s, against raw `ws` sends of the same payload bytes to
 *    the same sockets in the same run.
 *
 *   DATABASE_URL=postgres://... npx tsx --expose-gc bench/subscriptions.ts   (BENCH_QUICK=1: small run)
 */
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { events } from '../src/db/schema.js';
import { benchDatabase, median, percentile, report, startBenchServer } from './support.js';

const quick = process.env.BENCH_QUICK === '1';
const SUBSCRIBERS = quick ? 500 : 5_000;
const EXECUTIONS = quick ? 50 : 500;
const RATE = quick ? 100 : 200;
const SECONDS = quick ? 5 : 10;
const BURST_PER_EXECUTION = Number(process.env.BENCH_BURST ?? 4);

/** CPU profile of one phase (BENCH_PROFILE=file.cpuprofile), for flame graphs. */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const heap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

const database = await benchDatabase();
const server = await startBenchServer(database.url, { WS_SLOW_CONSUMER_MS: '60000' });
const { executions, repository } = server.app.services;

const ids: string[] = [];
const created: { id: string; createdAt: Date }[] = [];
for (let i = 0; i < EXECUTIONS; i++) {
  const row = await executions.createExecution({ workflow: `bench-${i % 20}`, steps: [{ name: 'step', type: 'script' }] });
  await executions.executionCommand(row.id, { kind: 'start' });
  ids.push(row.id);
  created.push(row);
}
const stepOf = new Map((await repository.stepsOfExecutions(created)).map((s) => [s.executionId, s.id]));
for (const id of ids) await executions.stepCommand(stepOf.get(id)!, { kind: 'startStep' });

const before = heap();
const worker = new Worker(new URL('./subscriptions-clients.mjs', import.meta.url), {
  workerData: {
    wsUrl: server.wsUrl,
    executionIds: ids.map((id) => Buffer.from(`Execution:${id}`).toString('base64url')),
    subscribers: SUBSCRIBERS,
  },
});
worker.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
const STALL_MS = 60_000;
let phase = 'subscribing';
const next = <T>(type: string) =>
  new Promise<T>((resolve) => {
    // A phase that does not finish is a failure: report what the clients got and stop.
    const stall = setTimeout(() => {
      worker.on('message', (message: { type: string }) => {
        if (message.type !== 'status') return;
        console.error(`no '${type}' after ${STALL_MS} ms (${phase})`, message);
        process.exit(1);
      });
      worker.postMessage({ type: 'status' });
    }, STALL_MS);
    const listener = (message: { type: string }) => {
      if (message.type === 'error') console.error(message);
      if (message.type !== type) return;
      clearTimeout(stall);
      worker.off('message', listener);
      resolve(message as T);
    };
    worker.on('message', listener);
  });

/** The worker handles socket data and our messages in no fixed order: wait until it has reset. */
const reset = async () => {
  worker.postMessage({ type: 'reset' });
  await next('reset');
};

await next('subscribed');
const idleBytesPerSubscriber = (heap() - before) / SUBSCRIBERS;
const fanOut = SUBSCRIBERS / EXECUTIONS;
let percent = 0;
/** When each steady-phase write committed (its promise resolved), by tick. */
const committedAt: number[] = [];
const write = (i: number) =>
  executions
    .stepCommand(stepOf.get(ids[i % EXECUTIONS]!)!, { kind: 'reportProgress', percent: (++percent % 99) + 1, message: `t${i}` })
    .then(() => void (committedAt[i] = Date.now()));

interface Done {
  received: number;
  /** [tick, arrival time] per delivery. */
  latencies: [number, number][];
  elapsedMs: number;
  samplePayload: string;
}

// 1. Steady rate.
phase = 'steady';
await reset();
const steadyTotal = RATE * SECONDS;
const writes: Promise<unknown>[] = [];
const t0 = performance.now();
for (let i = 0; i < steadyTotal; i++) {
  const wait = t0 + (i * 1000) / RATE - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  writes.push(write(i));
}
await Promise.all(writes);
worker.postMessage({ type: 'expect', count: steadyTotal * fanOut });
const steady = await next<Done>('done');

// 3. Fan-out capacity, in interleaved rounds (the machine is shared: medians, not one run).
// Runwatch: a burst of events committed at once (one INSERT), then timed from the commit to the
// last delivery, so the delivery side and not the ingest path is measured. Raw: the same number of
// the same payload bytes, sent with ws's own send.
const burstTotal = BURST_PER_EXECUTION * EXECUTIONS;
const ROUNDS = quick ? 3 : 5;
const rawSend = WebSocket.prototype.send as (this: WebSocket, data: string) => void;
const oursRates: number[] = [];
const rawRates: number[] = [];
let seq = 1_000_000;
for (let round = 0; round < ROUNDS; round++) {
  phase = `burst round ${round}`;
  await reset();
  await server.app.database.db.insert(events).values(
    Array.from({ length: burstTotal }, (_, i) => ({
      namespace: 'default',
      executionId: ids[i % EXECUTIONS]!,
      stepId: stepOf.get(ids[i % EXECUTIONS]!)!,
      seq: seq++,
      type: 'STEP_PROGRESS' as const,
      data: { percent: 50, message: null, attempt: 1, position: 0 },
      timestamp: new Date(),
    })),
  );
  // The clock starts at the commit: the bench's own INSERT is the writer's cost, not fan-out.
  const profiler = process.env.BENCH_PROFILE && round === 0 ? await startProfiler() : null;
  const burstStart = performance.now();
  server.app.services.bus.publish({ namespace: 'default', executionId: null });
  worker.postMessage({ type: 'expect', count: burstTotal * fanOut });
  const burst = await next<Done>('done');
  oursRates.push(burst.received / ((performance.now() - burstStart) / 1000));
  await profiler?.stop(process.env.BENCH_PROFILE!);

  phase = `raw round ${round}`;
  await reset();
  const rawStart = performance.now();
  worker.postMessage({ type: 'expect', count: burstTotal * fanOut });
  const rawDone = next<Done>('done');
  for (let k = 0; k < BURST_PER_EXECUTION; k++) {
    for (const socket of server.app.webSockets.sockets) rawSend.call(socket, steady.samplePayload);
    await new Promise((r) => setImmediate(r));
  }
  await rawDone;
  rawRates.push((burstTotal * fanOut) / ((performance.now() - rawStart) / 1000));
}
// A delivery can beat the writer's own promise callback; that counts as 0 ms.
const latency = steady.latencies.map(([tick, at]) => Math.max(0, at - committedAt[tick]!));
const ours = median(oursRates);
const raw = median(rawRates);
const ratios = oursRates.map((o, i) => o / rawRates[i]!);
report(quick ? 'subscriptions fan-out (quick)' : 'subscriptions fan-out', {
  subscribers: SUBSCRIBERS,
  executions: EXECUTIONS,
  'steady rate (events/s)': RATE,
  'steady deliveries': steady.received,
  'commit-to-client p50 (ms)': median(latency),
  'commit-to-client p99 (ms)': percentile(latency, 0.99),
  'idle memory per subscriber (KB)': (idleBytesPerSubscriber / 1024).toFixed(1),
  'burst deliveries/s (Runwatch)': Math.round(ours),
  'burst deliveries/s (raw ws, same payloads)': Math.round(raw),
  'ratio to raw (median of rounds)': median(ratios).toFixed(3),
  rounds: ROUNDS,
});

await worker.terminate();
await server.stop();
await database.drop();
