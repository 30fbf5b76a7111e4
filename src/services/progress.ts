import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import type { ExecutionRow, StepRow } from '../db/schema.js';
import {
  EMPTY_HISTORY,
  estimateAt,
  estimateQueueStart,
  historyStepKey,
  planEta,
  type DurationStats,
  type Estimate,
  type EtaPlan,
  type StepHistory,
} from '../domain/eta.js';
import { elapsedMs, summariseSteps, type Progress, type StepSummary } from '../domain/progress.js';
import type { Clock } from './executions.js';

/** Progress and its estimate, as the API shows them. */
export type ProgressReport = Progress<StepRow> & Estimate;

/** The QUEUED executions of a namespace in queue order, and how many started recently. */
export interface QueueSnapshot {
  queuedIds: string[];
  recentStarts: number;
}

export interface ProgressServiceOptions {
  db: Db;
  clock: Clock;
  /** How many of a workflow's latest COMPLETED executions its history learns from. */
  historyRuns?: number;
  /** How long a workflow's history is reused before it is read again. */
  historyTtlMs?: number;
  /** Window of the recent start rate behind a queued execution's estimatedStartAt. */
  startRateWindowMs?: number;
  /** Most executions whose step summary and plan are remembered. */
  memoSize?: number;
}

const HISTORY_CACHE_SIZE = 10_000;

/** The key of a workflow's history: namespaces never contain a newline. */
export const workflowKey = (execution: { namespace: string; workflow: string }) => `${execution.namespace}\n${execution.workflow}`;

interface Memo {
  lastSeq: number;
  steps: StepRow[];
  summary: StepSummary<StepRow>;
  history: StepHistory;
  plan: EtaPlan;
}


const parsedJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * Progress and ETA reads. Histories are read in one statement for every workflow a request needs and
 * kept for a short TTL; an execution's step summary and estimate plan are remembered by
 * (execution id, lastSeq), so re-reading an unchanged execution neither loads its steps nor
 * recomputes more than the time-dependent part.
 */
