/**
 * Against the best SQL: `executions(first: 50)` with steps and progress through the real server,
 * against a raw node:http handler whose ONE statement builds the whole response with json_agg
 * (same data, checked once at start; floats may differ in the last bit, so compared as JSON).
 * Also the statements per request of the server at first: 10 and first: 50 (must be constant).
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/best-sql.ts   (BENCH_QUICK=1: short)
 */
import postgres from 'postgres';
import { listen, readBody, requestBody, sameJson, startServerAndCapture } from './executions-page.js';
import { seedExecutions } from './seed.js';
import { alternate, benchDatabase, load, median, quick, ratio, report } from './support.js';

const FIRST = 50;
const EXECUTIONS = quick ? 1_000 : 10_000;
const CONNECTIONS = 12;
const SECONDS = quick ? 3 : 8;
const ROUNDS = quick ? 2 : 4;

const gid = (typename: string, column: string) =>
  `translate(encode(convert_to('${typename}:' || ${column}::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

// Mirrors summariseSteps: finished steps count 1, running ones their clamped percent, cancelled 0.
const BEST = `
select json_build_object('data', json_build_object('executions', json_build_object('edges', coalesce(json_agg(
  json_build_object('node', json_build_object(
    'id', ${gid('Execution', 'e.id')}, 'workflow', e.workflow, 'status', e.status,
    'steps', coalesce(s.steps, '[]'::json),
    'progress', json_build_object(
      'progressPercent', case when e.status = 'COMPLETED' then 100 when coalesce(s.total, 0) = 0 then 0
        else round((least(100, s.done / s.total * 100))::numeric, 2)::float8 end,
      'completedSteps', coalesce(s.completed, 0), 'totalSteps', coalesce(s.total, 0),
      'currentStep', case when s.current_name is null then null else json_build_object('name', s.current_name) end)))
  order by e.created_at desc, e.id desc), '[]'::json))))::text as body
from (select * from executions order by created_at desc, id desc limit $1) e
left join lateral (
  select json_agg(json_build_object('id', ${gid('StepProgress', 'st.id')}, 'name', st.name, 'status', st.status,
      'progressPercent', st.progress_percent) order by st.position) as steps,
    count(*)::int as total,
    count(*) filter (where st.status = 'COMPLETED')::int as completed,
    sum(case when st.status in ('COMPLETED', 'FAILED', 'TIMED_OUT', 'SKIPPED') then 1
             when st.status = 'RUNNING' then least(100, greatest(0, st.progress_percent)) / 100 else 0 end)::float8 as done,
    case when e.status = 'WAITING_APPROVAL'
      then coalesce((array_agg(st.name order by st.position) filter (where st.status = 'WAITING_APPROVAL'))[1],
                    (array_agg(st.name order by st.position) filter (where st.status = 'RUNNING'))[1])
      else coalesce((array_agg(st.name order by st.position) filter (where st.status = 'RUNNING'))[1],
                    (array_agg(st.name order by st.position) filter (where st.status = 'WAITING_APPROVAL'))[1]) end as current_name
  from steps st where st.execution_id = e.id
) s on true`;

const database = await benchDatabase();
const sql = postgres(database.url, { max: 10, onnotice: () => {} });
let ours: Awaited<ReturnType<typeof startServerAndCapture>> | undefined;
let best: Awaited<ReturnType<typeof listen>> | undefined;
try {
  ours = await startServerAndCapture(database.url, FIRST);
  await seedExecutions(sql, EXECUTIONS);
  await ours.server.stop();
  ours = await startServerAndCapture(database.url, 10);
  const statementsAt10 = ours.captured.length;
  await ours.server.stop();
  ours = await startServerAndCapture(database.url, FIRST);
  const statementsAt50 = ours.captured.length;

  best = await listen(async (req, res) => {
    JSON.parse(await readBody(req));
    const [row] = await sql.unsafe<{ body: string }[]>(BEST, [FIRST], { prepare: true });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(row!.body);
  });
  const bestBody = await (await fetch(best.url, { method: 'POST', body: requestBody(FIRST) })).text();
  if (!sameJson(JSON.parse(bestBody), JSON.parse(ours.body.toString('utf8')))) {
    console.error(`ours: ${ours.body.subarray(0, 600)}\nbest: ${bestBody.slice(0, 600)}`);
    throw new Error('the single-statement handler does not return the same data as the server');
  }
  console.log(`same data; statements per request: ${statementsAt10} at first: 10, ${statementsAt50} at first: 50`);

  const body = requestBody(FIRST);
  const urls = { ours: ours.server.url, best: best.url };
  for (const url of Object.values(urls)) await load({ mode: 'closed', url, body, connections: CONNECTIONS, seconds: 1 });
  const closed = await alternate(ROUNDS, {
    ours: () => load({ mode: 'closed', url: urls.ours, body, connections: CONNECTIONS, seconds: SECONDS }),
    best: () => load({ mode: 'closed', url: urls.best, body, connections: CONNECTIONS, seconds: SECONDS }),
  });
  const oursRps = median(closed.ours.map((r) => r.rps));
  const bestRps = median(closed.best.map((r) => r.rps));

  report(`Against the best SQL: executions(first: ${FIRST}) vs one json_agg statement${quick ? ' (quick)' : ''}`, {
    'executions / steps seeded': `${EXECUTIONS} / ${EXECUTIONS * 8}`,
    'Runwatch SQL statements per request at first: 10 / first: 50': `${statementsAt10} / ${statementsAt50}`,
    'closed loop: connections x seconds x rounds': `${CONNECTIONS} x ${SECONDS} x ${ROUNDS}`,
    'req/s: Runwatch (median, runs)': `${oursRps} (${closed.ours.map((r) => r.rps).join(', ')})`,
    'req/s: one json_agg statement (median, runs)': `${bestRps} (${closed.best.map((r) => r.rps).join(', ')})`,
    'p50 ms: Runwatch / best SQL': `${median(closed.ours.map((r) => r.p50))} / ${median(closed.best.map((r) => r.p50))}`,
    'ratio req/s Runwatch / best SQL': ratio(oursRps, bestRps),
  });
} finally {
  best?.server.close();
  await ours?.server.stop();
  await sql.end();
  await database.drop();
}
