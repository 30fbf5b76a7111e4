/**
 * Engine ingest over HTTP, with events written and a few graphql-ws subscribers on the events feed:
 *  1. reportStepProgress/s (closed loop, keep-alive connections, spread over running steps);
 *  2. full lifecycles/s (create with 3 steps, start, per step start/progress/complete, complete:
 *     12 mutations each; concurrent engines).
 * Baseline in the same run: the same transactions replayed directly with postgres.js - the exact
 * statements the server issued for a template (captured through its Drizzle logger), with the ids
 * (and seqs) swapped, the NOTIFY sent to a channel nobody listens on, each transaction's statements
 * pipelined in one round trip.
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/ingest.ts   (BENCH_QUICK=1: short)
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import postgres from 'postgres';
import { WAKE_UP_CHANNEL } from '../src/services/bus.js';
import { alternate, benchDatabase, load, median, quick, ratio, report, startBenchServer } from './support.js';

const CONNECTIONS = 12;
const ENGINES = 12;
const TARGETS = 48;
const STEPS = 3;
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 2 : 3;
const SUBSCRIBERS = 4;

interface Statement {
  text: string;
  params: unknown[];
}
interface Command {
  before: Statement[];
  tx: Statement[];
  after: Statement[];
}

const decode = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

const database = await benchDatabase();
const server = await startBenchServer(database.url, { MONITOR_ENABLED: 'false' });
const sql = postgres(database.url, { max: 10, onnotice: () => {} });
const { executions } = server.app.services;
const db = server.app.database;

async function gql<T = Record<string, { id: string; steps?: { id: string }[] }>>(query: string, variables: object): Promise<T> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Statements one HTTP request issues, split at the write transaction (lock or insert .. NOTIFY). */
async function capture(run: () => Promise<unknown>): Promise<Command> {
  const seen: Statement[] = [];
  db.statements.onQuery = (text, params) => {
    if (!text.includes('pg_snapshot_xmin')) seen.push({ text, params: [...params] });
  };
  await run();
  await new Promise((r) => setTimeout(r, 30));
  db.statements.onQuery = undefined;
  const start = seen.findIndex((s) => s.text.startsWith('select pg_advisory_xact_lock') || s.text.startsWith('insert into "executions"'));
  const end = seen.findIndex((s) => s.text.startsWith('select pg_notify'));
  if (start < 0 || end < start) throw new Error(`no write transaction in ${seen.map((s) => s.text.slice(0, 60)).join(' | ')}`);
  return { before: seen.slice(0, start), tx: seen.slice(start, end + 1), after: seen.slice(end + 1) };
}

function substitute(params: unknown[], ids: Map<string, string>, seqs?: { from: number; to: number }) {
  return params.map((p) => {
    if (typeof p === 'string') {
      if (p === WAKE_UP_CHANNEL) return 'runwatch_bench_nobody';
      let out = p;
      for (const [from, to] of ids) out = out.replaceAll(from, to);
      return out;
    }
    if (seqs && p === seqs.from) return seqs.to;
    return p;
  });
}

async function replay(command: Command, ids: Map<string, string>, seqs?: { from: number; to: number }) {
  const run = (client: postgres.Sql | postgres.TransactionSql, s: Statement) =>
    client.unsafe(s.text, substitute(s.params, ids, seqs) as never[], { prepare: true });
  for (const s of command.before) await run(sql, s);
  // Every statement's parameters are known up front: all of them pipelined in one round trip
  // (the backend still runs them in order), the best a direct client can do.
  await sql.begin((tx) => Promise.all(command.tx.map((s) => run(tx, s))));
  for (const s of command.after) await run(sql, s);
}

async function closedLoop(connections: number, seconds: number, body: (i: number) => Promise<unknown>) {
  let done = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        await body(next++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function runningSteps(count: number) {
  const result: { executionId: string; stepId: string; lastSeq: number }[] = [];
  for (let i = 0; i < count; i++) {
    const row = await executions.createExecution({ workflow: 'progress', namespace: 'bench', steps: [{ name: 'work', type: 'script' }] });
    await executions.executionCommand(row.id, { kind: 'start' });
    const [step] = await sql<{ id: string }[]>`select id from steps where execution_id = ${row.id}`;
    await executions.stepCommand(step!.id, { kind: 'startStep' });
    const [seq] = await sql<{ last_seq: number }[]>`select last_seq from executions where id = ${row.id}`;
    result.push({ executionId: row.id, stepId: step!.id, lastSeq: seq!.last_seq });
  }
  return result;
}

function subscribers() {
  const worker = new Worker(new URL('./ingest-client.mjs', import.meta.url), { workerData: { mode: 'subscribers', wsUrl: server.wsUrl, count: SUBSCRIBERS } });
  const next = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const listener = (m: { type: string; message?: string }) => {
        if (m.type === 'error') console.error('subscriber error', m.message);
        if (m.type !== type) return;
        worker.off('message', listener);
        resolve(m as T);
      };
      worker.on('message', listener);
    });
  return { worker, next };
}

function lifecyclesOverHttp(seconds: number) {
  return new Promise<{ lifecycles: number; requests: number; elapsed: number }>((resolve, reject) => {
    const worker = new Worker(new URL('./ingest-client.mjs', import.meta.url), {
      workerData: { mode: 'lifecycles', url: server.url, engines: ENGINES, seconds, steps: STEPS },
    });
    worker.once('error', reject);
    worker.once('message', resolve);
  });
}

