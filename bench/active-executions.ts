/**
 * activeExecutions with progress and ETA over 1,000 running executions of 20 steps each, with 100k
 * finished executions (2M steps) of history, through the real server over HTTP. Against a
 * hand-written single SQL statement computing the same fields with json_agg, in the same run.
 *
 *   DATABASE_URL=postgres://... npx tsx bench/active-executions.ts   (BENCH_DRY=1: print only, no BENCHMARKS.md)
 *
 * Modes: "unchanged" (nothing changed since the last read: remembered plans, cached histories),
 * "all changed" (every execution changed since the last read: steps reloaded, histories cached),
 * "cold" (caches cleared before each read: steps and histories loaded), "after a finish" (one more
 * execution of one workflow finished before each read: that workflow's history read again).
 */
import postgres from 'postgres';
import { benchDatabase, median, percentile, quick, report, startBenchServer } from './support.js';

const RUNNING = quick ? 200 : 1_000;
const STEPS = 20;
const HISTORY = quick ? 10_000 : 100_000;
const WORKFLOWS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 8 : 25));
const NAMESPACE = 'bench';

const database = await benchDatabase();
const server = await startBenchServer(database.url);
const sql = postgres(database.url, { max: 2, onnotice: () => {} });

try {
  const seeding = performance.now();
  // Each step position has its own median (10 s .. 105 s) and a log-normal spread.
  const duration = (position: string) =>
    `(1000 * (10 + 5 * ${position}) * exp(0.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))`;
  await sql.unsafe(`
    insert into executions (id, namespace, workflow, status, created_at, started_at, finished_at, updated_at, last_seq)
    select gen_random_uuid(), '${NAMESPACE}', 'wf-' || (i % ${WORKFLOWS}), 'COMPLETED', t, t, t + interval '20 minutes', t + interval '20 minutes', 42
    from generate_series(1, ${HISTORY}) i, lateral (select now() - interval '30 days' + i * interval '20 seconds' as t) ts`);
  await sql.unsafe(`
    insert into steps (id, execution_id, position, name, type, status, progress_percent, started_at, finished_at)
    select gen_random_uuid(), e.id, p, 'step-' || p, (array['script', 'http', 'approval'])[1 + p % 3], 'COMPLETED', 100,
      e.started_at + p * interval '1 minute', e.started_at + p * interval '1 minute' + ${duration('p')} * interval '1 millisecond'
    from executions e, generate_series(0, ${STEPS - 1}) p
    where e.status = 'COMPLETED'`);
  // Running executions: the first k steps done, step k running at 30%, the rest pending.
  await sql.unsafe(`
    insert into executions (id, namespace, workflow, status, created_at, started_at, updated_at, last_seq)
    select gen_random_uuid(), '${NAMESPACE}', 'wf-' || (i % ${WORKFLOWS}), 'RUNNING', now() - interval '1 hour' + i * interval '1 second',
      now() - interval '30 minutes', now(), 10
    from generate_series(1, ${RUNNING}) i`);
  await sql.unsafe(`
    insert into steps (id, execution_id, position, name, type, status, progress_percent, started_at, finished_at)
    select gen_random_uuid(), e.id, p, 'step-' || p, (array['script', 'http', 'approval'])[1 + p % 3],
      case when p < k then 'COMPLETED' when p = k then 'RUNNING' else 'PENDING' end,
      case when p < k then 100 when p = k then 30 else 0 end,
      case when p <= k then e.started_at + p * interval '1 minute' end,
      case when p < k then e.started_at + (p + 1) * interval '1 minute' end
    from (select e.*, abs(hashtext(e.id::text)) % ${STEPS} as k from executions e where e.status = 'RUNNING') e,
      generate_series(0, ${STEPS - 1}) p`);
  await sql.unsafe('analyze');
  const seedSeconds = ((performance.now() - seeding) / 1000).toFixed(1);
  console.log(`seeded ${HISTORY} finished + ${RUNNING} running executions of ${STEPS} steps in ${seedSeconds}s`);

  const query = `query Active($namespace: String) {
    activeExecutions(namespace: $namespace) {
      executionId status totalSteps completedSteps failedSteps runningSteps pendingSteps skippedSteps progressPercent
      currentStep { id name status } elapsedMs estimatedRemainingMs estimatedRemainingP90Ms estimatedCompletion
      percentByTime isOverrunning etaBasis
    }
  }`;
  const statements = server.app.database.statements;
  const readOnce = async () => {
    const before = statements.count;
    const started = performance.now();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables: { namespace: NAMESPACE } }),
    });
    const body = (await response.json()) as { data?: { activeExecutions: { etaBasis: string }[] }; errors?: unknown };
    const ms = performance.now() - started;
    if (body.errors || body.data?.activeExecutions.length !== RUNNING) throw new Error(JSON.stringify(body.errors ?? 'wrong count'));
    if (body.data.activeExecutions.some((p) => p.etaBasis !== 'HISTORY')) throw new Error('expected HISTORY estimates');
    return { ms, statements: statements.count - before };
  };
  const measure = async (before?: () => Promise<void> | void) => {
    const times: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await before?.();
      const { ms, statements: count } = await readOnce();
      times.push(ms);
      counts.push(count);
    }
    return { p50: median(times), p90: percentile(times, 0.9), statements: median(counts) };
  };

  const baselineSql = `
    with active as (
      select * from executions where status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL') and namespace = $1
    ),
    history as (
      select k.workflow, s.name, s.type,
        percentile_cont(0.5) within group (order by d.ms) as p50, percentile_cont(0.9) within group (order by d.ms) as p90
      from (select distinct namespace, workflow from active) k
      cross join lateral (
        select e.id from executions e where e.namespace = k.namespace and e.workflow = k.workflow and e.status = 'COMPLETED'
        order by e.created_at desc, e.id desc limit 50
      ) recent
      join steps s on s.execution_id = recent.id and s.status = 'COMPLETED' and s.started_at is not null
      cross join lateral (select extract(epoch from s.finished_at - s.started_at)::float8 * 1000 as ms) d
      group by k.workflow, s.name, s.type
    ),
    per_step as (
      select a.id as execution_id, a.status as execution_status, a.created_at, a.started_at as execution_started_at,
        s.id, s.position, s.name, s.status, s.progress_percent, h.p50, h.p90,
        greatest(extract(epoch from now() - s.started_at)::float8 * 1000, 0) as used
      from active a join steps s on s.execution_id = a.id
      left join history h on h.workflow = a.workflow and h.name = s.name and h.type = s.type
    ),
    per_execution as (
      select execution_id, execution_status, created_at, execution_started_at,
        count(*) as total,
        count(*) filter (where status = 'COMPLETED') as completed,
        count(*) filter (where status in ('FAILED', 'TIMED_OUT')) as failed,
        count(*) filter (where status in ('RUNNING', 'WAITING_APPROVAL')) as running,
        count(*) filter (where status = 'PENDING') as pending,
        count(*) filter (where status in ('SKIPPED', 'CANCELLED')) as skipped,
        sum(case when status in ('COMPLETED', 'FAILED', 'TIMED_OUT', 'SKIPPED') then 1
                 when status = 'RUNNING' then progress_percent / 100 else 0 end) as done,
        (array_agg(json_build_object('id', id, 'name', name, 'status', status) order by position)
          filter (where status = 'RUNNING'))[1] as current_step,
        sum(case when status = 'PENDING' then p50 when status in ('RUNNING', 'WAITING_APPROVAL') then greatest(p50 - used, p50 * 0.1) else 0 end) as remaining,
        sum(case when status in ('PENDING', 'RUNNING', 'WAITING_APPROVAL') then power((p90 - p50) / 1.2816, 2) else 0 end) as variance,
        sum(p50) as total_p50,
        sum(case when status in ('COMPLETED', 'FAILED', 'TIMED_OUT', 'SKIPPED') then p50
                 when status in ('RUNNING', 'WAITING_APPROVAL') then p50 * used / (used + greatest(p50 - used, p50 * 0.1)) else 0 end) as done_p50,
        bool_or(status in ('RUNNING', 'WAITING_APPROVAL') and used > p90) as overrunning,
        bool_and(p50 is not null) as has_history
      from per_step group by execution_id, execution_status, created_at, execution_started_at
    )
    select coalesce(json_agg(json_build_object(
      'executionId', execution_id, 'status', execution_status, 'totalSteps', total, 'completedSteps', completed,
      'failedSteps', failed, 'runningSteps', running, 'pendingSteps', pending, 'skippedSteps', skipped,
      'progressPercent', round((100 * done / nullif(total, 0))::numeric, 2), 'currentStep', current_step,
      'elapsedMs', extract(epoch from now() - execution_started_at) * 1000,
      'estimatedRemainingMs', remaining, 'estimatedRemainingP90Ms', remaining + 1.2816 * sqrt(variance),
      'estimatedCompletion', now() + remaining * interval '1 millisecond',
      'percentByTime', round((100 * done_p50 / nullif(total_p50, 0))::numeric, 2),
      'isOverrunning', coalesce(overrunning, false), 'etaBasis', case when has_history then 'HISTORY' else 'NONE' end
    ) order by created_at, execution_id), '[]') as active
    from per_execution`;
  const baseline = async () => {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const [row] = await sql.unsafe(baselineSql, [NAMESPACE]);
      const body = JSON.stringify({ data: { activeExecutions: row!.active } });
      if ((JSON.parse(body).data.activeExecutions as unknown[]).length !== RUNNING) throw new Error('baseline: wrong count');
      times.push(performance.now() - started);
    }
    return { p50: median(times), p90: percentile(times, 0.9), statements: 1 };
  };

  for (let i = 0; i < 3; i++) await readOnce();
  await baseline();

  const unchanged = await measure();
  const changed = await measure(async () => {
    await sql`update executions set last_seq = last_seq + 1 where status = 'RUNNING' and namespace = ${NAMESPACE}`;
  });
  const cold = await measure(() => server.app.services.progress.clear());
  const afterFinish = await measure(async () => {
    await sql`insert into executions (id, namespace, workflow, status, created_at, started_at, finished_at, updated_at, last_seq)
      values (gen_random_uuid(), ${NAMESPACE}, 'wf-0', 'COMPLETED', now(), now() - interval '20 minutes', now(), now(), 2)`;
  });
  const single = await baseline();

  const ratio = (a: number) => Number((a / single.p50).toFixed(2));
  const publish = process.env.BENCH_DRY === '1' ? (name: string, result: object) => console.log(name, result) : report;
  publish(`activeExecutions progress + ETA (${RUNNING} running x ${STEPS} steps, ${HISTORY} finished of history)${quick ? ' (quick)' : ''}`, {
    'rounds per mode': ROUNDS,
    'seed time (s)': seedSeconds,
    'baseline single SQL p50 / p90 (ms)': `${single.p50} / ${single.p90}`,
    'unchanged: p50 / p90 (ms), statements': `${unchanged.p50} / ${unchanged.p90}, ${unchanged.statements}`,
    'all changed: p50 / p90 (ms), statements': `${changed.p50} / ${changed.p90}, ${changed.statements}`,
    'cold caches: p50 / p90 (ms), statements': `${cold.p50} / ${cold.p90}, ${cold.statements}`,
    'after a finish: p50 / p90 (ms), statements': `${afterFinish.p50} / ${afterFinish.p90}, ${afterFinish.statements}`,
    'ratio p50 vs baseline (unchanged / all changed / cold / after a finish)':
      `${ratio(unchanged.p50)} / ${ratio(changed.p50)} / ${ratio(cold.p50)} / ${ratio(afterFinish.p50)}`,
  });
} finally {
  await sql.end();
  await server.stop();
  await database.drop();
}
