import { beforeAll, describe, expect, it } from 'vitest';
import {
  ApproveStep,
  CompleteExecution,
  CompleteStep,
  ExecutionEvents,
  FailStep,
  GetExecution,
  QueueExecution,
  ReportStepProgress,
  RequestApproval,
  StartExecution,
  StartStep,
} from './documents.js';
import { createExecution } from './fixtures.js';
import { eventually, startServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});

describe('a full execution lifecycle', () => {
  it('moves through queue, steps, a retry and an approval, and logs every change in order', async () => {
    const created = await createExecution(server, { stepCount: 3, slaMs: 60_000, labels: { team: 'payments' } });
    expect(created).toMatchObject({ status: 'PENDING', namespace: 'default', slaMs: 60_000, labels: { team: 'payments' } });
    const [build, approval, deploy] = created.steps;

    const queued = await server.data(QueueExecution, { id: created.id });
    expect(queued.queueExecution.status).toBe('QUEUED');
    expect(queued.queueExecution.queuedAt).not.toBeNull();
    const started = await server.data(StartExecution, { id: created.id });
    expect(started.startExecution.status).toBe('RUNNING');
    expect(started.startExecution.queueTimeMs).toBeGreaterThanOrEqual(0);

    await server.data(StartStep, { stepId: build!.id });
    const progress = await server.data(ReportStepProgress, { stepId: build!.id, percent: 40, message: 'compiling' });
    expect(progress.reportStepProgress).toMatchObject({ status: 'RUNNING', progressPercent: 40, message: 'compiling' });

    const retried = await server.data(FailStep, { stepId: build!.id, error: 'flaky network', retry: true });
    expect(retried.failStep).toMatchObject({ status: 'PENDING', attempt: 2, error: 'flaky network', progressPercent: 0 });
    await server.data(StartStep, { stepId: build!.id });
    const built = await server.data(CompleteStep, { stepId: build!.id });
    expect(built.completeStep).toMatchObject({ status: 'COMPLETED', attempt: 2, progressPercent: 100 });

    const waiting = await server.data(RequestApproval, { stepId: approval!.id, approvers: ['alice'], message: 'ship it?' });
    expect(waiting.requestApproval.status).toBe('WAITING_APPROVAL');
    const paused = await server.data(GetExecution, { id: created.id });
    expect(paused.execution!.status).toBe('WAITING_APPROVAL');
    expect(paused.execution!.progress.currentStep?.id).toBe(approval!.id);

    const approved = await server.data(ApproveStep, { stepId: approval!.id, by: 'alice', comment: 'go' });
    expect(approved.approveStep.status).toBe('COMPLETED');
    const resumed = await server.data(GetExecution, { id: created.id });
    expect(resumed.execution!.status).toBe('RUNNING');

    await server.data(StartStep, { stepId: deploy!.id });
    await server.data(CompleteStep, { stepId: deploy!.id });
    const completed = await server.data(CompleteExecution, { id: created.id });
    expect(completed.completeExecution).toMatchObject({ status: 'COMPLETED', slaViolated: false });
    expect(completed.completeExecution.progress).toMatchObject({
      totalSteps: 3,
      completedSteps: 3,
      progressPercent: 100,
      currentStep: null,
    });
    expect(completed.completeExecution.finishedAt).not.toBeNull();

    // Events show once every older transaction on the server has finished (see README), so wait.
    const events = await eventually(async () => {
      const log = await server.data(ExecutionEvents, { id: created.id, first: 100 });
      const nodes = log.execution!.events.edges.map((e) => e.node);
      return nodes.length === 13 ? nodes : null;
    }, 10_000, 'all 13 events');
    expect(events.map((e) => e.type)).toEqual([
      'EXECUTION_CREATED',
      'EXECUTION_QUEUED',
      'EXECUTION_STARTED',
      'STEP_STARTED',
      'STEP_PROGRESS',
      'STEP_FAILED',
      'STEP_STARTED',
      'STEP_COMPLETED',
      'APPROVAL_REQUESTED',
      'APPROVAL_APPROVED',
      'STEP_STARTED',
      'STEP_COMPLETED',
      'EXECUTION_COMPLETED',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.executionId === created.id && e.namespace === 'default')).toBe(true);
    expect(events[4]).toMatchObject({ stepId: build!.id, data: { percent: 40, message: 'compiling', attempt: 1 } });
    expect(events[5]!.data).toMatchObject({ error: 'flaky network', attempt: 1, retry: true });
    expect(events[6]!.data).toMatchObject({ attempt: 2 });
    expect(events[8]!.data).toMatchObject({ approvers: ['alice'], message: 'ship it?' });
    expect(events[9]!.data).toMatchObject({ by: 'alice', comment: 'go' });
    expect((events[9]!.data as { decidedAt: string }).decidedAt).toMatch(/^\d{4}-/);
  });

  it('rejecting an approval fails the gate step with the rejection as its error', async () => {
    const created = await createExecution(server, { stepCount: 2 });
    await server.data(StartExecution, { id: created.id });
    const gate = created.steps[0]!;
    await server.data(RequestApproval, { stepId: gate.id });
    const { RejectStep } = await import('./documents.js');
    const rejected = await server.data(RejectStep, { stepId: gate.id, by: 'bob', comment: 'not today' });
    expect(rejected.rejectStep).toMatchObject({ status: 'FAILED', error: 'Rejected by bob: not today' });
    const after = await server.data(GetExecution, { id: created.id });
    expect(after.execution!.status).toBe('RUNNING');
    expect(after.execution!.progress.failedSteps).toBe(1);
  });

  it('only the approvers a request names may approve or reject it (FORBIDDEN for others); without a list anyone may', async () => {
    const created = await createExecution(server, { stepCount: 2 });
    await server.data(StartExecution, { id: created.id });
    const [gate, open] = [created.steps[0]!, created.steps[1]!];
    const decide = (stepId: string, by: string, approve = true) =>
      server.request(`mutation($stepId: ID!, $by: String!) { ${approve ? 'approveStep' : 'rejectStep'}(stepId: $stepId, by: $by) { status approvers } }`, { stepId, by });
    const blank = await server.request('mutation($stepId: ID!) { requestApproval(stepId: $stepId, approvers: ["alice", " "]) { status } }', { stepId: gate.id });
    expect(blank.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'approvers' } }]);
    const waiting = await server.request('mutation($stepId: ID!) { requestApproval(stepId: $stepId, approvers: ["alice", "carol", "alice"]) { status approvers } }', { stepId: gate.id });
    expect(waiting.data).toEqual({ requestApproval: { status: 'WAITING_APPROVAL', approvers: ['alice', 'carol'] } });

    for (const attempt of [await decide(gate.id, 'mallory'), await decide(gate.id, 'mallory', false), await decide(gate.id, 'Alice')]) {
      expect(attempt.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN', reason: 'NOT_AN_APPROVER', field: 'by', approvers: ['alice', 'carol'] } }]);
    }
    const batch = await server.request('mutation($stepId: ID!) { ingest(commands: [{ approveStep: { stepId: $stepId, by: "mallory" } }]) { ok error { code } } }', { stepId: gate.id });
    expect(batch.data).toEqual({ ingest: [{ ok: false, error: { code: 'FORBIDDEN' } }] });
    expect((await server.data(GetExecution, { id: created.id })).execution!.status).toBe('WAITING_APPROVAL');
    expect((await decide(gate.id, 'carol')).data).toEqual({ approveStep: { status: 'COMPLETED', approvers: ['alice', 'carol'] } });

    await server.data(RequestApproval, { stepId: open.id });
    expect((await decide(open.id, 'anyone', false)).data).toEqual({ rejectStep: { status: 'FAILED', approvers: null } });
  });
});
