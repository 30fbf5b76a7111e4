import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { queryRows } from './query.js';
import { executions, steps } from './schema.js';

/** A workflow, as its history is kept: namespace and name. */
export interface WorkflowRef {
  namespace: string;
  workflow: string;
}

export interface DurationStatsRow {
  samples: number;
  p50Ms: number;
  p90Ms: number;
}

/** The durations of one step (by name and type) over a workflow's latest completed runs. */
export interface StepDurationRow extends DurationStatsRow {
  name: string;
  type: string;
}

/** A workflow's history: its latest completed runs (`version` names that set), their durations and their steps'. */
export interface WorkflowHistoryRow extends WorkflowRef {
  version: string;
  run: DurationStatsRow | null;
  steps: StepDurationRow[];
}

/** A workflow whose history the caller holds, and the version it holds ('' for none). */
export interface KnownWorkflow extends WorkflowRef {
  version: string;
}

/** The QUEUED executions of a namespace in queue order, its running ones, and its latest starts. */
export interface QueueRow {
  namespace: string;
  queued: { id: string; workflow: string }[];
  running: { workflow: string; startedAt: Date }[];
  /** The latest starts, oldest first. */
  recentStarts: Date[];
}

const parsedJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const stats = (row: { samples: number; p50: number; p90: number }): DurationStatsRow => ({
  samples: Number(row.samples),
  p50Ms: Number(row.p50),
  p90Ms: Number(row.p90),
});

/**
 * The history of each workflow given whose latest `runs` COMPLETED executions are no longer the set
 * the caller holds (an execution that just finished changes it): run durations and each completed
 * step's, p50/p90, in one statement. Workflows whose set did not change are left out, so a caller
 * that checks on every read pays only for the walk over the latest runs.
 */
export async function readChangedHistories(db: Db, workflows: readonly KnownWorkflow[], runs: number): Promise<WorkflowHistoryRow[]> {
  const column = (pick: (w: KnownWorkflow) => string) => sql`${sql.param(workflows.map(pick))}::text[]`;
  const rows = await queryRows<{ namespace: string; workflow: string; version: string; runs: number; p50: number | null; p90: number | null; steps: unknown }>(
    db,
    sql`
      -- Arrays rather than a values list: one statement text whatever the number of workflows.
      with k(namespace, workflow, known) as (
        select * from unnest(${column((w) => w.namespace)}, ${column((w) => w.workflow)}, ${column((w) => w.version)})
      ),
      recent as (
        select k.namespace, k.workflow, r.id, r.created_at, r.ms
        from k cross join lateral (
          select ${executions.id} as id, ${executions.createdAt} as created_at, extract(epoch from ${executions.finishedAt} - ${executions.startedAt})::float8 * 1000 as ms
          from ${executions}
          where ${executions.namespace} = k.namespace and ${executions.workflow} = k.workflow and ${executions.status} = 'COMPLETED'
          -- The (namespace, created_at, id) index, walked newest first, stops early.
          order by ${executions.createdAt} desc, ${executions.id} desc
          -- In the text, not a parameter: Postgres' generic plan of a parameter limit assumes a tenth
          -- of the table, so it would plan every run anew, opening every partition.
          limit ${sql.raw(String(Math.trunc(runs)))}
        ) r
      ),
      changed as (
        select k.namespace, k.workflow, coalesce(md5(string_agg(recent.id::text, ',' order by recent.id)), 'none') as version,
          count(recent.ms)::int as runs,
          percentile_cont(0.5) within group (order by recent.ms) as p50,
          percentile_cont(0.9) within group (order by recent.ms) as p90
        from k left join recent on recent.namespace = k.namespace and recent.workflow = k.workflow
        group by k.namespace, k.workflow, k.known
        having coalesce(md5(string_agg(recent.id::text, ',' order by recent.id)), 'none') <> k.known
      )
      select c.namespace, c.workflow, c.version, c.runs, c.p50, c.p90,
        (select coalesce(json_agg(json_build_object('name', s.name, 'type', s.type, 'samples', s.samples, 'p50', s.p50, 'p90', s.p90)), '[]'::json)
          from (
            select ${steps.name} as name, ${steps.type} as type, count(*)::int as samples,
              percentile_cont(0.5) within group (order by d.ms) as p50,
              percentile_cont(0.9) within group (order by d.ms) as p90
            from recent
            join ${steps} on ${steps.executionId} = recent.id and ${steps.executionCreatedAt} = recent.created_at and ${steps.status} = 'COMPLETED' and ${steps.startedAt} is not null
            cross join lateral (select extract(epoch from ${steps.finishedAt} - ${steps.startedAt})::float8 * 1000 as ms) d
            where recent.namespace = c.namespace and recent.workflow = c.workflow
            group by ${steps.name}, ${steps.type}
          ) s) as steps
      from changed c`,
  );
  return rows.map((row) => ({
    namespace: row.namespace,
    workflow: row.workflow,
    version: row.version,
    run: row.runs > 0 && row.p50 !== null && row.p90 !== null ? stats({ samples: row.runs, p50: row.p50, p90: row.p90 }) : null,
    steps: parsedJson<{ name: string; type: string; samples: number; p50: number; p90: number }[]>(row.steps).map((s) => ({
      name: s.name,
      type: s.type,
      ...stats(s),
    })),
  }));
}

/** The queue of each namespace given (by queue time), its running executions and its latest `starts` starts. */
export async function readQueues(db: Db, namespaces: readonly string[], starts: number, startedSince: Date): Promise<QueueRow[]> {
  // started_at has no index; executions created in the day before bound the scan (through the
  // namespace/created_at index) and cover every start except after a day-long wait in the queue.
  const createdSince = new Date(startedSince.getTime() - 24 * 3_600_000);
  const rows = await queryRows<{ namespace: string; recent_starts: unknown; queued: unknown; running: unknown }>(
    db,
    sql`
      select n.namespace,
        (select coalesce(json_agg(s.started_at order by s.started_at), '[]'::json) from (
          select ${executions.startedAt} as started_at from ${executions}
          where ${executions.namespace} = n.namespace and ${executions.createdAt} >= ${createdSince.toISOString()}::timestamptz
            and ${executions.startedAt} >= ${startedSince.toISOString()}::timestamptz
          order by ${executions.startedAt} desc limit ${starts}) s) as recent_starts,
        (select coalesce(json_agg(json_build_object('id', ${executions.id}, 'workflow', ${executions.workflow})
            order by ${executions.queuedAt}, ${executions.id}), '[]'::json) from ${executions}
          where ${executions.namespace} = n.namespace and ${executions.status} = 'QUEUED') as queued,
        (select coalesce(json_agg(json_build_object('workflow', ${executions.workflow}, 'startedAt', ${executions.startedAt})), '[]'::json) from ${executions}
          where ${executions.namespace} = n.namespace and ${executions.status} in ('RUNNING', 'WAITING_APPROVAL')) as running
      from unnest(${sql.param([...namespaces])}::text[]) as n(namespace)`,
  );
  return rows.map((row) => ({
    namespace: row.namespace,
    queued: parsedJson<{ id: string; workflow: string }[]>(row.queued),
    running: parsedJson<{ workflow: string; startedAt: string }[]>(row.running).map((r) => ({ workflow: r.workflow, startedAt: new Date(r.startedAt) })),
    recentStarts: parsedJson<string[]>(row.recent_starts).map((at) => new Date(at)),
  }));
}
