import { describe, expect, it } from 'vitest';
import {
  applyExecutionCommand,
  applyStepCommand,
  EXECUTION_STATUSES,
  FINAL_EXECUTION_STATUSES,
  STEP_STATUSES,
  type Change,
  type ExecutionCommand,
  type ExecutionState,
  type ExecutionStatus,
  type StepCommand,
  type StepState,
  type StepStatus,
} from '../src/domain/lifecycle.js';
import { DomainError, type ErrorCode } from '../src/errors.js';

/**
 * Pure unit tests of the lifecycle state machine: no server, no database. Every command is tried
 * against every status, and the outcome must be one of
 *   allowed - returns a Change to write
 *   noop    - returns null: a repeat whose effect already holds
 *   refused - throws DomainError INVALID_TRANSITION
 */

type Outcome = 'allowed' | 'noop' | 'refused';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const STARTED = new Date('2026-01-01T00:09:00.000Z');

const execution = (status: ExecutionStatus, error: string | null = null): ExecutionState => ({
  id: 'exec-1',
  status,
  error,
  startedAt: null,
  slaMs: null,
  timeoutMs: null,
  slaBreachedAt: null,
  timeoutBreachedAt: null,
});

let stepCounter = 0;
const step = (status: StepStatus, overrides: Partial<StepState> = {}): StepState => {
  const started = status === 'PENDING' ? null : STARTED;
  return {
    id: overrides.id ?? `step-${++stepCounter}`,
    position: 0,
    status,
    progressPercent: status === 'COMPLETED' ? 100 : 0,
    message: null,
    attempt: 1,
    error: status === 'FAILED' || status === 'TIMED_OUT' ? 'boom' : null,
    decision: null,
    approvers: null,
    startedAt: started,
    ...overrides,
  };
};

function outcomeOf(run: () => Change | null): Outcome {
  try {
    return run() === null ? 'noop' : 'allowed';
  } catch (error) {
    if (error instanceof DomainError && error.code === 'INVALID_TRANSITION') return 'refused';
    throw error;
  }
}

function domainErrorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError, but the command succeeded');
}

const expectCode = (run: () => unknown, code: ErrorCode) => expect(domainErrorOf(run).code).toBe(code);

/** Only the change, never null (fails the test otherwise). */
function changed(result: Change | null): Change {
  expect(result).not.toBeNull();
  return result!;
}

// ---------------------------------------------------------------------------------------------
// Execution commands x execution statuses
// ---------------------------------------------------------------------------------------------

const EXECUTION_COMMANDS: Record<ExecutionCommand['kind'], ExecutionCommand> = {
  queue: { kind: 'queue' },
  start: { kind: 'start' },
  complete: { kind: 'complete' },
  fail: { kind: 'fail', error: 'engine crashed' },
  cancel: { kind: 'cancel', reason: 'operator' },
  timeout: { kind: 'timeout' },
};

