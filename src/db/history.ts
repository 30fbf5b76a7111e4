import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { queryRows } from './query.js';
import { executions, steps } from './schema.js';

/** A workflow, as its history is kept: namespace and name. */
export interface WorkflowRef {
  namespace: string;
  workflow: string;
}

/** The durations of one step (by name and type) over a workflow's latest completed runs. */
export interface StepDurationRow extends WorkflowRef {
  name: string;
  type: string;
  samples: number;
  p50Ms: number;
  p90Ms: number;
}

/** The QUEUED executions of a namespace in queue order, and how many started since a time. */
export interface QueueRow {
  namespace: string;
  queuedIds: string[];
  recentStarts: number;
}

const parsedJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * p50/p90 of each completed step's duration over the latest `runs` COMPLETED executions of each
 * workflow, in one statement for every workflow given.
 */
export async function readStepDurations(db: Db, workflows: readonly WorkflowRef[], runs: number): Promise<StepDurationRow[]> {
  const keys = workflows.map(({ namespace, workflow }) => sql`(${namespace}, ${workflow})`);
  const rows = await queryRows<{ namespace: string; workflow: string; name: string; type: string; samples: number; p50: number; p90: number }>(
    db,
    sql`
      select k.namespace, k.workflow, ${steps.name}, ${steps.type}, count(*)::int as samples,
        percentile_cont(0.5) within group (order by d.ms) as p50,
        percentile_cont(0.9) within group (order by d.ms) as p90
      from (values ${sql.join(keys, sql`, `)}) as k(namespace, workflow)
      cross join lateral (
        select ${executions.id} from ${executions}
        where ${executions.namespace} = k.namespace and ${executions.workflow} = k.workflow and ${executions.status} = 'COMPLETED'
        -- The (namespace, created_at, id) index, walked newest first, stops early.
        order by ${executions.createdAt} desc, ${executions.id} desc
        limit ${runs}
      ) recent
      join ${steps} on ${steps.executionId} = recent.id and ${steps.status} = 'COMPLETED' and ${steps.startedAt} is not null
      cross join lateral (select extract(epoch from ${steps.finishedAt} - ${steps.startedAt})::float8 * 1000 as ms) d
      group by k.namespace, k.workflow, ${steps.name}, ${steps.type}`,
  );
  return rows.map((row) => ({
    namespace: row.namespace,
    workflow: row.workflow,
    name: row.name,
    type: row.type,
    samples: Number(row.samples),
    p50Ms: Number(row.p50),
    p90Ms: Number(row.p90),
  }));
}

/** The queue of each namespace given and how many of its executions started at or after `startedSince`. */
export async function readQueues(db: Db, namespaces: readonly string[], startedSince: Date): Promise<QueueRow[]> {
  // started_at has no index; executions created in the day before bound the scan (through the
  // namespace/created_at index) and cover every start except after a day-long wait in the queue.
  const createdSince = new Date(startedSince.getTime() - 24 * 3_600_000);
  const rows = await queryRows<{ namespace: string; recent_starts: number; queued_ids: unknown }>(
    db,
    sql`
      select n.namespace,
        (select count(*)::int from ${executions}
          where ${executions.namespace} = n.namespace and ${executions.createdAt} >= ${createdSince.toISOString()}::timestamptz
            and ${executions.startedAt} >= ${startedSince.toISOString()}::timestamptz) as recent_starts,
        (select coalesce(json_agg(${executions.id} order by ${executions.createdAt}, ${executions.id}), '[]'::json) from ${executions}
          where ${executions.namespace} = n.namespace and ${executions.status} = 'QUEUED') as queued_ids
      from (values ${sql.join(namespaces.map((namespace) => sql`(${namespace})`), sql`, `)}) as n(namespace)`,
  );
  return rows.map((row) => ({ namespace: row.namespace, queuedIds: parsedJson<string[]>(row.queued_ids), recentStarts: Number(row.recent_starts) }));
}
