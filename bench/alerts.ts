/**
 * One alert round at scale: 10,000 running executions (some past their SLA or timeout, some
 * silent) and 1M finished over 30 days (BENCH_QUICK=1: 100k), 20 workflows in 2 namespaces,
 * seeded with set-based SQL on a real Postgres (DATABASE_URL). Time per round (`evaluate()`: the
 * health check, settings, breach recording, every rule's query, the round's transaction) against
 * the same rule queries issued directly with postgres.js, median of N alternating runs, in one run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/alerts.ts
 */
import postgres from 'postgres';
import { ALERT_RULES, type RoundInput } from '../src/services/alert-rules.js';
import { alternate, benchDatabase, median, quick, ratio, report, startBenchServer } from './support.js';

const FINISHED = Number(process.env.BENCH_EXECUTIONS ?? (quick ? 100_000 : 1_000_000));
const RUNNING = 10_000;
const ROUNDS = quick ? 7 : 15;

async function seed(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const started = performance.now();
  await sql.unsafe(`set session_replication_role = replica`);
  // Finished: durations lognormal around 20 s; every 7th has a 30 s SLA, breached ones recorded at their finish.
  await sql.unsafe(`
    insert into executions (id, namespace, workflow, status, sla_ms, created_at, started_at, finished_at, updated_at, last_seq, sla_breached_at)
    select gen_random_uuid(), ns, wf, status, sla, created, created, created + d * interval '1 millisecond', created + d * interval '1 millisecond', 0,
      case when sla is not null and d > sla then created + d * interval '1 millisecond' end
    from (
      select 'ns-' || (g % 20 / 10) as ns, 'wf-' || lpad((g % 20)::text, 2, '0') as wf,
        now() - interval '30 days' + (g::float8 / ${FINISHED}) * interval '30 days' as created,
        greatest(1, floor(exp(ln(20000) + 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::int as d,
        case when g % 7 = 0 then 30000 end as sla,
        (array['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','FAILED','TIMED_OUT','CANCELLED'])[1 + floor(random() * 10)::int] as status
      from generate_series(0, ${FINISHED - 1}) g
    ) x`);
  // Running, started within the last 30 min: a third with a 60 s SLA, a fifth with a 10 min timeout, a tenth silent for 15 min.
  await sql.unsafe(`
    insert into executions (id, namespace, workflow, status, sla_ms, timeout_ms, created_at, started_at, updated_at, last_seq)
    select gen_random_uuid(), 'ns-' || (g % 20 / 10), 'wf-' || lpad((g % 20)::text, 2, '0'), 'RUNNING',
      case when g % 3 = 0 then 60000 end, case when g % 5 = 0 then 600000 end, s, s,
      case when g % 10 = 0 then now() - interval '15 minutes' else now() - interval '5 seconds' end, 0
    from (select g, now() - random() * interval '14 minutes' - case when g % 10 = 0 then interval '16 minutes' else interval '0' end as s
          from generate_series(0, ${RUNNING - 1}) g) x`);
  await sql.unsafe(`set session_replication_role = origin`);
  await sql.unsafe('vacuum analyze');
  await sql.end();
  return Math.round((performance.now() - started) / 1000);
}

async function main() {
  const database = await benchDatabase();
  const server = await startBenchServer(database.url, { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: '0' });
  const direct = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    console.log(`seeding ${FINISHED} finished and ${RUNNING} running executions`);
    const seedSeconds = await seed(database.url);
    const { alerts, health, executions } = server.app.services;
    const { database: db } = server.app;

    // The first round records the breaches of the running executions (a one-off); the measured ones find none new.
    let started = performance.now();
    await alerts.evaluate();
    const firstRoundMs = Math.round(performance.now() - started);
    const { breaches } = (await direct<{ breaches: number }[]>`select count(*)::int as breaches from events where type in ('SLA_BREACHED', 'TIMEOUT_BREACHED')`)[0]!;

    // The rule queries as one round issues them, captured from Drizzle and replayed with postgres.js.
    const input: RoundInput = { db: db.db, now: new Date(), health: await health.refresh(), settings: await alerts.settings.forRound(), executions };
    const queries: { query: string; params: unknown[] }[] = [];
    db.statements.onQuery = (query, params) => queries.push({ query, params });
    for (const rule of ALERT_RULES) await rule.query(input as never);
    db.statements.onQuery = undefined;
    const replay = async () => {
      for (const { query, params } of queries) await direct.unsafe(query, params as never[]);
    };

    const timed = (run: () => Promise<unknown>) => async () => {
      started = performance.now();
      await run();
      return performance.now() - started;
    };
    await replay();
    const results = await alternate(ROUNDS, {
      round: timed(async () => {
        if (!(await alerts.evaluate())) throw new Error('a round did not count');
      }),
      queries: timed(replay),
    });
    const round = median(results.round);
    const rules = median(results.queries);
    const { open } = (await direct<{ open: number }[]>`select count(*)::int as open from alerts where status <> 'RESOLVED'`)[0]!;
    console.log(`  round: ${results.round.map((t) => t.toFixed(0)).join(', ')} ms; rule queries: ${results.queries.map((t) => t.toFixed(0)).join(', ')} ms`);
    const summary = {
      generated: `${FINISHED} finished executions over 30 days and ${RUNNING} running (20 workflows, 2 namespaces); seeded in ${seedSeconds} s`,
      'first round, recording the breaches of running executions (ms)': `${firstRoundMs} (${breaches} breach events, ${open} open alerts)`,
      'round p50 (ms)': round,
      'the same rule queries via postgres.js p50 (ms)': rules,
      'ratio (round / rule queries)': ratio(round, rules),
      'rule queries per round': queries.length,
      runs: `${ROUNDS} of each, alternating, after one warm-up; the round also checks health, reads the settings and writes its transaction`,
    };
    if (process.env.BENCH_NO_REPORT === '1') console.log(summary);
    else report(quick ? 'alert round at scale (quick)' : 'alert round at scale', summary);
  } finally {
    await direct.end();
    await server.stop();
    await database.drop();
  }
}

await main();
