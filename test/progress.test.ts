import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveStep,
  CancelExecution,
  CompleteExecution,
  CompleteStep,
  FailExecution,
  FailStep,
  QueueExecution,
  RejectStep,
  ReportStepProgress,
  RequestApproval,
  SkipStep,
  StartExecution,
  StartStep,
  TimeoutExecution,
} from './documents.js';
import { createExecution } from './fixtures.js';
import { eventually, manualClock, startServer, type TestServer } from './harness.js';
import { ActiveProgress, ExecutionProgressOf, LiveEtaProgress } from './progress-documents.js';

const clock = manualClock(new Date('2026-03-01T00:00:00.000Z'));
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock });
});

type Action =
  | ['queue' | 'start' | 'complete' | 'fail' | 'cancel' | 'timeout']
  | ['startStep' | 'completeStep' | 'skip' | 'approval' | 'approve' | 'reject', number]
  | ['report', number, number]
  | ['failStep', number, boolean]
  | ['advance', number];

interface Expected {
  status: string;
  /** completed, failed, running, pending, skipped, cancelled, timed out */
  counts: [number, number, number, number, number, number, number];
  percent: number;
  current: string | null;
  elapsedMs: number | null;
}

interface Case {
  name: string;
  steps?: number;
  actions: Action[];
  expected: Expected;
}