export function createProgressService(options: ProgressServiceOptions) {
  const { db, clock } = options;
  const historyRuns = options.historyRuns ?? 50;
  const historyTtlMs = options.historyTtlMs ?? 30_000;
  const startRateWindowMs = options.startRateWindowMs ?? 15 * 60_000;
  const memoSize = options.memoSize ?? 20_000;
  const histories = new Map<string, { loadedAt: number; history: Promise<StepHistory> }>();
  const memos = new Map<string, Memo>();

  /** p50/p90 of each step's duration over the latest completed runs of each workflow: one statement. */
  async function readHistories(keys: string[]): Promise<Map<string, StepHistory>> {
    const workflows = keys.map((key) => {
      const [namespace, workflow] = key.split('\n') as [string, string];
      return sql`(${namespace}, ${workflow})`;
    });
    const rows = await queryRows<{ namespace: string; workflow: string; name: string; type: string; samples: number; p50: number; p90: number }>(
      db,
      sql`
        select k.namespace, k.workflow, s.name, s.type, count(*)::int as samples,
          percentile_cont(0.5) within group (order by d.ms) as p50,
          percentile_cont(0.9) within group (order by d.ms) as p90
        from (values ${sql.join(workflows, sql`, `)}) as k(namespace, workflow)
        cross join lateral (
          select e.id from executions e
          where e.namespace = k.namespace and e.workflow = k.workflow and e.status = 'COMPLETED'
          -- The (namespace, created_at, id) index, walked newest first, stops early.
          order by e.created_at desc, e.id desc
          limit ${historyRuns}
        ) recent
        join steps s on s.execution_id = recent.id and s.status = 'COMPLETED' and s.started_at is not null
        cross join lateral (select extract(epoch from s.finished_at - s.started_at)::float8 * 1000 as ms) d
        group by k.namespace, k.workflow, s.name, s.type`,
    );
    const result = new Map<string, Map<string, DurationStats>>(keys.map((key) => [key, new Map()]));
    for (const row of rows) {
      result.get(`${row.namespace}\n${row.workflow}`)?.set(historyStepKey(row.name, row.type), {
        p50Ms: Number(row.p50),
        p90Ms: Number(row.p90),
        samples: Number(row.samples),
      });
    }
    return result;
  }

  /** The step summary and estimate plan, recomputed only when the execution or its history changed. */
  function plan(execution: ExecutionRow, steps: StepRow[], history: StepHistory) {
    let memo = memos.get(execution.id);
    if (!memo || memo.lastSeq !== execution.lastSeq) {
      memo = {
        lastSeq: execution.lastSeq,
        steps,
        summary: summariseSteps(execution.status, steps),
        history,
        plan: planEta(steps, history),
      };
    } else if (memo.history !== history) {
      memo = { ...memo, history, plan: planEta(memo.steps, history) };
    }
    memos.delete(execution.id);
    memos.set(execution.id, memo);
    if (memos.size > memoSize) memos.delete(memos.keys().next().value!);
    return memo;
  }

  return {
    /** Batch function for a per-request loader: histories in key order, read once per TTL. */
    historiesOf(keys: readonly string[]): Promise<StepHistory[]> {
      const now = clock.now().getTime();
      const fresh = (key: string) => {
        const loadedAt = histories.get(key)?.loadedAt ?? -Infinity;
        return loadedAt <= now && now < loadedAt + historyTtlMs;
      };
      const missing = [...new Set(keys)].filter((key) => !fresh(key));
      if (missing.length > 0) {
        const loading = readHistories(missing);
        for (const key of missing) {
          const history = loading.then((all) => all.get(key) ?? EMPTY_HISTORY);
          histories.delete(key);
          histories.set(key, { loadedAt: now, history });
          history.catch(() => histories.delete(key));
        }
      }
      // Take this request's promises before trimming the cache, which may evict some of them.
      const result = Promise.all(keys.map((key) => histories.get(key)!.history));
      while (histories.size > HISTORY_CACHE_SIZE) histories.delete(histories.keys().next().value!);
      return result;
    },

    /** Batch function for a per-request loader: the queue and recent starts of each namespace. */
    async queuesOf(namespaces: readonly string[]): Promise<QueueSnapshot[]> {
      const unique = [...new Set(namespaces)];
      const since = new Date(clock.now().getTime() - startRateWindowMs);
      // started_at has no index; executions created in the last day bound the scan (through the
      // namespace/created_at index) and cover every start except after a day-long wait in the queue.
      const createdSince = new Date(since.getTime() - 24 * 3_600_000);
      const rows = await queryRows<{ namespace: string; recent_starts: number; queued_ids: unknown }>(
        db,
        sql`
          select n.namespace,
            (select count(*)::int from executions e
              where e.namespace = n.namespace and e.created_at >= ${createdSince.toISOString()}::timestamptz
                and e.started_at >= ${since.toISOString()}::timestamptz) as recent_starts,
            (select coalesce(json_agg(e.id order by e.created_at, e.id), '[]'::json) from executions e
              where e.namespace = n.namespace and e.status = 'QUEUED') as queued_ids
          from (values ${sql.join(unique.map((namespace) => sql`(${namespace})`), sql`, `)}) as n(namespace)`,
      );
      const byNamespace = new Map(
        rows.map((row) => [row.namespace, { queuedIds: parsedJson<string[]>(row.queued_ids), recentStarts: Number(row.recent_starts) }]),
      );
      return namespaces.map((namespace) => byNamespace.get(namespace) ?? { queuedIds: [], recentStarts: 0 });
    },

    /** The steps remembered for this execution at its current lastSeq, if any: no need to load them. */
    plan,

    rememberedSteps(execution: ExecutionRow): StepRow[] | null {
      const memo = memos.get(execution.id);
      return memo && memo.lastSeq === execution.lastSeq ? memo.steps : null;
    },

    /** Progress and estimate now; `queue` is the execution's namespace queue when it is QUEUED. */
    report(execution: ExecutionRow, steps: StepRow[], history: StepHistory, queue: QueueSnapshot | null): ProgressReport {
      const { summary, plan: etaPlan } = plan(execution, steps, history);
      const now = clock.now();
      let estimatedStartAt: Date | null = null;
      if (execution.status === 'QUEUED' && queue) {
        const position = queue.queuedIds.indexOf(execution.id);
        const ahead = position === -1 ? queue.queuedIds.length : position;
        estimatedStartAt = estimateQueueStart(ahead, queue.recentStarts, startRateWindowMs, now);
      }
      const elapsed = elapsedMs(execution, now);
      return {
        executionId: execution.id,
        status: execution.status,
        ...summary,
        elapsedMs: elapsed,
        ...estimateAt(etaPlan, { status: execution.status, finishedAt: execution.finishedAt, elapsedMs: elapsed, estimatedStartAt }, now),
      };
    },

    /** Forgets cached histories and remembered plans (benchmarks and tests). */
    clear() {
      histories.clear();
      memos.clear();
    },
  };
}

export type ProgressService = ReturnType<typeof createProgressService>;
