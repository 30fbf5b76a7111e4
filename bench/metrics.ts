/**
 * Metrics at scale: 1M executions over 30 days (BENCH_QUICK=1: 100k), 20 workflows, 5 step types,
 * 8 steps each, generated with set-based SQL on a real Postgres (DATABASE_URL), rollups built from
 * those rows with the same histogram rule as the write path. Then `metrics` (30 days) and
 * `metricsTimeseries` (by hour) through the real server: rollups vs `exact: true` (percentile_cont
 * over the raw rows), p50 latency and the ratio, in the same run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/metrics.ts
 */
import postgres from 'postgres';
import { GROWTH, MAX_BUCKET, RELATIVE_ERROR_BOUND } from '../src/domain/histogram.js';
import { benchDatabase, median, report, startBenchServer } from './support.js';

const quick = process.env.BENCH_QUICK === '1';
const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? (quick ? 100_000 : 1_000_000));
const STEPS_PER_EXECUTION = Number(process.env.BENCH_STEPS ?? 8);
const RUNS = quick ? 15 : 11;
const EXACT_RUNS = quick ? 7 : 5;
const DAY = 86_400_000;

const bucketSql = (d: string) => `case when ${d} is null then null when ${d} < 1 then 0
  else least(${MAX_BUCKET}, 1 + floor(ln(${d}) / ln(${GROWTH}))::int) end`;

