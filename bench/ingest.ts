/**
 * Engine ingest over HTTP, with events written and a few graphql-ws subscribers on the events feed:
 *  1. reportStepProgress/s (closed loop, keep-alive connections, spread over running steps);
 *  2. full lifecycles/s (create with 3 steps, start, per step start/progress/complete, complete:
 *     12 mutations each; concurrent engines);
 *  3. the same through `ingest` batches: reportStepProgress 50 per request (each connection on its
 *     own 50 running steps), and lifecycles 16 at a time (one batch creates them, then 4 batches
 *     carry the next commands of all 16).
 * Baselines in the same run: transactions replayed directly with postgres.js - the exact statements
 * the server issued for a template request (bench/replay.ts), with the ids (and
 * seqs) swapped, each transaction's statements
 * pipelined in one round trip. Batches are compared with two of them: (a) every command as its own
 * direct transaction (what an engine writing to Postgres itself would do), and (b) the batch's own
 * statements replayed directly (what our HTTP and GraphQL layer costs on the batch path).
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/ingest.ts   (BENCH_QUICK=1: short)
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import postgres from 'postgres';
import { CREATE, creates, FOLLOW, followingBatches, okResults } from './lifecycle-batches.mjs';
import { captureLifecycle, closedLoop, decode, graphqlClient, replayer, statementCapture, statementCount, substitute, type Command, type Statement } from './replay.js';
import { alternate, benchDatabase, load, median, quick, ratio, report, startBenchServer } from './support.js';

const CONNECTIONS = 12;
const ENGINES = 12;
const TARGETS = 48;
const STEPS = 3;
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 2 : 3;
const SUBSCRIBERS = 4;
const PROGRESS_BATCH = 50;
const LIFECYCLE_BATCH = 16;

const database = await benchDatabase();
const server = await startBenchServer(database.url, { MONITOR_ENABLED: 'false' });
const sql = postgres(database.url, { max: 10, onnotice: () => {} });
const { executions } = server.app.services;
const gql = graphqlClient(server.url);
const capture = statementCapture(server.app.database);
const replay = replayer(sql);

/** `count` executions with one step each, started and with that step running (seq 3 so far). */
async function runningSteps(count: number) {
  const created = await executions.ingest(
    Array.from({ length: count }, () => ({ kind: 'createExecution' as const, input: { workflow: 'progress', namespace: 'bench', steps: [{ name: 'work', type: 'script' }] } })),
  );
  const rows = created.map((c) => (c.ok ? c.execution : null)!);
  const steps = await sql<{ id: string; execution_id: string }[]>`select id, execution_id from steps where execution_id = any(${rows.map((r) => r.id)}::uuid[])`;
  const stepOf = new Map(steps.map((s) => [s.execution_id, s.id]));
  await executions.ingest(
    rows.flatMap((r) => [
      { kind: 'executionCommand' as const, executionId: r.id, command: { kind: 'start' as const } },
      { kind: 'stepCommand' as const, stepId: stepOf.get(r.id)!, command: { kind: 'startStep' as const } },
    ]),
  );
  return rows.map((r) => ({ executionId: r.id, stepId: stepOf.get(r.id)!, lastSeq: 3 }));
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

function lifecyclesOverHttp(seconds: number, perBatch?: number) {
  return new Promise<{ lifecycles: number; requests: number; elapsed: number }>((resolve, reject) => {
    const worker = new Worker(new URL('./ingest-client.mjs', import.meta.url), {
      workerData: { mode: 'lifecycles', url: server.url, engines: ENGINES, seconds, steps: STEPS, perBatch },
    });
    worker.once('error', reject);
    worker.once('message', resolve);
  });
}

try {
  // Templates: one reportStepProgress and one whole lifecycle, captured statement by statement.
  const [template] = await runningSteps(1);
  const stepGid = (id: string) => Buffer.from(`StepProgress:${id}`).toString('base64url');
  const PROGRESS = 'mutation($id: ID!, $p: Float!) { reportStepProgress(stepId: $id, percent: $p) { id } }';
  const progressTemplate = await capture(() => gql(PROGRESS, { id: stepGid(template!.stepId), p: 42.5 }));
  const progressSeq = template!.lastSeq + 1;

  const { commands: lifecycle, templateIds } = await captureLifecycle(server.url, server.app.database, STEPS);
  console.log(`reportStepProgress: ${statementCount(progressTemplate)} statements\n${[...progressTemplate.before, ...progressTemplate.tx, ...progressTemplate.after].map((s) => `  ${s.text.slice(0, 140)}`).join('\n')}`);
  console.log(`lifecycle: ${lifecycle.length} requests, ${lifecycle.reduce((n, c) => n + statementCount(c), 0)} statements`);

  const oursTargets = await runningSteps(TARGETS);
  const directTargets = await runningSteps(TARGETS);
  const directSeq = directTargets.map((t) => t.lastSeq);
  const bodies = Array.from({ length: TARGETS * 10 }, (_, i) =>
    JSON.stringify({ query: PROGRESS, variables: { id: stepGid(oursTargets[i % TARGETS]!.stepId), p: (i % 97) + 1 } }),
  );
  const directProgress = (i: number) => {
    const t = i % TARGETS;
    const target = directTargets[t]!;
    const ids = new Map([[template!.executionId, target.executionId], [template!.stepId, target.stepId]]);
    return replay(progressTemplate, ids, { from: progressSeq, to: ++directSeq[t]! });
  };
  const directLifecycle = async () => {
    const ids = new Map(templateIds.map((id) => [id, randomUUID()]));
    for (const command of lifecycle) await replay(command, ids);
  };

  // Batches: one of PROGRESS_BATCH progress reports, and one engine cycle of LIFECYCLE_BATCH lifecycles.
  const reportAll = (targets: { stepId: string }[], p: number, message?: string) => ({
    c: targets.map((t) => ({ reportStepProgress: { stepId: stepGid(t.stepId), percent: p, message } })),
  });
  type Ingested = { ingest: { ok: boolean; execution: { id: string; steps: { id: string }[] } }[] };
  const progressBatchTargets = await runningSteps(PROGRESS_BATCH);
  const progressBatchTemplate = await capture(async () => okResults(await gql<Ingested>(FOLLOW, reportAll(progressBatchTargets, 42.5))));
  const lifecycleBatches: Command[] = [];
  let cycle: { id: string; steps: { id: string }[] }[] = [];
  lifecycleBatches.push(
    await capture(async () => {
      cycle = okResults(await gql<Ingested>(CREATE, { c: creates(LIFECYCLE_BATCH, STEPS, 'ingest-0') })).map((r) => r.execution);
    }),
  );
  for (const commands of followingBatches(cycle)) lifecycleBatches.push(await capture(async () => okResults(await gql<Ingested>(FOLLOW, { c: commands }))));
  const cycleIds = cycle.flatMap((e) => [decode(e.id), ...e.steps.map((s) => decode(s.id))]);
  const statementsOf = (commands: Command[]) => commands.reduce((n, c) => n + statementCount(c), 0);
  console.log(`reportStepProgress x ${PROGRESS_BATCH} in one batch: ${statementCount(progressBatchTemplate)} statements`);
  console.log(`${LIFECYCLE_BATCH} lifecycles in ${lifecycleBatches.length} batches: ${statementsOf(lifecycleBatches)} statements`);

  // Each connection reports on its own PROGRESS_BATCH running steps; every body differs from the previous one
  // for those steps (its percent, and its message from one load run to the next), so no report is a repeat.
  const [oursSets, directSets] = [await runningSteps(CONNECTIONS * PROGRESS_BATCH), await runningSteps(CONNECTIONS * PROGRESS_BATCH)].map((targets) =>
    Array.from({ length: CONNECTIONS }, (_, c) => targets.slice(c * PROGRESS_BATCH, (c + 1) * PROGRESS_BATCH)),
  );
  let loadRuns = 0;
  const batchBodies = () => {
    const run = `run ${++loadRuns}`;
    return Array.from({ length: CONNECTIONS * 10 }, (_, i) =>
      JSON.stringify({ query: FOLLOW, variables: reportAll(oursSets![i % CONNECTIONS]!, 1 + (Math.floor(i / CONNECTIONS) % 10), run) }),
    );
  };
  // The batch template's statements with each set's ids, swapped once up front; only the seqs change per replay.
  const directBatches = directSets!.map((set) => {
    const ids = new Map(progressBatchTargets.flatMap((t, i) => [[t.executionId, set[i]!.executionId], [t.stepId, set[i]!.stepId]] as const));
    const swapIds = (statements: Statement[]) => statements.map((st) => ({ text: st.text, params: substitute(st.params, ids) }));
    return { command: { before: swapIds(progressBatchTemplate.before), tx: swapIds(progressBatchTemplate.tx), after: swapIds(progressBatchTemplate.after) }, lastSeq: 3 };
  });
  const directProgressBatch = (_i: number, connection: number) => {
    const set = directBatches[connection]!;
    return replay(set.command, new Map(), { from: progressSeq, to: ++set.lastSeq });
  };
  const directLifecycleBatches = async () => {
    const ids = new Map(cycleIds.map((id) => [id, randomUUID()]));
    for (const command of lifecycleBatches) await replay(command, ids);
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
  let batchRequests = (await load({ mode: 'closed', url: server.url, bodies: batchBodies(), connections: CONNECTIONS, seconds: 1 })).requests;
  await closedLoop(CONNECTIONS, 1, directProgressBatch);
  const progressBatches = await alternate(ROUNDS, {
    ours: async () => {
      const r = await load({ mode: 'closed', url: server.url, bodies: batchBodies(), connections: CONNECTIONS, seconds: SECONDS });
      batchRequests += r.requests;
      return r.rps * PROGRESS_BATCH;
    },
    direct: async () => Math.round((await closedLoop(CONNECTIONS, SECONDS, directProgressBatch)) * PROGRESS_BATCH),
  });
  const batchedLifecycles = await alternate(ROUNDS, {
    ours: async () => {
      const r = await lifecyclesOverHttp(SECONDS, LIFECYCLE_BATCH);
      return Number((r.lifecycles / r.elapsed).toFixed(1));
    },
    direct: async () => Number(((await closedLoop(ENGINES, SECONDS, directLifecycleBatches)) * LIFECYCLE_BATCH).toFixed(1)),
  });
  // Every batched command was applied: none refused, none a repeat that changed nothing.
  const [{ applied }] = await sql<[{ applied: number }]>`select count(*)::int as applied from events
    where type = 'STEP_PROGRESS' and execution_id = any(${oursSets!.flat().map((t) => t.executionId)}::uuid[])`;
  if (applied !== batchRequests * PROGRESS_BATCH) throw new Error(`${batchRequests * PROGRESS_BATCH} batched reports sent, ${applied} applied`);
  subs.worker.postMessage('count');
  const { received } = await subs.next<{ received: number }>('count');
  subs.worker.postMessage('close');
  await subs.next('closed');
  await subs.worker.terminate();

  const oursProgress = median(progress.ours);
  const directProgressRate = median(progress.direct);
  const oursLifecycles = median(lifecycles.ours);
  const directLifecycles = median(lifecycles.direct);
  const oursProgressBatched = median(progressBatches.ours);
  const directProgressBatched = median(progressBatches.direct);
  const oursLifecyclesBatched = median(batchedLifecycles.ours);
  const directLifecyclesBatched = median(batchedLifecycles.direct);
  report(`Engine ingest over HTTP vs the same transactions via postgres.js${quick ? ' (quick)' : ''}`, {
    'concurrency (connections / engines) x seconds x rounds': `${CONNECTIONS} / ${ENGINES} x ${SECONDS} x ${ROUNDS}`,
    'subscribers on the events feed (deliveries during the run)': `${SUBSCRIBERS} (${received})`,
    'statements: reportStepProgress / lifecycle (12 mutations)': `${statementCount(progressTemplate)} / ${lifecycle.reduce((n, c) => n + statementCount(c), 0)}`,
    'reportStepProgress/s: Runwatch (median, runs)': `${oursProgress} (${progress.ours.join(', ')})`,
    'reportStepProgress/s: direct postgres.js (median, runs)': `${directProgressRate} (${progress.direct.join(', ')})`,
    'ratio reportStepProgress Runwatch / direct': ratio(oursProgress, directProgressRate),
    'lifecycles/s: Runwatch (median, runs)': `${oursLifecycles} (${lifecycles.ours.join(', ')})`,
    'lifecycles/s: direct postgres.js (median, runs)': `${directLifecycles} (${lifecycles.direct.join(', ')})`,
    'ratio lifecycles Runwatch / direct': ratio(oursLifecycles, directLifecycles),
    'batches: statements for reportStepProgress x 50 / 16 lifecycles (5 requests)': `${statementCount(progressBatchTemplate)} / ${statementsOf(lifecycleBatches)}`,
    'reportStepProgress/s in batches of 50: Runwatch (median, runs)': `${oursProgressBatched} (${progressBatches.ours.join(', ')})`,
    'reportStepProgress/s: the batch statements via postgres.js (median, runs)': `${directProgressBatched} (${progressBatches.direct.join(', ')})`,
    'ratio batched reportStepProgress Runwatch / per-command direct (a)': ratio(oursProgressBatched, directProgressRate),
    'ratio batched reportStepProgress Runwatch / batch statements direct (b)': ratio(oursProgressBatched, directProgressBatched),
    'lifecycles/s, 16 per engine in 5 batches: Runwatch (median, runs)': `${oursLifecyclesBatched} (${batchedLifecycles.ours.join(', ')})`,
    'lifecycles/s: the batch statements via postgres.js (median, runs)': `${directLifecyclesBatched} (${batchedLifecycles.direct.join(', ')})`,
    'ratio batched lifecycles Runwatch / per-command direct (a)': ratio(oursLifecyclesBatched, directLifecycles),
    'ratio batched lifecycles Runwatch / batch statements direct (b)': ratio(oursLifecyclesBatched, directLifecyclesBatched),
  });
} finally {
  await sql.end();
  await server.stop();
  await database.drop();
}
