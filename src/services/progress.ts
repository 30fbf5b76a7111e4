import type { Db } from '../db/client.js';
import { readChangedHistories, readQueues, type WorkflowHistoryRow, type WorkflowRef } from '../db/history.js';
import type { ExecutionRow, StepRow } from '../db/schema.js';
import { EMPTY_HISTORY, estimateAt, historyStepKey, planEta, type Estimate, type EtaPlan, type WorkflowHistory } from '../domain/eta.js';
import { predictQueueStarts, RATE_STARTS, RATE_WINDOW_MS, type QueueStartEstimate } from '../domain/queue-eta.js';
import { elapsedMs, summariseSteps, type Progress, type StepSummary } from '../domain/progress.js';
import type { Clock } from './executions.js';

/** Progress and its estimate, as the API shows them. */
export type ProgressReport = Progress<StepRow> & Estimate;

/** The expected start of each QUEUED execution of a namespace, by id. */
export type QueueSnapshot = ReadonlyMap<string, QueueStartEstimate>;

export interface ProgressServiceOptions {
  db: Db;
  clock: Clock;
  /** How many of a workflow's latest COMPLETED executions its history learns from. */
  historyRuns?: number;
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
  history: WorkflowHistory;
  plan: EtaPlan;
}

/**
 * Progress and ETA reads. Histories are checked in one statement for every workflow a request needs,
 * which reads again only those whose latest completed runs changed (so a finished execution is part
 * of the next estimate, whichever instance finished it); an execution's step summary and estimate plan are remembered by
 * (execution id, lastSeq), so re-reading an unchanged execution neither loads its steps nor
 * recomputes more than the time-dependent part.
 */
export function createProgressService(options: ProgressServiceOptions) {
  const { db, clock } = options;
  const historyRuns = options.historyRuns ?? 50;
  const memoSize = options.memoSize ?? 20_000;
  const histories = new Map<string, { version: string; history: WorkflowHistory }>();
  const memos = new Map<string, Memo>();

  const historyOf = (row: WorkflowHistoryRow): WorkflowHistory => ({
    run: row.run,
    steps: new Map(row.steps.map((s) => [historyStepKey(s.name, s.type), { p50Ms: s.p50Ms, p90Ms: s.p90Ms, samples: s.samples }])),
  });

  /** Batch function for a per-request loader: histories in key order, re-read only where they changed. */
  async function historiesOf(keys: readonly string[]): Promise<WorkflowHistory[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    const known = unique.map((key) => ({ ...workflowOfKey(key), version: histories.get(key)?.version ?? '' }));
    const result = new Map(unique.map((key) => [key, histories.get(key)?.history ?? EMPTY_HISTORY]));
    for (const row of await readChangedHistories(db, known, historyRuns)) {
      const key = workflowKey(row);
      const entry = { version: row.version, history: historyOf(row) };
      result.set(key, entry.history);
      histories.delete(key);
      histories.set(key, entry);
    }
    while (histories.size > HISTORY_CACHE_SIZE) histories.delete(histories.keys().next().value!);
    return keys.map((key) => result.get(key)!);
  }

  /** The step summary and estimate plan, recomputed only when the execution or its history changed. */
  function plan(execution: ExecutionRow, steps: StepRow[], history: WorkflowHistory) {
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
    historiesOf,

    /** Batch function for a per-request loader: the expected start of every queued execution of each namespace. */
    async queuesOf(namespaces: readonly string[]): Promise<QueueSnapshot[]> {
      const now = clock.now();
      const rows = await readQueues(db, [...new Set(namespaces)], RATE_STARTS, new Date(now.getTime() - RATE_WINDOW_MS));
      const workflows = [...new Set(rows.flatMap((row) => [...row.queued, ...row.running].map((e) => workflowKey({ namespace: row.namespace, workflow: e.workflow }))))];
      const runs = new Map((await historiesOf(workflows)).map((history, i) => [workflows[i]!, history.run]));
      const runOf = (namespace: string, workflow: string) => runs.get(workflowKey({ namespace, workflow })) ?? null;
      const byNamespace = new Map(
        rows.map((row) => [
          row.namespace,
          predictQueueStarts(
            {
              queued: row.queued.map((q) => ({ id: q.id, run: runOf(row.namespace, q.workflow) })),
              running: row.running.map((r) => ({ startedAt: r.startedAt, run: runOf(row.namespace, r.workflow) })),
              recentStarts: row.recentStarts,
            },
            now,
          ),
        ]),
      );
      return namespaces.map((namespace) => byNamespace.get(namespace) ?? new Map());
    },

    /** The step summary and estimate plan of an execution, recomputed only when it or its history changed. */
    plan,

    /** The steps remembered for this execution at its current lastSeq, if any: no need to load them. */
    rememberedSteps(execution: ExecutionRow): StepRow[] | null {
      const memo = memos.get(execution.id);
      return memo && memo.lastSeq === execution.lastSeq ? memo.steps : null;
    },

    /** Progress and estimate now; `queue` is the execution's namespace queue when it is QUEUED. */
    report(execution: ExecutionRow, steps: StepRow[], history: WorkflowHistory, queue: QueueSnapshot | null): ProgressReport {
      const { summary, plan: etaPlan } = plan(execution, steps, history);
      const now = clock.now();
      const queueStart = queue?.get(execution.id) ?? null;
      const elapsed = elapsedMs(execution, now);
      return {
        executionId: execution.id,
        status: execution.status,
        seq: execution.lastSeq,
        ...summary,
        elapsedMs: elapsed,
        ...estimateAt(etaPlan, { status: execution.status, finishedAt: execution.finishedAt, elapsedMs: elapsed, queueStart }, now),
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
