import type { Db } from '../db/client.js';
import { readQueues, readStepDurations, type WorkflowRef } from '../db/history.js';
import type { ExecutionRow, StepRow } from '../db/schema.js';
import {
  EMPTY_HISTORY,
  estimateAt,
  estimateQueueStart,
  historyStepKey,
  planEta,
  type Estimate,
  type EtaPlan,
  type LearnedStepDuration,
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
export const workflowKey = (execution: WorkflowRef) => `${execution.namespace}\n${execution.workflow}`;
const workflowOfKey = (key: string): WorkflowRef => {
  const [namespace, workflow] = key.split('\n') as [string, string];
  return { namespace, workflow };
};

interface Memo {
  lastSeq: number;
  steps: StepRow[];
  summary: StepSummary<StepRow>;
  history: StepHistory;
  plan: EtaPlan;
}

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

  /** The histories of these workflows (by workflowKey): one statement. */
  async function readHistories(keys: string[]): Promise<Map<string, StepHistory>> {
    const rows = await readStepDurations(db, keys.map(workflowOfKey), historyRuns);
    const result = new Map<string, Map<string, LearnedStepDuration>>(keys.map((key) => [key, new Map()]));
    for (const row of rows) {
      result.get(workflowKey(row))?.set(historyStepKey(row.name, row.type), { p50Ms: row.p50Ms, p90Ms: row.p90Ms, samples: row.samples });
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
      const since = new Date(clock.now().getTime() - startRateWindowMs);
      const rows = await readQueues(db, [...new Set(namespaces)], since);
      const byNamespace = new Map(rows.map(({ namespace, ...snapshot }) => [namespace, snapshot]));
      return namespaces.map((namespace) => byNamespace.get(namespace) ?? { queuedIds: [], recentStarts: 0 });
    },

    /** The step summary and estimate plan of an execution, recomputed only when it or its history changed. */
    plan,

    /** The steps remembered for this execution at its current lastSeq, if any: no need to load them. */
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