async function seed(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const timings: Record<string, number> = {};
  const step = async (name: string, query: string) => {
    const started = performance.now();
    await sql.unsafe(query);
    timings[name] = Math.round(performance.now() - started);
    console.log(`  ${name}: ${timings[name]} ms`);
  };
  await sql.unsafe(`set session_replication_role = replica`); // no FK triggers during the bulk load
  await sql.unsafe(`set maintenance_work_mem = '512MB'`);
  await sql.unsafe(`set work_mem = '128MB'`);
  // normal(): Box-Muller; durations lognormal around 20 s, queue times skewed towards short waits.
  await step(
    'executions',
    `insert into executions (id, namespace, workflow, status, sla_ms, created_at, queued_at, started_at, finished_at, updated_at, last_seq)
     select gen_random_uuid(), ns, wf, status, sla, created,
       case when queued then created end,
       case when status not in ('QUEUED') then created + make_interval(secs => (case when queued then q else 50 end) / 1000.0) end,
       case when status in ('COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED')
         then created + make_interval(secs => ((case when queued then q else 50 end) + d) / 1000.0) end,
       created, 0
     from (
       select g,
         'ns-' || (g % 20 / 10) as ns,
         'wf-' || lpad((g % 20)::text, 2, '0') as wf,
         date_trunc('milliseconds', now() - interval '30 days' + interval '1 minute'
           + (g::float8 / ${EXECUTIONS}) * (interval '30 days' - interval '2 minutes')) as created,
         g % 2 = 0 as queued,
         floor(50 + 60000 * power(random(), 4))::float8 as q,
         greatest(1, floor(exp(ln(20000) + 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::float8 as d,
         case when g % 7 = 0 then 30000 end as sla,
         case when g >= ${EXECUTIONS} - 200 then (case when g % 2 = 0 then 'QUEUED' else 'RUNNING' end)
              else (array['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED',
                          'COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED',
                          'FAILED','FAILED','TIMED_OUT','CANCELLED'])[1 + floor(random() * 20)::int] end as status
       from generate_series(0, ${EXECUTIONS - 1}) g
     ) x`,
  );
  await step(
    'steps',
    `insert into steps (id, execution_id, position, name, type, status, progress_percent, attempt, started_at, finished_at)
     select gen_random_uuid(), e.id, p, 'step-' || p, 'type-' || (p % 5), st,
       case when st = 'COMPLETED' then 100 else 0 end,
       case when st = 'COMPLETED' and random() < 0.05 then 2 else 1 end,
       case when st in ('COMPLETED', 'FAILED') then e.started_at end,
       case when st in ('COMPLETED', 'FAILED') then e.started_at + make_interval(secs => floor(1 + random() * 5000 * (1 + p)) / 1000.0)
            when st = 'CANCELLED' then e.finished_at end
     from executions e, generate_series(0, ${STEPS_PER_EXECUTION - 1}) p,
       lateral (select case
         when e.status = 'COMPLETED' then 'COMPLETED'
         when e.status in ('QUEUED', 'RUNNING') then 'PENDING'
         when p < 4 then 'COMPLETED' when p = 4 then 'FAILED' else 'CANCELLED' end as st) s`,
  );
  await sql.unsafe(`set session_replication_role = origin`);
  await sql.unsafe(`create function pg_temp.hist(idx int[]) returns int[] language plpgsql immutable as $$
    declare h int[] := '{}'; i int;
    begin
      if idx is null then return h; end if;
      foreach i in array idx loop h[i] := coalesce(h[i], 0) + 1; end loop;
      return h;
    end $$`);
  const DURATION = `case when finished_at is not null and started_at is not null then (extract(epoch from finished_at - started_at) * 1000)::float8 end`;
  const QUEUE = `case when finished_at is not null and queued_at is not null then (extract(epoch from coalesce(started_at, finished_at) - queued_at) * 1000)::float8 end`;
  const executionRollup = (table: string, keys: string, column: string, interval: string) =>
    `insert into ${table} (${keys}, ${column}, total, completed, failed, cancelled, timed_out,
       duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram,
       queue_count, queue_sum_ms, queue_min_ms, queue_max_ms, queue_histogram, sla_tracked, sla_violations)
     select ${keys}, date_bin('${interval}', created_at, timestamptz '1970-01-01Z') as ${column}, count(*),
       count(*) filter (where status = 'COMPLETED'), count(*) filter (where status = 'FAILED'),
       count(*) filter (where status = 'CANCELLED'), count(*) filter (where status = 'TIMED_OUT'),
       count(d), coalesce(sum(d), 0), min(d), max(d), pg_temp.hist(array_agg(${bucketSql('d')}) filter (where d is not null)),
       count(q), coalesce(sum(q), 0), min(q), max(q), pg_temp.hist(array_agg(${bucketSql('q')}) filter (where q is not null)),
       count(*) filter (where sla_ms is not null and finished_at is not null),
       count(*) filter (where sla_ms is not null and finished_at is not null and d > sla_ms)
     from (select e.*, ${DURATION} as d, ${QUEUE} as q from executions e) x
     group by ${keys}, ${column}`;
  await step('execution_namespace_hours', executionRollup('execution_namespace_hours', 'namespace', 'hour', '1 hour'));
  for (const [table, column, interval] of [
    ['minutes', 'minute', '1 minute'],
    ['hours', 'hour', '1 hour'],
    ['days', 'day', '1 day'],
  ] as const) {
    await step(`execution_${table}`, executionRollup(`execution_${table}`, 'namespace, workflow', column, interval));
    await step(
      `step_${table}`,
      `insert into step_${table} (namespace, workflow, type, ${column}, total, completed, failed, skipped, retries,
         first_attempt_completed, duration_count, duration_sum_ms, duration_min_ms, duration_max_ms, duration_histogram)
       select e.namespace, e.workflow, s.type, date_bin('${interval}', e.created_at, timestamptz '1970-01-01Z'), count(*),
         count(*) filter (where s.status = 'COMPLETED'), count(*) filter (where s.status in ('FAILED', 'TIMED_OUT')),
         count(*) filter (where s.status in ('SKIPPED', 'CANCELLED')), coalesce(sum(s.attempt - 1), 0),
         count(*) filter (where s.status = 'COMPLETED' and s.attempt = 1),
         count(d), coalesce(sum(d), 0), min(d), max(d), pg_temp.hist(array_agg(${bucketSql('d')}) filter (where d is not null))
       from steps s join executions e on e.id = s.execution_id,
         lateral (select case when s.status in ('COMPLETED', 'FAILED', 'TIMED_OUT') and s.started_at is not null and s.finished_at is not null
           then (extract(epoch from s.finished_at - s.started_at) * 1000)::float8 end as d) dd
       group by 1, 2, 3, 4`,
    );
  }
  await step('analyze', 'vacuum analyze');
  const [counts] = await sql`select (select count(*) from executions)::int as executions, (select count(*) from steps)::int as steps,
    (select count(*) from execution_minutes)::int as minute_rows, (select count(*) from execution_hours)::int as hour_rows,
    (select count(*) from execution_days)::int as day_rows, (select count(*) from execution_namespace_hours)::int as namespace_hour_rows,
    (select count(*) from step_days)::int as step_day_rows`;
  await sql.end();
  return { timings, counts: counts! };
}

const METRICS = `query BenchMetrics($from: DateTime!, $to: DateTime!, $exact: Boolean) {
  metrics(from: $from, to: $to, exact: $exact) {
    exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate
    duration { count avgMs minMs maxMs p50Ms p95Ms p99Ms } queueTime { count avgMs minMs maxMs p50Ms p95Ms p99Ms }
    slaTracked slaViolations slaComplianceRate
    STEPS
  }
}`;
const WITH_STEPS = METRICS.replace('STEPS', 'steps { type total completed failed skipped retries successRate firstAttemptSuccessRate duration { count p50Ms p95Ms p99Ms } }');
const WITHOUT_STEPS = METRICS.replace('STEPS', '');
const TIMESERIES = `query BenchTimeseries($from: DateTime!, $to: DateTime!, $exact: Boolean) {
  metricsTimeseries(from: $from, to: $to, bucket: HOUR, exact: $exact) { start end total completed failed timedOut p95Ms }
}`;