const cases: Case[] = [
  { name: 'created (PENDING)', actions: [], expected: { status: 'PENDING', counts: [0, 0, 0, 4, 0, 0, 0], percent: 0, current: null, elapsedMs: null } },
  {
    name: 'queued',
    actions: [['queue'], ['advance', 5_000]],
    expected: { status: 'QUEUED', counts: [0, 0, 0, 4, 0, 0, 0], percent: 0, current: null, elapsedMs: null },
  },
  {
    name: 'started, no step running yet',
    actions: [['start'], ['advance', 1_000]],
    expected: { status: 'RUNNING', counts: [0, 0, 0, 4, 0, 0, 0], percent: 0, current: null, elapsedMs: 1_000 },
  },
  {
    name: 'a running step is credited with its reported percent',
    actions: [['start'], ['startStep', 0], ['report', 0, 40], ['advance', 2_000]],
    expected: { status: 'RUNNING', counts: [0, 0, 1, 3, 0, 0, 0], percent: 10, current: 's0', elapsedMs: 2_000 },
  },
  {
    name: 'two running steps: the current one has the lowest position',
    actions: [['start'], ['startStep', 2], ['startStep', 1], ['report', 1, 50], ['report', 2, 50]],
    expected: { status: 'RUNNING', counts: [0, 0, 2, 2, 0, 0, 0], percent: 25, current: 's1', elapsedMs: 0 },
  },
  {
    name: 'a retried step is pending again and loses its percent',
    actions: [['start'], ['startStep', 0], ['report', 0, 80], ['failStep', 0, true]],
    expected: { status: 'RUNNING', counts: [0, 0, 0, 4, 0, 0, 0], percent: 0, current: null, elapsedMs: 0 },
  },
  {
    name: 'the second attempt of a retried step runs',
    actions: [['start'], ['startStep', 0], ['failStep', 0, true], ['startStep', 0], ['report', 0, 20]],
    expected: { status: 'RUNNING', counts: [0, 0, 1, 3, 0, 0, 0], percent: 5, current: 's0', elapsedMs: 0 },
  },
  {
    name: 'a failed step (no retry) is failed, not done: its work counts nothing',
    actions: [['start'], ['startStep', 0], ['report', 0, 60], ['failStep', 0, false], ['startStep', 1]],
    expected: { status: 'RUNNING', counts: [0, 1, 1, 2, 0, 0, 0], percent: 0, current: 's1', elapsedMs: 0 },
  },
  {
    name: 'still running after its last step failed: not 100%',
    steps: 2,
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['failStep', 1, false]],
    expected: { status: 'RUNNING', counts: [1, 1, 0, 0, 0, 0, 0], percent: 50, current: null, elapsedMs: 0 },
  },
  {
    name: 'skipped steps count as done',
    actions: [['start'], ['skip', 0], ['skip', 1], ['startStep', 2], ['completeStep', 2]],
    expected: { status: 'RUNNING', counts: [1, 0, 0, 1, 2, 0, 0], percent: 75, current: null, elapsedMs: 0 },
  },
  {
    name: 'waiting for approval: the gate is current and counted as running',
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['approval', 1]],
    expected: { status: 'WAITING_APPROVAL', counts: [1, 0, 1, 2, 0, 0, 0], percent: 25, current: 's1', elapsedMs: 0 },
  },
  {
    name: 'paused while an earlier step still runs: the gate is current',
    actions: [['start'], ['startStep', 0], ['report', 0, 50], ['approval', 2]],
    expected: { status: 'WAITING_APPROVAL', counts: [0, 0, 2, 2, 0, 0, 0], percent: 12.5, current: 's2', elapsedMs: 0 },
  },
  {
    name: 'approved: the gate completes and the execution runs again',
    actions: [['start'], ['approval', 0], ['approve', 0]],
    expected: { status: 'RUNNING', counts: [1, 0, 0, 3, 0, 0, 0], percent: 25, current: null, elapsedMs: 0 },
  },
  {
    name: 'rejected: the gate fails and counts nothing',
    actions: [['start'], ['approval', 0], ['reject', 0]],
    expected: { status: 'RUNNING', counts: [0, 1, 0, 3, 0, 0, 0], percent: 0, current: null, elapsedMs: 0 },
  },
  {
    name: 'completed: leftovers are skipped, 100%, elapsed stops at finishedAt',
    actions: [['start'], ['startStep', 0], ['advance', 3_000], ['completeStep', 0], ['complete'], ['advance', 60_000]],
    expected: { status: 'COMPLETED', counts: [1, 0, 0, 0, 3, 0, 0], percent: 100, current: null, elapsedMs: 3_000 },
  },
  {
    name: 'failed: open steps are cancelled, so the percent stays where it stopped',
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['advance', 1_000], ['fail'], ['advance', 5_000]],
    expected: { status: 'FAILED', counts: [1, 0, 0, 0, 0, 3, 0], percent: 25, current: null, elapsedMs: 1_000 },
  },
  {
    name: 'cancelled mid-step: the step keeps the percent it reached',
    actions: [['start'], ['startStep', 0], ['report', 0, 50], ['cancel']],
    expected: { status: 'CANCELLED', counts: [0, 0, 0, 0, 0, 4, 0], percent: 12.5, current: null, elapsedMs: 0 },
  },
  {
    name: 'timed out: the running step times out, pending ones are cancelled, neither counts as done',
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['timeout']],
    expected: { status: 'TIMED_OUT', counts: [1, 0, 0, 0, 0, 2, 1], percent: 25, current: null, elapsedMs: 0 },
  },
  ...(['fail', 'cancel', 'timeout'] as const).map((stop) => ({
    name: `${stop} with step 2 of 3 at 60%: the percent stays at 53.33`,
    steps: 3,
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['report', 1, 60], [stop]] as Action[],
    expected: {
      status: stop === 'fail' ? 'FAILED' : stop === 'cancel' ? 'CANCELLED' : 'TIMED_OUT',
      counts: (stop === 'timeout' ? [1, 0, 0, 0, 0, 1, 1] : [1, 0, 0, 0, 0, 2, 0]) as Expected['counts'],
      percent: 53.33,
      current: null,
      elapsedMs: 0,
    },
  })),
  {
    name: 'a step at 60% that asks for approval keeps its percent while waiting',
    steps: 3,
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['report', 1, 60], ['approval', 1]],
    expected: { status: 'WAITING_APPROVAL', counts: [1, 0, 1, 1, 0, 0, 0], percent: 53.33, current: 's1', elapsedMs: 0 },
  },
  {
    name: 'and cancelled while waiting: still 53.33',
    steps: 3,
    actions: [['start'], ['startStep', 0], ['completeStep', 0], ['startStep', 1], ['report', 1, 60], ['approval', 1], ['cancel']],
    expected: { status: 'CANCELLED', counts: [1, 0, 0, 0, 0, 2, 0], percent: 53.33, current: null, elapsedMs: 0 },
  },
  {
    name: 'an execution without steps',
    steps: 0,
    actions: [['start']],
    expected: { status: 'RUNNING', counts: [0, 0, 0, 0, 0, 0, 0], percent: 0, current: null, elapsedMs: 0 },
  },
];

