/**
 * GraphQL and framework overhead: `executions(first: 50)` with steps and progress through the real
 * server, against a raw node:http + postgres.js handler that issues the same SQL statements (captured
 * from the server's Drizzle logger) and writes byte-identical JSON (asserted once at start).
 * Closed loop (keep-alive connections, req/s) and open loop (fixed arrival rate, p99), alternating
 * rounds, medians. The load generator runs in a worker thread.
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/graphql-overhead.ts   (BENCH_QUICK=1: short)
 */
import postgres from 'postgres';
import { summariseSteps } from '../src/domain/progress.js';
import type { StepStatus, ExecutionStatus } from '../src/domain/lifecycle.js';
import { globalId, listen, readBody, requestBody, startServerAndCapture } from './executions-page.js';
import { seedExecutions } from './seed.js';
import { alternate, benchDatabase, load, median, quick, ratio, report } from './support.js';

const FIRST = 50;
const EXECUTIONS = quick ? 1_000 : 10_000;
const CONNECTIONS = 12;
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 2 : 4;

const database = await benchDatabase();
const sql = postgres(database.url, { max: 10, onnotice: () => {} });
let ours: Awaited<ReturnType<typeof startServerAndCapture>> | undefined;
let raw: Awaited<ReturnType<typeof listen>> | undefined;
try {
  ours = await startServerAndCapture(database.url, FIRST);
  await seedExecutions(sql, EXECUTIONS);
  ours = (await ours.server.stop(), await startServerAndCapture(database.url, FIRST));
  const { captured } = ours;
  console.log(`server issues ${captured.length} statements per request:\n${captured.map((c) => `  ${c.text.slice(0, 160)}`).join('\n')}`);
  // The page, its steps, and the ETA history check (its parameters depend only on the page, the same every time).
  if (captured.length !== 3) throw new Error('expected 3 statements (page, steps, history check) with warm caches');
  const [list, stepsOf, historyCheck] = captured as [{ text: string; params: unknown[] }, { text: string; params: unknown[] }, { text: string; params: unknown[] }];

  interface StepRecord { id: string; execution_id: string; position: number; name: string; status: StepStatus; progress_percent: number }
  raw = await listen(async (req, res) => {
    JSON.parse(await readBody(req));
    const rows = await sql.unsafe<{ id: string; workflow: string; status: ExecutionStatus }[]>(list.text, list.params as never[], { prepare: true });
    const page = rows.slice(0, FIRST);
    const [stepRows] = await Promise.all([
      sql.unsafe<StepRecord[]>(stepsOf.text, [page.map((r) => r.id)], { prepare: true }),
      sql.unsafe(historyCheck.text, historyCheck.params as never[], { prepare: true }),
    ]);
    const byExecution = new Map<string, StepRecord[]>(page.map((r) => [r.id, []]));
    for (const step of stepRows) byExecution.get(step.execution_id)?.push(step);
    const edges = page.map((e) => {
      const steps = byExecution.get(e.id)!;
      const summary = summariseSteps(e.status, steps.map((s) => ({ ...s, progressPercent: s.progress_percent })));
      return {
        node: {
          id: globalId('Execution', e.id),
          workflow: e.workflow,
          status: e.status,
          steps: steps.map((s) => ({ id: globalId('StepProgress', s.id), name: s.name, status: s.status, progressPercent: s.progress_percent })),
          progress: {
            progressPercent: summary.progressPercent,
            completedSteps: summary.completedSteps,
            totalSteps: summary.totalSteps,
            currentStep: summary.currentStep ? { name: summary.currentStep.name } : null,
          },
        },
      };
    });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ data: { executions: { edges } } }));
  });

  const rawBody = Buffer.from(await (await fetch(raw.url, { method: 'POST', body: requestBody(FIRST) })).arrayBuffer());
  if (!rawBody.equals(ours.body)) {
    console.error(`ours: ${ours.body.subarray(0, 400)}\nraw:  ${rawBody.subarray(0, 400)}`);
    throw new Error('the raw handler does not write the same bytes as the server');
  }
  console.log(`byte-identical responses (${rawBody.length} bytes)`);

  const body = requestBody(FIRST);
  const urls = { ours: ours.server.url, raw: raw.url };
  // Warm up both (JIT, prepared statements, connection pools).
  for (const url of Object.values(urls)) await load({ mode: 'closed', url, body, connections: CONNECTIONS, seconds: 1 });

  const closed = await alternate(ROUNDS, {
    ours: () => load({ mode: 'closed', url: urls.ours, body, connections: CONNECTIONS, seconds: SECONDS }),
    raw: () => load({ mode: 'closed', url: urls.raw, body, connections: CONNECTIONS, seconds: SECONDS }),
  });
  const oursRps = median(closed.ours.map((r) => r.rps));
  const rawRps = median(closed.raw.map((r) => r.rps));
  // Open loop at half of our closed-loop throughput: both should keep up; the tail shows the cost.
  const rate = Math.max(20, Math.round(oursRps / 2));
  const open = await alternate(ROUNDS, {
    ours: () => load({ mode: 'open', url: urls.ours, body, rate, seconds: SECONDS }),
    raw: () => load({ mode: 'open', url: urls.raw, body, rate, seconds: SECONDS }),
  });
  const oursP99 = median(open.ours.map((r) => r.p99));
  const rawP99 = median(open.raw.map((r) => r.p99));

  report(`GraphQL overhead: executions(first: ${FIRST}) with steps and progress${quick ? ' (quick)' : ''}`, {
    'executions / steps seeded': `${EXECUTIONS} / ${EXECUTIONS * 8}`,
    'SQL statements per request (both)': captured.length,
    'response bytes (byte-identical)': rawBody.length,
    'closed loop: connections x seconds x rounds': `${CONNECTIONS} x ${SECONDS} x ${ROUNDS}`,
    'closed loop req/s: Runwatch (median, runs)': `${oursRps} (${closed.ours.map((r) => r.rps).join(', ')})`,
    'closed loop req/s: raw node:http + postgres.js (median, runs)': `${rawRps} (${closed.raw.map((r) => r.rps).join(', ')})`,
    'closed loop p50 ms: Runwatch / raw': `${median(closed.ours.map((r) => r.p50))} / ${median(closed.raw.map((r) => r.p50))}`,
    'ratio req/s Runwatch / raw': ratio(oursRps, rawRps),
    'open loop rate (req/s)': rate,
    'open loop p50 ms: Runwatch / raw': `${median(open.ours.map((r) => r.p50))} / ${median(open.raw.map((r) => r.p50))}`,
    'open loop p99 ms: Runwatch / raw': `${oursP99} / ${rawP99}`,
    'ratio p99 raw / Runwatch': ratio(rawP99, oursP99),
  });
} finally {
  raw?.server.close();
  await ours?.server.stop();
  await sql.end();
  await database.drop();
}