async function main() {
  const database = await benchDatabase();
  const server = await startBenchServer(database.url);
  try {
    console.log(`seeding ${EXECUTIONS} executions x ${STEPS_PER_EXECUTION} steps`);
    const seeded = await seed(database.url);
    console.log(seeded.counts);

    const to = new Date();
    const from = new Date(to.getTime() - 30 * DAY);
    const variables = { from: from.toISOString(), to: to.toISOString() };
    const call = async (query: string, exact: boolean | null) => {
      const started = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables: { ...variables, exact } }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      const ms = performance.now() - started;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { ms, data: body.data! };
    };
    const measure = async (name: string, query: string, exact: boolean | null, runs: number) => {
      await call(query, exact); // warm-up
      const times: number[] = [];
      let data: Record<string, unknown> = {};
      for (let i = 0; i < runs; i++) {
        const r = await call(query, exact);
        times.push(r.ms);
        data = r.data;
      }
      console.log(`  ${name}: p50 ${median(times)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
      return { p50: median(times), data };
    };

    const rollup = await measure('metrics (rollups, with steps)', WITH_STEPS, null, RUNS);
    const exact = await measure('metrics (exact, with steps)', WITH_STEPS, true, EXACT_RUNS);
    const rollupNoSteps = await measure('metrics (rollups, no steps)', WITHOUT_STEPS, null, RUNS);
    const exactNoSteps = await measure('metrics (exact, no steps)', WITHOUT_STEPS, true, EXACT_RUNS);
    const series = await measure('metricsTimeseries HOUR (rollups)', TIMESERIES, null, RUNS);
    const seriesExact = await measure('metricsTimeseries HOUR (exact)', TIMESERIES, true, EXACT_RUNS);

    // The rollup answer must agree with the exact one: counts equal, percentiles within the bound.
    type M = { metrics: Record<string, unknown> & { duration: Record<string, number>; queueTime: Record<string, number> } };
    const r = (rollup.data as M).metrics;
    const e = (exact.data as M).metrics;
    let maxError = 0;
    for (const key of ['total', 'completed', 'failed', 'cancelled', 'timedOut', 'running', 'queued', 'slaTracked', 'slaViolations']) {
      if (r[key] !== e[key]) throw new Error(`rollup ${key}=${r[key]} but exact ${key}=${e[key]}`);
    }
    for (const stats of ['duration', 'queueTime'] as const) {
      for (const p of ['p50Ms', 'p95Ms', 'p99Ms']) maxError = Math.max(maxError, Math.abs(r[stats][p]! - e[stats][p]!) / e[stats][p]!);
    }
    type S = { metricsTimeseries: { total: number; p95Ms: number | null }[] };
    const rs = (series.data as S).metricsTimeseries;
    const es = (seriesExact.data as S).metricsTimeseries;
    for (const [i, b] of rs.entries()) {
      if (b.total !== es[i]!.total) throw new Error(`bucket ${i}: total ${b.total} vs ${es[i]!.total}`);
      if (b.p95Ms !== null) maxError = Math.max(maxError, Math.abs(b.p95Ms - es[i]!.p95Ms!) / es[i]!.p95Ms!);
    }
    const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    const results = {
      generated: `${seeded.counts.executions} executions over 30 days (20 workflows, 2 namespaces, 200 still active), ${seeded.counts.steps} step rows (${STEPS_PER_EXECUTION} per execution, 5 types), rollups built from them in SQL (${seeded.counts.minute_rows} minute / ${seeded.counts.hour_rows} hour / ${seeded.counts.day_rows} day execution rows, ${seeded.counts.namespace_hour_rows} namespace hour rows)`,
      'seed time (s)': Math.round(Object.values(seeded.timings).reduce((a, b) => a + b, 0) / 1000),
      'metrics 30 d incl. steps, rollups p50 (ms)': rollup.p50,
      'metrics 30 d incl. steps, exact percentile_cont p50 (ms)': exact.p50,
      'ratio (exact / rollups), incl. steps': ratio(exact.p50, rollup.p50),
      'metrics 30 d executions only, rollups p50 (ms)': rollupNoSteps.p50,
      'metrics 30 d executions only, exact p50 (ms)': exactNoSteps.p50,
      'ratio, executions only': ratio(exactNoSteps.p50, rollupNoSteps.p50),
      'metricsTimeseries HOUR x 720, rollups p50 (ms)': series.p50,
      'metricsTimeseries HOUR x 720, exact p50 (ms)': seriesExact.p50,
      'ratio, timeseries': ratio(seriesExact.p50, series.p50),
      'max percentile error vs exact (stated bound)': `${(maxError * 100).toFixed(3)} % (${(RELATIVE_ERROR_BOUND * 100).toFixed(2)} %)`,
      runs: `${RUNS} rollup / ${EXACT_RUNS} exact after one warm-up each, sequential, one client`,
    };
    if (process.env.BENCH_NO_REPORT === '1') console.log(results);
    else report(quick ? 'metrics at scale (quick)' : 'metrics at scale', results);
  } finally {
    await server.stop();
    await database.drop();
  }
}

await main();