async function apply(executionId: string, stepIds: string[], action: Action) {
  const step = (i: number) => ({ stepId: stepIds[i]! });
  switch (action[0]) {
    case 'queue': return server.data(QueueExecution, { id: executionId });
    case 'start': return server.data(StartExecution, { id: executionId });
    case 'complete': return server.data(CompleteExecution, { id: executionId });
    case 'fail': return server.data(FailExecution, { id: executionId, error: 'boom' });
    case 'cancel': return server.data(CancelExecution, { id: executionId, reason: 'not needed' });
    case 'timeout': return server.data(TimeoutExecution, { id: executionId });
    case 'startStep': return server.data(StartStep, step(action[1]));
    case 'completeStep': return server.data(CompleteStep, step(action[1]));
    case 'skip': return server.data(SkipStep, step(action[1]));
    case 'approval': return server.data(RequestApproval, step(action[1]));
    case 'approve': return server.data(ApproveStep, { ...step(action[1]), by: 'alice' });
    case 'reject': return server.data(RejectStep, { ...step(action[1]), by: 'bob' });
    case 'report': return server.data(ReportStepProgress, { ...step(action[1]), percent: action[2] });
    case 'failStep': return server.data(FailStep, { ...step(action[1]), error: 'flaky', retry: action[2] });
    case 'advance': return clock.advance(action[1]);
  }
}

describe('ExecutionProgress in every status', () => {
  it.each(cases)('$name', async ({ steps = 4, actions, expected }) => {
    const created = await createExecution(server, { stepCount: steps, namespace: 'table' });
    const stepIds = created.steps.map((s) => s.id);
    for (const action of actions) await apply(created.id, stepIds, action);

    const { execution } = await server.data(ExecutionProgressOf, { id: created.id });
    const progress = execution!.progress;
    const [completed, failed, running, pending, skipped, cancelled, timedOut] = expected.counts;
    expect(progress).toMatchObject({
      executionId: created.id,
      status: expected.status,
      totalSteps: steps,
      completedSteps: completed,
      failedSteps: failed,
      runningSteps: running,
      pendingSteps: pending,
      skippedSteps: skipped,
      cancelledSteps: cancelled,
      timedOutSteps: timedOut,
      doneSteps: completed + skipped,
      progressPercent: expected.percent,
      elapsedMs: expected.elapsedMs,
    });
    expect(completed + failed + running + pending + skipped + cancelled + timedOut).toBe(steps);
    expect(progress.currentStep?.name ?? null).toBe(expected.current);

    const final = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(expected.status);
    const { activeExecutions } = await server.data(ActiveProgress, { namespace: 'table' });
    const listed = activeExecutions.find((p) => p.executionId === created.id);
    if (final) {
      expect(listed).toBeUndefined();
      expect(progress).toMatchObject({ estimatedRemainingMs: 0, estimatedRemainingP90Ms: 0, isOverrunning: false, estimatedStartAt: null });
      expect(progress.estimatedCompletion).not.toBeNull();
    } else if (expected.status === 'PENDING') {
      expect(listed).toBeUndefined();
    } else {
      expect(listed).toEqual(progress);
    }
    if (expected.status === 'COMPLETED') expect(progress.percentByTime).toBe(100);
  });
});