try {
  // Templates: one reportStepProgress and one whole lifecycle, captured statement by statement.
  const [template] = await runningSteps(1);
  const stepGid = (id: string) => Buffer.from(`StepProgress:${id}`).toString('base64url');
  const execGid = (id: string) => Buffer.from(`Execution:${id}`).toString('base64url');
  const PROGRESS = 'mutation($id: ID!, $p: Float!) { reportStepProgress(stepId: $id, percent: $p) { id } }';
  const progressTemplate = await capture(() => gql(PROGRESS, { id: stepGid(template!.stepId), p: 42.5 }));
  const progressSeq = template!.lastSeq + 1;

  const lifecycle: Command[] = [];
  let created: { id: string; steps: { id: string }[] } | undefined;
  lifecycle.push(
    await capture(async () => {
      created = (
        await gql<{ createExecution: { id: string; steps: { id: string }[] } }>(
          'mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id } } }',
          { input: { workflow: 'ingest-0', namespace: 'bench', steps: Array.from({ length: STEPS }, (_, i) => ({ name: `s${i}`, type: 'script' })) } },
        )
      ).createExecution;
    }),
  );
  const templateIds = [decode(created!.id), ...created!.steps.map((s) => decode(s.id))];
  lifecycle.push(await capture(() => gql('mutation($id: ID!) { startExecution(id: $id) { id } }', { id: created!.id })));
  for (const step of created!.steps) {
    lifecycle.push(await capture(() => gql('mutation($id: ID!) { startStep(stepId: $id) { id } }', { id: step.id })));
    lifecycle.push(await capture(() => gql(PROGRESS, { id: step.id, p: 50 })));
    lifecycle.push(await capture(() => gql('mutation($id: ID!) { completeStep(stepId: $id) { id } }', { id: step.id })));
  }
  lifecycle.push(await capture(() => gql('mutation($id: ID!) { completeExecution(id: $id) { id } }', { id: created!.id })));
  const count = (c: Command) => c.before.length + c.tx.length + c.after.length;
  console.log(`reportStepProgress: ${count(progressTemplate)} statements\n${[...progressTemplate.before, ...progressTemplate.tx, ...progressTemplate.after].map((s) => `  ${s.text.slice(0, 140)}`).join('\n')}`);
  console.log(`lifecycle: ${lifecycle.length} requests, ${lifecycle.reduce((n, c) => n + count(c), 0)} statements`);

  const oursTargets = await runningSteps(TARGETS);
  const directTargets = await runningSteps(TARGETS);
  const directSeq = directTargets.map((t) => t.lastSeq);
  let percent = 0;
  const bodies = Array.from({ length: TARGETS * 10 }, (_, i) =>
    JSON.stringify({ query: PROGRESS, variables: { id: stepGid(oursTargets[i % TARGETS]!.stepId), p: (i % 97) + 1 } }),
  );
  const directProgress = (i: number) => {
    const t = i % TARGETS;
    const target = directTargets[t]!;
    const ids = new Map([[template!.executionId, target.executionId], [template!.stepId, target.stepId]]);
    percent++;
    return replay(progressTemplate, ids, { from: progressSeq, to: ++directSeq[t]! });
  };
  const directLifecycle = async () => {
    const ids = new Map(templateIds.map((id) => [id, randomUUID()]));
    for (const command of lifecycle) await replay(command, ids);
  };

  const subs = subscribers();
  await subs.next('ready');

  // Warm-up.
  await load({ mode: 'closed', url: server.url, bodies, connections: CONNECTIONS, seconds: 1 });
  await closedLoop(CONNECTIONS, 1, directProgress);

  const progress = await alternate(ROUNDS, {
    ours: async () => (await load({ mode: 'closed', url: server.url, bodies, connections: CONNECTIONS, seconds: SECONDS })).rps,
    direct: async () => Math.round(await closedLoop(CONNECTIONS, SECONDS, directProgress)),
  });
  const lifecycles = await alternate(ROUNDS, {
    ours: async () => {
      const r = await lifecyclesOverHttp(SECONDS);
      return Number((r.lifecycles / r.elapsed).toFixed(1));
    },
    direct: async () => Number((await closedLoop(ENGINES, SECONDS, directLifecycle)).toFixed(1)),
  });
  subs.worker.postMessage('count');
  const { received } = await subs.next<{ received: number }>('count');
  subs.worker.postMessage('close');
  await subs.next('closed');
  await subs.worker.terminate();

  const oursProgress = median(progress.ours);
  const directProgressRate = median(progress.direct);
  const oursLifecycles = median(lifecycles.ours);
  const directLifecycles = median(lifecycles.direct);
  report(`Engine ingest over HTTP vs the same transactions via postgres.js${quick ? ' (quick)' : ''}`, {
    'concurrency (connections / engines) x seconds x rounds': `${CONNECTIONS} / ${ENGINES} x ${SECONDS} x ${ROUNDS}`,
    'subscribers on the events feed (deliveries during the run)': `${SUBSCRIBERS} (${received})`,
    'statements: reportStepProgress / lifecycle (12 mutations)': `${count(progressTemplate)} / ${lifecycle.reduce((n, c) => n + count(c), 0)}`,
    'reportStepProgress/s: Runwatch (median, runs)': `${oursProgress} (${progress.ours.join(', ')})`,
    'reportStepProgress/s: direct postgres.js (median, runs)': `${directProgressRate} (${progress.direct.join(', ')})`,
    'ratio reportStepProgress Runwatch / direct': ratio(oursProgress, directProgressRate),
    'lifecycles/s: Runwatch (median, runs)': `${oursLifecycles} (${lifecycles.ours.join(', ')})`,
    'lifecycles/s: direct postgres.js (median, runs)': `${directLifecycles} (${lifecycles.direct.join(', ')})`,
    'ratio lifecycles Runwatch / direct': ratio(oursLifecycles, directLifecycles),
  });
} finally {
  await sql.end();
  await server.stop();
  await database.drop();
}