/** Expected outcome of each execution command in each status, in EXECUTION_STATUSES order. */
const EXECUTION_MATRIX: Record<ExecutionCommand['kind'], Record<ExecutionStatus, Outcome>> = {
  queue: {
    PENDING: 'allowed', QUEUED: 'noop', RUNNING: 'refused', WAITING_APPROVAL: 'refused',
    COMPLETED: 'refused', FAILED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  start: {
    PENDING: 'allowed', QUEUED: 'allowed', RUNNING: 'noop', WAITING_APPROVAL: 'noop',
    COMPLETED: 'refused', FAILED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  complete: {
    PENDING: 'refused', QUEUED: 'refused', RUNNING: 'allowed', WAITING_APPROVAL: 'refused',
    COMPLETED: 'noop', FAILED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  fail: {
    PENDING: 'allowed', QUEUED: 'allowed', RUNNING: 'allowed', WAITING_APPROVAL: 'allowed',
    COMPLETED: 'refused', FAILED: 'noop', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  cancel: {
    PENDING: 'allowed', QUEUED: 'allowed', RUNNING: 'allowed', WAITING_APPROVAL: 'allowed',
    COMPLETED: 'refused', FAILED: 'refused', CANCELLED: 'noop', TIMED_OUT: 'refused',
  },
  timeout: {
    PENDING: 'allowed', QUEUED: 'allowed', RUNNING: 'allowed', WAITING_APPROVAL: 'allowed',
    COMPLETED: 'refused', FAILED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'noop',
  },
};

const EXECUTION_TARGET: Record<ExecutionCommand['kind'], { status: ExecutionStatus; event: string; stamp: 'queuedAt' | 'startedAt' | 'finishedAt' }> = {
  queue: { status: 'QUEUED', event: 'EXECUTION_QUEUED', stamp: 'queuedAt' },
  start: { status: 'RUNNING', event: 'EXECUTION_STARTED', stamp: 'startedAt' },
  complete: { status: 'COMPLETED', event: 'EXECUTION_COMPLETED', stamp: 'finishedAt' },
  fail: { status: 'FAILED', event: 'EXECUTION_FAILED', stamp: 'finishedAt' },
  cancel: { status: 'CANCELLED', event: 'EXECUTION_CANCELLED', stamp: 'finishedAt' },
  timeout: { status: 'TIMED_OUT', event: 'EXECUTION_TIMEOUT', stamp: 'finishedAt' },
};

describe('applyExecutionCommand: every command in every execution status', () => {
  const cases = Object.entries(EXECUTION_MATRIX).flatMap(([kind, row]) =>
    EXECUTION_STATUSES.map((status) => ({ kind: kind as ExecutionCommand['kind'], status, expected: row[status] })),
  );

  it('the matrix covers every command and every status', () => {
    expect(cases).toHaveLength(Object.keys(EXECUTION_COMMANDS).length * EXECUTION_STATUSES.length);
  });

  it.each(cases)('$kind on a $status execution is $expected', ({ kind, status, expected }) => {
    const command = EXECUTION_COMMANDS[kind];
    // No open steps, so that `complete` only depends on the execution status.
    const steps = [step('COMPLETED', { position: 0 })];
    const run = () => applyExecutionCommand(execution(status), steps, command, NOW);
    expect(outcomeOf(run)).toBe(expected);

    if (expected === 'allowed') {
      const result = changed(run());
      const target = EXECUTION_TARGET[kind];
      expect(result.execution.status).toBe(target.status);
      expect(result.execution[target.stamp]).toEqual(NOW);
      expect(result.events.map((e) => e.type)).toEqual([target.event]);
      expect(result.events[0]!.stepId).toBeUndefined();
    }
    if (expected === 'refused') {
      const error = domainErrorOf(run);
      expect(error.message).toMatch(/^Cannot /);
      expect(error.details).toMatchObject({ status });
    }
  });

  it('fail carries the error; cancel the reason; timeout "Timed out"', () => {
    const running = execution('RUNNING');
    expect(changed(applyExecutionCommand(running, [], { kind: 'fail', error: 'disk full' }, NOW))).toMatchObject({
      execution: { status: 'FAILED', error: 'disk full', finishedAt: NOW },
      events: [{ type: 'EXECUTION_FAILED', data: { error: 'disk full', settledSteps: {} } }],
    });
    expect(changed(applyExecutionCommand(running, [], { kind: 'cancel', reason: 'operator' }, NOW))).toMatchObject({
      execution: { status: 'CANCELLED', error: 'operator' },
      events: [{ type: 'EXECUTION_CANCELLED', data: { reason: 'operator' } }],
    });
    expect(changed(applyExecutionCommand(running, [], { kind: 'cancel', reason: null }, NOW))).toMatchObject({
      execution: { status: 'CANCELLED', error: null },
      events: [{ type: 'EXECUTION_CANCELLED', data: { reason: null } }],
    });
    expect(changed(applyExecutionCommand(running, [], { kind: 'timeout' }, NOW))).toMatchObject({
      execution: { status: 'TIMED_OUT', error: 'Timed out' },
      events: [{ type: 'EXECUTION_TIMEOUT' }],
    });
  });

  it('fail with an empty or blank error is BAD_USER_INPUT', () => {
    for (const error of ['', '   ', '\n\t']) {
      expectCode(() => applyExecutionCommand(execution('RUNNING'), [], { kind: 'fail', error }, NOW), 'BAD_USER_INPUT');
    }
  });

  it('repeating fail on a FAILED execution is a no-op even with another message', () => {
    expect(applyExecutionCommand(execution('FAILED', 'first'), [], { kind: 'fail', error: 'second' }, NOW)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Settling the open steps of an execution that finishes
// ---------------------------------------------------------------------------------------------

describe('settling open steps when an execution finishes', () => {
  const mixed = () => [
    step('COMPLETED', { id: 'done', position: 0 }),
    step('FAILED', { id: 'failed', position: 1 }),
    step('SKIPPED', { id: 'skipped', position: 2 }),
    step('RUNNING', { id: 'running', position: 3 }),
    step('WAITING_APPROVAL', { id: 'gate', position: 4 }),
    step('PENDING', { id: 'pending-a', position: 5 }),
    step('PENDING', { id: 'pending-b', position: 6 }),
  ];
  const patched = (result: Change) =>
    Object.fromEntries([...result.steps].map(([id, patch]) => [id, patch.status]));

  it.each([
    { kind: 'fail' as const, command: { kind: 'fail', error: 'x' } as ExecutionCommand },
    { kind: 'cancel' as const, command: { kind: 'cancel', reason: 'stop' } as ExecutionCommand },
  ])('$kind cancels every open step (running, waiting and pending) and leaves closed ones alone', ({ command }) => {
    const result = changed(applyExecutionCommand(execution('WAITING_APPROVAL'), mixed(), command, NOW));
    expect(patched(result)).toEqual({ running: 'CANCELLED', gate: 'CANCELLED', 'pending-a': 'CANCELLED', 'pending-b': 'CANCELLED' });
    for (const patch of result.steps.values()) expect(patch.finishedAt).toEqual(NOW);
    expect(result.events[0]!.data.settledSteps).toEqual({ CANCELLED: 4 });
  });

  it('timeout times out running and waiting steps and cancels pending ones', () => {
    const result = changed(applyExecutionCommand(execution('WAITING_APPROVAL'), mixed(), { kind: 'timeout' }, NOW));
    expect(patched(result)).toEqual({ running: 'TIMED_OUT', gate: 'TIMED_OUT', 'pending-a': 'CANCELLED', 'pending-b': 'CANCELLED' });
    for (const patch of result.steps.values()) expect(patch.finishedAt).toEqual(NOW);
    expect(result.events[0]!.data.settledSteps).toEqual({ TIMED_OUT: 2, CANCELLED: 2 });
  });

  it('complete skips pending steps and leaves closed ones alone', () => {
    const steps = [
      step('COMPLETED', { id: 'done', position: 0 }),
      step('FAILED', { id: 'failed', position: 1 }),
      step('PENDING', { id: 'pending-a', position: 2 }),
      step('PENDING', { id: 'pending-b', position: 3 }),
    ];
    const result = changed(applyExecutionCommand(execution('RUNNING'), steps, { kind: 'complete' }, NOW));
    expect(patched(result)).toEqual({ 'pending-a': 'SKIPPED', 'pending-b': 'SKIPPED' });
    for (const patch of result.steps.values()) expect(patch.finishedAt).toEqual(NOW);
    expect(result.execution).toEqual({ status: 'COMPLETED', finishedAt: NOW });
    expect(result.events).toEqual([{ type: 'EXECUTION_COMPLETED', data: { settledSteps: { SKIPPED: 2 } } }]);
  });

  it('complete with nothing left open settles nothing', () => {
    const result = changed(applyExecutionCommand(execution('RUNNING'), [step('COMPLETED')], { kind: 'complete' }, NOW));
    expect(result.steps.size).toBe(0);
    expect(result.events[0]!.data.settledSteps).toEqual({});
  });

  it.each(['RUNNING', 'WAITING_APPROVAL'] as const)('complete is refused while a step is %s', (open) => {
    const steps = [step('COMPLETED', { position: 0 }), step(open, { position: 1 }), step('PENDING', { position: 2 })];
    const error = domainErrorOf(() => applyExecutionCommand(execution('RUNNING'), steps, { kind: 'complete' }, NOW));
    expect(error.code).toBe('INVALID_TRANSITION');
    expect(error.message).toContain(`step 1 is still ${open}`);
  });

  it('an execution with no steps finishes without step patches', () => {
    for (const command of Object.values(EXECUTION_COMMANDS)) {
      const from: ExecutionStatus = command.kind === 'queue' || command.kind === 'start' ? 'PENDING' : 'RUNNING';
      expect(changed(applyExecutionCommand(execution(from), [], command, NOW)).steps.size).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Step commands x step statuses (execution RUNNING)
// ---------------------------------------------------------------------------------------------

type StepCommandName =
  | 'startStep'
  | 'reportProgress'
  | 'completeStep'
  | 'failStep'
  | 'failStepRetry'
  | 'skipStep'
  | 'requestApproval'
  | 'approve'
  | 'reject';

const STEP_COMMANDS: Record<StepCommandName, StepCommand> = {
  startStep: { kind: 'startStep' },
  reportProgress: { kind: 'reportProgress', percent: 50, message: 'half way' },
  completeStep: { kind: 'completeStep' },
  failStep: { kind: 'failStep', error: 'boom', retry: false },
  failStepRetry: { kind: 'failStep', error: 'boom', retry: true },
  skipStep: { kind: 'skipStep', reason: 'not needed' },
  requestApproval: { kind: 'requestApproval', approvers: ['alice'], message: 'ship it?' },
  approve: { kind: 'approve', by: 'alice', comment: 'go' },
  reject: { kind: 'reject', by: 'bob', comment: 'no' },
};

/**
 * Expected outcome with the execution RUNNING and the step in each status as `step(status)` builds it
 * (attempt 1, no decision, FAILED steps with error "boom").
 */
const STEP_MATRIX: Record<StepCommandName, Record<StepStatus, Outcome>> = {
  startStep: {
    PENDING: 'allowed', RUNNING: 'noop', WAITING_APPROVAL: 'refused', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  reportProgress: {
    PENDING: 'refused', RUNNING: 'allowed', WAITING_APPROVAL: 'refused', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  completeStep: {
    PENDING: 'refused', RUNNING: 'allowed', WAITING_APPROVAL: 'refused', COMPLETED: 'noop',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  failStep: {
    PENDING: 'allowed', RUNNING: 'allowed', WAITING_APPROVAL: 'refused', COMPLETED: 'refused',
    FAILED: 'noop', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  failStepRetry: {
    PENDING: 'refused', RUNNING: 'allowed', WAITING_APPROVAL: 'refused', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  skipStep: {
    PENDING: 'allowed', RUNNING: 'refused', WAITING_APPROVAL: 'refused', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'noop', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  requestApproval: {
    PENDING: 'allowed', RUNNING: 'allowed', WAITING_APPROVAL: 'noop', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  approve: {
    PENDING: 'refused', RUNNING: 'refused', WAITING_APPROVAL: 'allowed', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
  reject: {
    PENDING: 'refused', RUNNING: 'refused', WAITING_APPROVAL: 'allowed', COMPLETED: 'refused',
    FAILED: 'refused', SKIPPED: 'refused', CANCELLED: 'refused', TIMED_OUT: 'refused',
  },
};

/** The step status an allowed command leads to. */
const STEP_TARGET: Record<StepCommandName, { status?: StepStatus; event: string }> = {
  startStep: { status: 'RUNNING', event: 'STEP_STARTED' },
  reportProgress: { event: 'STEP_PROGRESS' },
  completeStep: { status: 'COMPLETED', event: 'STEP_COMPLETED' },
  failStep: { status: 'FAILED', event: 'STEP_FAILED' },
  failStepRetry: { status: 'PENDING', event: 'STEP_FAILED' },
  skipStep: { status: 'SKIPPED', event: 'STEP_SKIPPED' },
  requestApproval: { status: 'WAITING_APPROVAL', event: 'APPROVAL_REQUESTED' },
  approve: { status: 'COMPLETED', event: 'APPROVAL_APPROVED' },
  reject: { status: 'FAILED', event: 'APPROVAL_REJECTED' },
};

describe('applyStepCommand: every command in every step status (execution RUNNING)', () => {
  const cases = Object.entries(STEP_MATRIX).flatMap(([name, row]) =>
    STEP_STATUSES.map((status) => ({ name: name as StepCommandName, status, expected: row[status] })),
  );

  it('the matrix covers every command and every status', () => {
    expect(cases).toHaveLength(Object.keys(STEP_COMMANDS).length * STEP_STATUSES.length);
  });

  it.each(cases)('$name on a $status step is $expected', ({ name, status, expected }) => {
    const target = step(status, { position: 2, attempt: 1 });
    const steps = [step('COMPLETED', { position: 0 }), step('COMPLETED', { position: 1 }), target];
    const run = () => applyStepCommand(execution('RUNNING'), steps, target, STEP_COMMANDS[name], NOW);
    expect(outcomeOf(run)).toBe(expected);

    if (expected === 'allowed') {
      const result = changed(run());
      const goal = STEP_TARGET[name];
      expect([...result.steps.keys()]).toEqual([target.id]);
      if (goal.status) expect(result.steps.get(target.id)!.status).toBe(goal.status);
      expect(result.events).toHaveLength(1);
      expect(result.events[0]).toMatchObject({ type: goal.event, stepId: target.id, data: { position: 2, attempt: 1 } });
    }
    if (expected === 'refused') {
      expect(domainErrorOf(run).message).toMatch(/^Cannot /);
    }
  });

  it('startStep resets progress and stamps startedAt', () => {
    const pending = step('PENDING');
    const result = changed(applyStepCommand(execution('RUNNING'), [pending], pending, { kind: 'startStep' }, NOW));
    expect(result.steps.get(pending.id)).toEqual({ status: 'RUNNING', startedAt: NOW, finishedAt: null, progressPercent: 0, message: null });
    expect(result.execution).toEqual({});
  });

  it('completeStep sets 100% and reports the duration', () => {
    const running = step('RUNNING', { progressPercent: 30 });
    const result = changed(applyStepCommand(execution('RUNNING'), [running], running, { kind: 'completeStep' }, NOW));
    expect(result.steps.get(running.id)).toEqual({ status: 'COMPLETED', progressPercent: 100, finishedAt: NOW });
    expect(result.events[0]!.data.durationMs).toBe(NOW.getTime() - STARTED.getTime());
  });

  it('skipStep keeps the reason as the step message', () => {
    const pending = step('PENDING');
    const result = changed(applyStepCommand(execution('RUNNING'), [pending], pending, { kind: 'skipStep', reason: 'feature flag off' }, NOW));
    expect(result.steps.get(pending.id)).toEqual({ status: 'SKIPPED', finishedAt: NOW, message: 'feature flag off' });
    expect(result.events[0]!.data).toMatchObject({ reason: 'feature flag off' });
  });

  it('failStep with another error on a FAILED step is refused, not silently ignored', () => {
    const failed = step('FAILED', { error: 'boom' });
    const run = () => applyStepCommand(execution('RUNNING'), [failed], failed, { kind: 'failStep', error: 'other', retry: false }, NOW);
    expect(outcomeOf(run)).toBe('refused');
  });

  it('approve on a COMPLETED step that was approved is a no-op; reject on a REJECTED one too', () => {
    const approved = step('COMPLETED', { decision: 'APPROVED' });
    expect(applyStepCommand(execution('RUNNING'), [approved], approved, STEP_COMMANDS.approve, NOW)).toBeNull();
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [approved], approved, STEP_COMMANDS.reject, NOW))).toBe('refused');

    const rejected = step('FAILED', { decision: 'REJECTED', error: 'Rejected by bob: no' });
    expect(applyStepCommand(execution('RUNNING'), [rejected], rejected, STEP_COMMANDS.reject, NOW)).toBeNull();
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [rejected], rejected, STEP_COMMANDS.approve, NOW))).toBe('refused');
  });
});

// ---------------------------------------------------------------------------------------------
// Step commands when the execution is not RUNNING
// ---------------------------------------------------------------------------------------------

describe('applyStepCommand when the execution is not running', () => {
  /** What each command does to a step that is ready for it, by execution status. */
  const READY: Record<StepCommandName, StepStatus> = {
    startStep: 'PENDING',
    reportProgress: 'RUNNING',
    completeStep: 'RUNNING',
    failStep: 'RUNNING',
    failStepRetry: 'RUNNING',
    skipStep: 'PENDING',
    requestApproval: 'PENDING',
    approve: 'WAITING_APPROVAL',
    reject: 'WAITING_APPROVAL',
  };

  const beforeStart: Record<StepCommandName, Outcome> = {
    startStep: 'refused',
    reportProgress: 'refused',
    completeStep: 'refused',
    failStep: 'refused',
    failStepRetry: 'refused',
    skipStep: 'allowed', // a step can be skipped up front
    requestApproval: 'refused',
    approve: 'allowed',
    reject: 'allowed',
  };
  const paused: Record<StepCommandName, Outcome> = {
    startStep: 'refused', // no new step starts while the execution waits for approval
    reportProgress: 'allowed',
    completeStep: 'allowed',
    failStep: 'allowed',
    failStepRetry: 'allowed',
    skipStep: 'allowed',
    requestApproval: 'allowed',
    approve: 'allowed',
    reject: 'allowed',
  };

  const cases = [
    ...(['PENDING', 'QUEUED'] as const).flatMap((status) =>
      (Object.keys(READY) as StepCommandName[])
        // approve/reject need a WAITING_APPROVAL step, which cannot exist before the execution starts.
        .filter((name) => name !== 'approve' && name !== 'reject')
        .map((name) => ({ status, name, expected: beforeStart[name] })),
    ),
    ...(Object.keys(READY) as StepCommandName[]).map((name) => ({ status: 'WAITING_APPROVAL' as const, name, expected: paused[name] })),
  ];

  it.each(cases)('$name on a ready step of a $status execution is $expected', ({ status, name, expected }) => {
    const gate = step('WAITING_APPROVAL', { position: 0, id: 'gate' });
    const target = step(READY[name], { position: 1 });
    const steps = status === 'WAITING_APPROVAL' && READY[name] !== 'WAITING_APPROVAL' ? [gate, target] : [target];
    expect(outcomeOf(() => applyStepCommand(execution(status), steps, target, STEP_COMMANDS[name], NOW))).toBe(expected);
  });

  /** The statuses a step can really have once its execution is final (open steps were settled). */
  const SETTLED: readonly StepStatus[] = ['COMPLETED', 'FAILED', 'SKIPPED', 'CANCELLED', 'TIMED_OUT'];

  const finalCases = FINAL_EXECUTION_STATUSES.flatMap((status) =>
    (Object.keys(STEP_COMMANDS) as StepCommandName[]).flatMap((name) =>
      SETTLED.map((stepStatus) => ({ status, name, stepStatus, expected: STEP_MATRIX[name][stepStatus] })),
    ),
  );

  it.each(finalCases)(
    '$name on a $stepStatus step of a $status execution is $expected',
    ({ status, name, stepStatus, expected }) => {
      const target = step(stepStatus);
      expect(outcomeOf(() => applyStepCommand(execution(status), [target], target, STEP_COMMANDS[name], NOW))).toBe(expected);
    },
  );

  it.each(FINAL_EXECUTION_STATUSES)('every command that would change a step of a %s execution is refused', (status) => {
    for (const name of Object.keys(STEP_COMMANDS) as StepCommandName[]) {
      for (const stepStatus of ['PENDING', 'RUNNING'] as const) {
        const target = step(stepStatus);
        const outcome = outcomeOf(() => applyStepCommand(execution(status), [target], target, STEP_COMMANDS[name], NOW));
        expect.soft(outcome, `${name} on ${stepStatus} step`).not.toBe('allowed');
      }
    }
  });

  // Unreachable through the API (finishing settles waiting steps), but the rules refuse it too.
  it.each(FINAL_EXECUTION_STATUSES)('approve/reject of a waiting step of a %s execution is refused', (status) => {
    for (const name of ['approve', 'reject'] as const) {
      const target = step('WAITING_APPROVAL');
      expect(outcomeOf(() => applyStepCommand(execution(status), [target], target, STEP_COMMANDS[name], NOW))).toBe('refused');
    }
  });

  it.each(FINAL_EXECUTION_STATUSES)('skipping a pending step of a %s execution is refused', (status) => {
    const pending = step('PENDING');
    const error = domainErrorOf(() => applyStepCommand(execution(status), [pending], pending, STEP_COMMANDS.skipStep, NOW));
    expect(error.code).toBe('INVALID_TRANSITION');
    expect(error.message).toContain(`its execution is ${status}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

describe('failStep with retry', () => {
  const retry = (error = 'flaky'): StepCommand => ({ kind: 'failStep', error, retry: true });

  it('puts a running step back to PENDING with attempt + 1, clearing its run', () => {
    const running = step('RUNNING', { progressPercent: 60, message: 'uploading' });
    const result = changed(applyStepCommand(execution('RUNNING'), [running], running, retry(), NOW));
    expect(result.steps.get(running.id)).toEqual({
      status: 'PENDING',
      attempt: 2,
      error: 'flaky',
      startedAt: null,
      finishedAt: null,
      progressPercent: 0,
      message: null,
    });
    expect(result.execution).toEqual({});
    expect(result.events).toEqual([
      {
        type: 'STEP_FAILED',
        stepId: running.id,
        data: { position: 0, attempt: 1, error: 'flaky', retry: true, durationMs: NOW.getTime() - STARTED.getTime() },
      },
    ]);
  });

  it('a repeat of the same retry is a no-op; another error is refused', () => {
    const retried = step('PENDING', { attempt: 2, error: 'flaky', startedAt: null });
    expect(applyStepCommand(execution('RUNNING'), [retried], retried, retry('flaky'), NOW)).toBeNull();
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [retried], retried, retry('other'), NOW))).toBe('refused');
  });

  it('a retried step starts again and can be retried again (attempt 3), or fail for good', () => {
    let current = step('PENDING', { attempt: 2, error: 'flaky', startedAt: null });
    const apply = (command: StepCommand) => {
      const result = changed(applyStepCommand(execution('RUNNING'), [current], current, command, NOW));
      current = { ...current, ...result.steps.get(current.id) } as StepState;
      return result;
    };
    apply({ kind: 'startStep' });
    expect(current).toMatchObject({ status: 'RUNNING', attempt: 2 });
    const again = apply(retry('flaky'));
    expect(again.events[0]!.data).toMatchObject({ attempt: 2 });
    expect(current).toMatchObject({ status: 'PENDING', attempt: 3 });
    apply({ kind: 'startStep' });
    apply({ kind: 'failStep', error: 'gave up', retry: false });
    expect(current).toMatchObject({ status: 'FAILED', attempt: 3, error: 'gave up', finishedAt: NOW });
  });

  it('a first-attempt pending step cannot be retried but can be failed outright', () => {
    const pending = step('PENDING');
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [pending], pending, retry(), NOW))).toBe('refused');
    const failed = changed(applyStepCommand(execution('RUNNING'), [pending], pending, { kind: 'failStep', error: 'bad config', retry: false }, NOW));
    expect(failed.steps.get(pending.id)).toEqual({ status: 'FAILED', error: 'bad config', finishedAt: NOW });
    expect(failed.events[0]!.data).toMatchObject({ durationMs: null, retry: false });
  });

  it.each(['', '  '])('failStep with error %j is BAD_USER_INPUT', (error) => {
    const running = step('RUNNING');
    for (const retryFlag of [true, false]) {
      expectCode(() => applyStepCommand(execution('RUNNING'), [running], running, { kind: 'failStep', error, retry: retryFlag }, NOW), 'BAD_USER_INPUT');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Approvals
// ---------------------------------------------------------------------------------------------

describe('approvals', () => {
  it('requestApproval pauses the step and the execution', () => {
    const pending = step('PENDING');
    const result = changed(
      applyStepCommand(execution('RUNNING'), [pending], pending, { kind: 'requestApproval', approvers: ['alice', 'bob'], message: 'ship?' }, NOW),
    );
    expect(result.execution).toEqual({ status: 'WAITING_APPROVAL' });
    expect(result.steps.get(pending.id)).toEqual({ status: 'WAITING_APPROVAL', startedAt: NOW, message: 'ship?', approvers: ['alice', 'bob'] });
    expect(result.events[0]).toMatchObject({ type: 'APPROVAL_REQUESTED', data: { approvers: ['alice', 'bob'], message: 'ship?' } });
  });

  it('requestApproval on a running step keeps its start; a second gate leaves the paused execution alone', () => {
    const running = step('RUNNING');
    const first = changed(applyStepCommand(execution('RUNNING'), [running], running, STEP_COMMANDS.requestApproval, NOW));
    expect(first.steps.get(running.id)!.startedAt).toEqual(STARTED);

    const gate = step('WAITING_APPROVAL', { position: 0 });
    const second = step('PENDING', { position: 1 });
    const result = changed(applyStepCommand(execution('WAITING_APPROVAL'), [gate, second], second, STEP_COMMANDS.requestApproval, NOW));
    expect(result.execution).toEqual({});
  });

  it('approve completes the gate and resumes the execution when no other step waits', () => {
    const gate = step('WAITING_APPROVAL', { position: 1 });
    const steps = [step('COMPLETED', { position: 0 }), gate, step('PENDING', { position: 2 })];
    const result = changed(applyStepCommand(execution('WAITING_APPROVAL'), steps, gate, { kind: 'approve', by: 'alice', comment: 'go' }, NOW));
    expect(result.execution).toEqual({ status: 'RUNNING' });
    expect(result.steps.get(gate.id)).toEqual({ status: 'COMPLETED', decision: 'APPROVED', progressPercent: 100, finishedAt: NOW });
    expect(result.events).toEqual([
      {
        type: 'APPROVAL_APPROVED',
        stepId: gate.id,
        data: { position: 1, attempt: 1, by: 'alice', comment: 'go', decidedAt: NOW.toISOString() },
      },
    ]);
  });

  it.each(['approve', 'reject'] as const)('%s keeps the execution paused while another step still waits', (name) => {
    const gateA = step('WAITING_APPROVAL', { position: 0 });
    const gateB = step('WAITING_APPROVAL', { position: 1 });
    const result = changed(applyStepCommand(execution('WAITING_APPROVAL'), [gateA, gateB], gateA, STEP_COMMANDS[name], NOW));
    expect(result.execution).toEqual({});
    // ... and once the last gate is decided, it resumes.
    const decided = { ...gateA, ...result.steps.get(gateA.id) } as StepState;
    const last = changed(applyStepCommand(execution('WAITING_APPROVAL'), [decided, gateB], gateB, STEP_COMMANDS.approve, NOW));
    expect(last.execution).toEqual({ status: 'RUNNING' });
  });

  it('reject fails the gate with "Rejected by X: comment" and resumes the execution', () => {
    const gate = step('WAITING_APPROVAL');
    const result = changed(applyStepCommand(execution('WAITING_APPROVAL'), [gate], gate, { kind: 'reject', by: 'bob', comment: 'not today' }, NOW));
    expect(result.execution).toEqual({ status: 'RUNNING' });
    expect(result.steps.get(gate.id)).toEqual({ status: 'FAILED', decision: 'REJECTED', error: 'Rejected by bob: not today', finishedAt: NOW });
    expect(result.events[0]).toMatchObject({ type: 'APPROVAL_REJECTED', data: { by: 'bob', comment: 'not today' } });
  });

  it.each([null, ''])('reject without a comment (%j) is "Rejected by X"', (comment) => {
    const gate = step('WAITING_APPROVAL');
    const result = changed(applyStepCommand(execution('WAITING_APPROVAL'), [gate], gate, { kind: 'reject', by: 'bob', comment }, NOW));
    expect(result.steps.get(gate.id)!.error).toBe('Rejected by bob');
  });

  it('a decision on a gate of a RUNNING execution does not touch the execution', () => {
    const gate = step('WAITING_APPROVAL');
    expect(changed(applyStepCommand(execution('RUNNING'), [gate], gate, STEP_COMMANDS.approve, NOW)).execution).toEqual({});
  });

  it.each(['approve', 'reject'] as const)('%s with an empty "by" is BAD_USER_INPUT', (kind) => {
    const gate = step('WAITING_APPROVAL');
    for (const by of ['', '   ']) {
      expectCode(() => applyStepCommand(execution('WAITING_APPROVAL'), [gate], gate, { kind, by, comment: null }, NOW), 'BAD_USER_INPUT');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Progress reports
// ---------------------------------------------------------------------------------------------

describe('reportProgress', () => {
  const report = (percent: number, message: string | null = null): StepCommand => ({ kind: 'reportProgress', percent, message });

  it.each([Number.NaN, -1, -0.0001, 100.0001, 140, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'percent %s is BAD_USER_INPUT',
    (percent) => {
      const running = step('RUNNING');
      const error = domainErrorOf(() => applyStepCommand(execution('RUNNING'), [running], running, report(percent), NOW));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toMatchObject({ field: 'percent' });
    },
  );

  it.each([0, 0.5, 42.25, 100])('percent %s is accepted', (percent) => {
    const running = step('RUNNING', { progressPercent: 10 });
    const result = changed(applyStepCommand(execution('RUNNING'), [running], running, report(percent, 'working'), NOW));
    expect(result.steps.get(running.id)).toEqual({ progressPercent: percent, message: 'working' });
    expect(result.events[0]).toMatchObject({ type: 'STEP_PROGRESS', data: { percent, message: 'working' } });
  });

  it('repeating the same percent and message is a no-op; a new message is a change', () => {
    const running = step('RUNNING', { progressPercent: 40, message: 'compiling' });
    expect(applyStepCommand(execution('RUNNING'), [running], running, report(40, 'compiling'), NOW)).toBeNull();
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [running], running, report(40, 'linking'), NOW))).toBe('allowed');
    expect(outcomeOf(() => applyStepCommand(execution('RUNNING'), [running], running, report(41, 'compiling'), NOW))).toBe('allowed');
  });

  it('a running step may still report while another step waits for approval', () => {
    const gate = step('WAITING_APPROVAL', { position: 0 });
    const running = step('RUNNING', { position: 1 });
    expect(outcomeOf(() => applyStepCommand(execution('WAITING_APPROVAL'), [gate, running], running, report(70), NOW))).toBe('allowed');
  });
});

describe('free-text arguments', () => {
  const NOW = new Date('2026-01-01T00:00:00.000Z');
  const tooLong = 'x'.repeat(4_097);
  const codeOf = (run: () => unknown) => {
    try {
      run();
      return null;
    } catch (error) {
      return (error as DomainError).code;
    }
  };

  it('are refused past 4096 characters, with BAD_USER_INPUT, before anything changes', () => {
    expect(codeOf(() => applyExecutionCommand(execution('RUNNING'), [], { kind: 'fail', error: tooLong }, NOW))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => applyExecutionCommand(execution('RUNNING'), [], { kind: 'cancel', reason: tooLong }, NOW))).toBe('BAD_USER_INPUT');
    const running = step('RUNNING');
    expect(codeOf(() => applyStepCommand(execution('RUNNING'), [running], running, { kind: 'reportProgress', percent: 5, message: tooLong }, NOW))).toBe('BAD_USER_INPUT');
    const gate = step('WAITING_APPROVAL');
    expect(codeOf(() => applyStepCommand(execution('WAITING_APPROVAL'), [gate], gate, { kind: 'approve', by: 'alice', comment: tooLong }, NOW))).toBe('BAD_USER_INPUT');
    const pending = step('PENDING');
    const approvers = Array.from({ length: 101 }, (_, i) => `person-${i}`);
    expect(codeOf(() => applyStepCommand(execution('RUNNING'), [pending], pending, { kind: 'requestApproval', approvers, message: null }, NOW))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => applyExecutionCommand(execution('RUNNING'), [], { kind: 'fail', error: 'x'.repeat(4_096) }, NOW))).toBeNull();
  });
});

describe('breaches: SLA_BREACHED and TIMEOUT_BREACHED, once per execution', () => {
  // Started a minute before NOW.
  const running = (overrides: Partial<ExecutionState> = {}): ExecutionState => ({ ...execution('RUNNING'), startedAt: STARTED, ...overrides });

  it('records a running execution past its SLA or timeout as Runwatch\'s own observation', () => {
    expect(changed(applyExecutionCommand(running({ slaMs: 45_000 }), [], { kind: 'breachSla' }, NOW))).toEqual({
      execution: { slaBreachedAt: NOW },
      steps: new Map(),
      events: [{ type: 'SLA_BREACHED', data: { durationMs: 60_000, slaMs: 45_000, overMs: 15_000 } }],
      observed: true,
    });
    expect(changed(applyExecutionCommand(running({ status: 'WAITING_APPROVAL', timeoutMs: 59_000 }), [], { kind: 'breachTimeout' }, NOW)).events).toEqual([
      { type: 'TIMEOUT_BREACHED', data: { durationMs: 60_000, timeoutMs: 59_000, overMs: 1_000 } },
    ]);
  });

  it('records nothing within the limit, without a limit, twice, or for an execution that is not running', () => {
    expect(applyExecutionCommand(running({ slaMs: 60_000 }), [], { kind: 'breachSla' }, NOW)).toBeNull();
    expect(applyExecutionCommand(running(), [], { kind: 'breachSla' }, NOW)).toBeNull();
    expect(applyExecutionCommand(running({ slaMs: 1_000, slaBreachedAt: STARTED }), [], { kind: 'breachSla' }, NOW)).toBeNull();
    expect(applyExecutionCommand(running({ status: 'COMPLETED', timeoutMs: 1_000 }), [], { kind: 'breachTimeout' }, NOW)).toBeNull();
    expect(applyExecutionCommand({ ...execution('QUEUED'), slaMs: 1 }, [], { kind: 'breachSla' }, NOW)).toBeNull();
  });

  it('an execution finishing over its SLA records the breach before its final event, in the same change', () => {
    for (const command of [{ kind: 'complete' }, { kind: 'fail', error: 'x' }, { kind: 'cancel', reason: null }, { kind: 'timeout' }] as const) {
      const result = changed(applyExecutionCommand(running({ slaMs: 30_000 }), [], command, NOW));
      expect(result.execution.slaBreachedAt).toEqual(NOW);
      expect(result.events.map((e) => e.type)[0]).toBe('SLA_BREACHED');
      expect(result.events).toHaveLength(2);
      expect(result.observed).toBeUndefined();
    }
    expect(changed(applyExecutionCommand(running({ slaMs: 90_000 }), [], { kind: 'complete' }, NOW)).events.map((e) => e.type)).toEqual(['EXECUTION_COMPLETED']);
    expect(changed(applyExecutionCommand(running({ slaMs: 1_000, slaBreachedAt: STARTED }), [], { kind: 'complete' }, NOW)).events).toHaveLength(1);
    // Past its timeout when it finishes: the round watches open executions only.
    expect(changed(applyExecutionCommand(running({ timeoutMs: 1_000 }), [], { kind: 'complete' }, NOW)).events.map((e) => e.type)).toEqual(['EXECUTION_COMPLETED']);
  });
});