describe('cheap reads', () => {
  it('activeExecutions costs the same few statements for 3 or 20 executions, and fewer when nothing changed', async () => {
    const statements = server.app.database.statements;
    const addRunning = async (count: number, namespace: string) => {
      for (let i = 0; i < count; i++) {
        const created = await createExecution(server, { namespace, stepCount: 3 });
        await server.data(StartExecution, { id: created.id });
        await server.data(StartStep, { stepId: created.steps[0]!.id });
        await server.data(CompleteStep, { stepId: created.steps[0]!.id });
        await server.data(StartStep, { stepId: created.steps[1]!.id });
      }
    };
    await addRunning(3, 'cheap-small');
    await addRunning(20, 'cheap-large');
    await eventually(async () => {
      const before = statements.count;
      await server.request('{ __typename }');
      return statements.count === before;
    });

    // Background readers (feed scans, monitoring) may add statements: the fewest of three reads counts.
    const measure = async (namespace: string, expectedCount: number, cold = false) => {
      const counts: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        if (cold) server.app.services.progress.clear();
        const before = statements.count;
        const { activeExecutions } = await server.data(ActiveProgress, { namespace });
        counts.push(statements.count - before);
        expect(activeExecutions).toHaveLength(expectedCount);
        expect(activeExecutions.every((p) => p.etaBasis === 'PACE' && p.currentStep?.name === 's1')).toBe(true);
      }
      return Math.min(...counts);
    };
    const small = await measure('cheap-small', 3, true);
    const large = await measure('cheap-large', 20, true);
    // The list, the steps of every execution and the histories of every workflow.
    expect(small).toBe(3);
    expect(large).toBe(small);
    // Unchanged since the last read: no steps to load again, only the check that no run of the workflow finished since.
    expect(await measure('cheap-large', 20)).toBe(2);
    console.log(`activeExecutions: ${large} statements cold (3 or 20 executions), 2 when unchanged`);
  });

  it('a change to one execution is seen at once, while the others stay remembered', async () => {
    const created = await createExecution(server, { namespace: 'memo', stepCount: 2 });
    await server.data(StartExecution, { id: created.id });
    const before = await server.data(ExecutionProgressOf, { id: created.id });
    expect(before.execution!.progress.runningSteps).toBe(0);
    await server.data(StartStep, { stepId: created.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: created.steps[0]!.id, percent: 50 });
    const after = await server.data(ExecutionProgressOf, { id: created.id });
    expect(after.execution!.progress).toMatchObject({ runningSteps: 1, progressPercent: 25, currentStep: { name: 's0' } });
  });
});

describe('Subscription.executionProgress', () => {
  it('carries the estimate and updates it as the execution moves', async () => {
    const created = await createExecution(server, { namespace: 'live', stepCount: 3 });
    await server.data(StartExecution, { id: created.id });
    const updates: { etaBasis: string; completedSteps: number; estimatedRemainingMs: number | null }[] = [];
    server.wsClient().subscribe(
      { query: print(LiveEtaProgress), variables: { executionId: created.id } },
      {
        next: (r) => void updates.push((r.data as { executionProgress: (typeof updates)[number] }).executionProgress),
        error: () => {},
        complete: () => {},
      },
    );
    await eventually(() => updates.length >= 1, 5_000, 'initial progress');
    expect(updates[0]).toMatchObject({ etaBasis: 'NONE', estimatedRemainingMs: null });
    await server.data(StartStep, { stepId: created.steps[0]!.id });
    clock.advance(4_000);
    await server.data(CompleteStep, { stepId: created.steps[0]!.id });
    const paced = (await eventually(() => updates.find((u) => u.completedSteps === 1), 5_000, "progress after a step"))!;
    expect(paced.etaBasis).toBe('PACE');
    expect(paced.estimatedRemainingMs).toBeGreaterThan(0);
  });
});
