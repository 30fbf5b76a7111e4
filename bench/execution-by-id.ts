/**
 * One execution by id with its steps (timestamps included), through the real server, against a raw
 * node:http handler whose ONE statement builds the whole response with json_build_object (same
 * data, checked once at start). Requests rotate over ids spread through the seeded executions.
 * Also the statements per request of the server (one).
 *
 *   DATABASE_URL=postgres://... NODE_ENV=production npx tsx bench/execution-by-id.ts   (BENCH_QUICK=1: short)
 */
import postgres from 'postgres';
import { globalId, listen, readBody, sameJson } from './executions-page.js';
import { seedExecutions } from './seed.js';
import { alternate, benchDatabase, load, median, quick, ratio, report, startBenchServer } from './support.js';

const EXECUTIONS = quick ? 2_000 : 20_000;
const IDS = 500;
const CONNECTIONS = 12;
const SECONDS = quick ? 3 : 6;
const ROUNDS = quick ? 2 : 4;

const QUERY =
  'query One($id: ID!) { execution(id: $id) { id workflow status createdAt startedAt finishedAt ' +
  'steps { id name status progressPercent startedAt finishedAt } } }';

const gid = (typename: string, column: string) =>
  `translate(encode(convert_to('${typename}:' || ${column}::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const BEST = `
select json_build_object('data', json_build_object('execution', json_build_object(
  'id', ${gid('Execution', 'e.id')}, 'workflow', e.workflow, 'status', e.status,
  'createdAt', ${iso('e.created_at')}, 'startedAt', ${iso('e.started_at')}, 'finishedAt', ${iso('e.finished_at')},
  'steps', coalesce((
    select json_agg(json_build_object('id', ${gid('StepProgress', 's.id')}, 'name', s.name, 'status', s.status,
      'progressPercent', s.progress_percent, 'startedAt', ${iso('s.started_at')}, 'finishedAt', ${iso('s.finished_at')}) order by s.position)
    from steps s where s.execution_id = e.id), '[]'::json))))::text as body
from executions e where e.id = $1`;

const decode = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!;

const database = await benchDatabase();
const sql = postgres(database.url, { max: 10, onnotice: () => {} });
let ours: Awaited<ReturnType<typeof startBenchServer>> | undefined;
let best: Awaited<ReturnType<typeof listen>> | undefined;
try {
  ours = await startBenchServer(database.url, { MONITOR_ENABLED: 'false' });
  await seedExecutions(sql, EXECUTIONS);
  const ids = (await sql<{ id: string }[]>`select id from executions order by created_at desc offset 0 limit ${IDS * 10}`)
    .filter((_, i) => i % 10 === 0)
    .map((r) => globalId('Execution', r.id));
  const bodies = ids.map((id) => JSON.stringify({ query: QUERY, variables: { id }, operationName: 'One' }));

  best = await listen(async (req, res) => {
    const { variables } = JSON.parse(await readBody(req)) as { variables: { id: string } };
    const [row] = await sql.unsafe<{ body: string }[]>(BEST, [decode(variables.id)], { prepare: true });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(row!.body);
  });
  const post = async (url: string, body: string) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body })).text();
  const statements: string[] = [];
  ours.app.database.statements.onQuery = (text) => statements.push(text);
  const oursBody = await post(ours.url, bodies[1]!);
  ours.app.database.statements.onQuery = undefined;
  const bestBody = await post(best.url, bodies[1]!);
  if (!sameJson(JSON.parse(bestBody), JSON.parse(oursBody))) {
    console.error(`ours: ${oursBody.slice(0, 800)}\nbest: ${bestBody.slice(0, 800)}`);
    throw new Error('the single-statement handler does not return the same data as the server');
  }
  console.log(`same data; ${statements.length} statement(s) per request, ${oursBody.length} bytes`);

  const urls = { ours: ours.url, best: best.url };
  for (const url of Object.values(urls)) await load({ mode: 'closed', url, bodies, connections: CONNECTIONS, seconds: 1 });
  const closed = await alternate(ROUNDS, {
    ours: () => load({ mode: 'closed', url: urls.ours, bodies, connections: CONNECTIONS, seconds: SECONDS }),
    best: () => load({ mode: 'closed', url: urls.best, bodies, connections: CONNECTIONS, seconds: SECONDS }),
  });
  const oursRps = median(closed.ours.map((r) => r.rps));
  const bestRps = median(closed.best.map((r) => r.rps));

  report(`One execution by id with its steps vs one json_build_object statement${quick ? ' (quick)' : ''}`, {
    'executions / steps seeded (ids requested)': `${EXECUTIONS} / ${EXECUTIONS * 8} (${IDS})`,
    'Runwatch SQL statements per request / response bytes': `${statements.length} / ${oursBody.length}`,
    'closed loop: connections x seconds x rounds': `${CONNECTIONS} x ${SECONDS} x ${ROUNDS}`,
    'req/s: Runwatch (median, runs)': `${oursRps} (${closed.ours.map((r) => r.rps).join(', ')})`,
    'req/s: one statement (median, runs)': `${bestRps} (${closed.best.map((r) => r.rps).join(', ')})`,
    'p50 ms: Runwatch / one statement': `${median(closed.ours.map((r) => r.p50))} / ${median(closed.best.map((r) => r.p50))}`,
    'ratio req/s Runwatch / one statement': ratio(oursRps, bestRps),
  });
} finally {
  best?.server.close();
  await ours?.stop();
  await sql.end();
  await database.drop();
}
