/**
 * Set-based seeding straight into the tables, for benchmarks and the query-plan test. Only imports
 * postgres.js types, so tests can use it without the benchmark machinery.
 */
import type postgres from 'postgres';

export interface SeedOptions {
  /** Executions are spread round-robin over these namespaces. */
  namespaces?: readonly string[];
  /** Every n-th execution is RUNNING (some steps done, one in progress), the rest COMPLETED. */
  runningEvery?: number;
}

/**
 * Foreign-key checks, one per row, were most of the seeding time; the rows are consistent by
 * construction, so the inserts run as a replica, which skips them (needs a superuser).
 */
async function withoutForeignKeyChecks(sql: postgres.Sql, statements: string[], params: unknown[][] = []) {
  await sql.begin(async (tx) => {
    await tx.unsafe('set local session_replication_role = replica');
    for (const [i, statement] of statements.entries()) await tx.unsafe(statement, (params[i] ?? []) as never[]);
  });
}

/** `count` executions of 8 steps each, one a minute going back from now, across 10 workflows; then `analyze`. */
export async function seedExecutions(sql: postgres.Sql, count: number, options: SeedOptions = {}) {
  const namespaces = options.namespaces ?? ['bench'];
  const n = namespaces.length;
  const runningEvery = options.runningEvery ?? 5;
  const executions = `
    insert into executions (id, namespace, workflow, status, created_at, started_at, finished_at, updated_at, last_seq)
    select gen_random_uuid(), ($1::text[])[i % ${n} + 1], 'wf-' || (i / ${n} % 10),
      case when i % ${runningEvery} = 0 then 'RUNNING' else 'COMPLETED' end,
      now() - i * interval '1 minute', now() - i * interval '1 minute',
      case when i % ${runningEvery} = 0 then null else now() - i * interval '1 minute' + interval '30 seconds' end, now(), 20
    from generate_series(1, ${count}) i`;
  const steps = `
    insert into steps (id, execution_id, execution_created_at, position, name, type, status, progress_percent, started_at, finished_at)
    select gen_random_uuid(), e.id, e.created_at, p, 'step-' || p, 'script',
      case when e.status = 'COMPLETED' or p < 3 then 'COMPLETED' when p = 3 then 'RUNNING' else 'PENDING' end,
      case when e.status = 'COMPLETED' or p < 3 then 100 when p = 3 then 37.5 else 0 end,
      case when e.status = 'COMPLETED' or p <= 3 then e.started_at + p * interval '3 seconds' end,
      case when e.status = 'COMPLETED' or p < 3 then e.started_at + (p + 1) * interval '3 seconds' end
    from executions e, generate_series(0, 7) p`;
  await withoutForeignKeyChecks(sql, [executions, steps], [[[...namespaces]]]);
  await sql.unsafe('analyze executions, steps');
}

/**
 * 20 events (created, started, then start/progress/complete of steps 0-5) for each of the newest
 * `executions` executions, with transaction ids spread in feed order over those already used (3, the
 * first normal one, up to the current one), so all are older than any transaction to come; on a
 * young cluster with fewer past transactions than events, neighbouring events share one.
 * The seeded executions already count 20 events in `last_seq`. Then `analyze events`.
 */
export async function seedEvents(sql: postgres.Sql, executions: number) {
  await withoutForeignKeyChecks(sql, [
    `
    insert into events (tx_id, namespace, execution_id, step_id, seq, type, data, timestamp)
    select 3 + (row_number() over (order by e.created_at, e.id, n) - 1) * (pg_current_xact_id()::text::bigint - 4) / ${executions * 20},
      e.namespace, e.id, s.id, n,
      case when n = 1 then 'EXECUTION_CREATED' when n = 2 then 'EXECUTION_STARTED'
        else (array['STEP_STARTED', 'STEP_PROGRESS', 'STEP_COMPLETED'])[(n - 3) % 3 + 1] end,
      '{}'::jsonb, e.created_at + n * interval '1 second'
    from (select * from executions order by created_at desc, id desc limit ${executions}) e
      cross join generate_series(1, 20) n
      left join steps s on s.execution_id = e.id and n >= 3 and s.position = (n - 3) / 3
    order by e.created_at, e.id, n`,
  ]);
  await sql.unsafe('analyze events');
}
