import { badInput, DomainError, invalidTransition } from '../errors.js';

export const EXECUTION_STATUSES = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'WAITING_APPROVAL',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const STEP_STATUSES = [
  'PENDING',
  'RUNNING',
  'WAITING_APPROVAL',
  'COMPLETED',
  'FAILED',
  'SKIPPED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const EVENT_TYPES = [
  'EXECUTION_CREATED',
  'EXECUTION_QUEUED',
  'EXECUTION_STARTED',
  'EXECUTION_COMPLETED',
  'EXECUTION_FAILED',
  'EXECUTION_CANCELLED',
  'EXECUTION_TIMEOUT',
  'STEP_STARTED',
  'STEP_PROGRESS',
  'STEP_COMPLETED',
  'STEP_FAILED',
  'STEP_SKIPPED',
  'APPROVAL_REQUESTED',
  'APPROVAL_APPROVED',
  'APPROVAL_REJECTED',
  'SLA_BREACHED',
  'TIMEOUT_BREACHED',
  'SYSTEM_HEALTH',
  'SYSTEM_ALERT',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const FINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
];
export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'QUEUED',
  'RUNNING',
  'WAITING_APPROVAL',
];
/** Steps that have not reached a final status yet. */
export const OPEN_STEP_STATUSES: readonly StepStatus[] = ['PENDING', 'RUNNING', 'WAITING_APPROVAL'];

export const isFinal = (status: ExecutionStatus) => FINAL_EXECUTION_STATUSES.includes(status);
export const isFinalStep = (status: StepStatus) => !OPEN_STEP_STATUSES.includes(status);

/** The part of an execution the rules look at. */
export interface ExecutionState {
  id: string;
  status: ExecutionStatus;
  error: string | null;
  startedAt: Date | null;
  slaMs: number | null;
  timeoutMs: number | null;
  slaBreachedAt: Date | null;
  timeoutBreachedAt: Date | null;
}

export interface StepState {
  id: string;
  position: number;
  status: StepStatus;
  progressPercent: number;
  message: string | null;
  attempt: number;
  error: string | null;
  decision: 'APPROVED' | 'REJECTED' | null;
  /** Who may decide the approval it waits for; null: anyone. */
  approvers: string[] | null;
  startedAt: Date | null;
}

export type ExecutionPatch = Partial<{
  status: ExecutionStatus;
  error: string | null;
  queuedAt: Date;
  startedAt: Date;
  finishedAt: Date;
  slaBreachedAt: Date;
  timeoutBreachedAt: Date;
}>;

export type StepPatch = Partial<{
  status: StepStatus;
  progressPercent: number;
  message: string | null;
  attempt: number;
  error: string | null;
  decision: 'APPROVED' | 'REJECTED' | null;
  approvers: string[] | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}>;

export interface NewEvent {
  type: EventType;
  stepId?: string;
  data: Record<string, unknown>;
}

/** What one command changes; `null` when its effect already holds (an idempotent repeat). */
export interface Change {
  execution: ExecutionPatch;
  steps: Map<string, StepPatch>;
  events: NewEvent[];
  /** Runwatch's own observation, not a report from the engine: the engine's last report time stays. */
  observed?: true;
}

export type ExecutionCommand =
  | { kind: 'queue' }
  | { kind: 'start' }
  | { kind: 'complete' }
  | { kind: 'fail'; error: string }
  | { kind: 'cancel'; reason: string | null }
  | { kind: 'timeout' };

/** Runwatch's own commands, never an engine's: the alert round records a running execution past its SLA or timeout. */
export type ObservationCommand = { kind: 'breachSla' } | { kind: 'breachTimeout' };

export type StepCommand =
  | { kind: 'startStep' }
  | { kind: 'reportProgress'; percent: number; message: string | null }
  | { kind: 'completeStep' }
  | { kind: 'failStep'; error: string; retry: boolean }
  | { kind: 'skipStep'; reason: string | null }
  | { kind: 'requestApproval'; approvers: string[]; message: string | null }
  | { kind: 'approve'; by: string; comment: string | null }
  | { kind: 'reject'; by: string; comment: string | null };

const change = (execution: ExecutionPatch, events: NewEvent[], steps = new Map<string, StepPatch>()): Change => ({
  execution,
  steps,
  events,
});

/** Free-text arguments (errors, reasons, messages, comments, names) have a sane maximum. */
export const MAX_TEXT_LENGTH = 4_096;

function checkText(field: string, value: string | null | undefined) {
  if (value && value.length > MAX_TEXT_LENGTH) {
    throw badInput(`${field} must be at most ${MAX_TEXT_LENGTH} characters`, { field });
  }
}

function checkCommandText(command: ExecutionCommand | ObservationCommand | StepCommand) {
  for (const [field, value] of Object.entries(command)) {
    if (typeof value === 'string') checkText(field, value);
    if (Array.isArray(value)) {
      if (value.length > 100) throw badInput(`${field} may name at most 100 entries`, { field });
      for (const item of value) checkText(field, String(item));
    }
  }
}

function refuse(action: string, what: string, status: string): never {
  throw invalidTransition(`Cannot ${action}: ${what} is ${status}`, { status });
}

/** Settles the open steps of an execution that is finishing, the way its final status says. */
function settleOpenSteps(steps: StepState[], running: StepStatus, pending: StepStatus, now: Date) {
  const patches = new Map<string, StepPatch>();
  for (const step of steps) {
    if (!OPEN_STEP_STATUSES.includes(step.status)) continue;
    const status = step.status === 'PENDING' ? pending : running;
    patches.set(step.id, { status, finishedAt: now });
  }
  return patches;
}

function settledSummary(patches: Map<string, StepPatch>) {
  const counts: Record<string, number> = {};
  for (const patch of patches.values()) counts[patch.status!] = (counts[patch.status!] ?? 0) + 1;
  return counts;
}

/**
 * Applies an execution-level command. Returns the change to write, `null` for a repeat whose effect
 * already holds, or throws INVALID_TRANSITION / BAD_USER_INPUT.
 */
export function applyExecutionCommand(
  execution: ExecutionState,
  steps: StepState[],
  command: ExecutionCommand | ObservationCommand,
  now: Date,
): Change | null {
  checkCommandText(command);
  const { status } = execution;
  switch (command.kind) {
    case 'queue':
      if (status === 'QUEUED') return null;
      if (status !== 'PENDING') refuse('queue the execution', 'it', status);
      return change({ status: 'QUEUED', queuedAt: now }, [{ type: 'EXECUTION_QUEUED', data: {} }]);

    case 'start':
      if (status === 'RUNNING' || status === 'WAITING_APPROVAL') return null;
      if (status !== 'PENDING' && status !== 'QUEUED') refuse('start the execution', 'it', status);
      return change({ status: 'RUNNING', startedAt: now }, [{ type: 'EXECUTION_STARTED', data: {} }]);

    case 'complete': {
      if (status === 'COMPLETED') return null;
      if (status !== 'RUNNING') refuse('complete the execution', 'it', status);
      const unfinished = steps.filter((s) => s.status === 'RUNNING' || s.status === 'WAITING_APPROVAL');
      if (unfinished.length > 0) {
        throw invalidTransition(
          `Cannot complete the execution: step ${unfinished[0]!.position} is still ${unfinished[0]!.status}`,
          { runningSteps: unfinished.length },
        );
      }
      const settled = settleOpenSteps(steps, 'SKIPPED', 'SKIPPED', now);
      return finishing(
        execution,
        change({ status: 'COMPLETED', finishedAt: now }, [{ type: 'EXECUTION_COMPLETED', data: { settledSteps: settledSummary(settled) } }], settled),
        now,
      );
    }

    case 'fail':
    case 'cancel':
    case 'timeout': {
      const target: ExecutionStatus =
        command.kind === 'fail' ? 'FAILED' : command.kind === 'cancel' ? 'CANCELLED' : 'TIMED_OUT';
      if (status === target) return null;
      if (isFinal(status)) refuse(`${command.kind} the execution`, 'it', status);
      if (command.kind === 'fail' && command.error.trim() === '') throw badInput('error must not be empty');
      const settled =
        command.kind === 'timeout'
          ? settleOpenSteps(steps, 'TIMED_OUT', 'CANCELLED', now)
          : settleOpenSteps(steps, 'CANCELLED', 'CANCELLED', now);
      const error =
        command.kind === 'fail' ? command.error : command.kind === 'cancel' ? command.reason : 'Timed out';
      const type =
        command.kind === 'fail' ? 'EXECUTION_FAILED' : command.kind === 'cancel' ? 'EXECUTION_CANCELLED' : 'EXECUTION_TIMEOUT';
      const data: Record<string, unknown> = { settledSteps: settledSummary(settled) };
      if (command.kind === 'fail') data.error = command.error;
      if (command.kind === 'cancel') data.reason = command.reason;
      return finishing(execution, change({ status: target, error, finishedAt: now }, [{ type, data }], settled), now);
    }

    case 'breachSla':
    case 'breachTimeout': {
      const found = status === 'RUNNING' || status === 'WAITING_APPROVAL' ? breach(execution, command.kind === 'breachSla' ? 'sla' : 'timeout', now) : null;
      return found && { ...change(found.patch, [found.event]), observed: true };
    }
  }
}

/**
 * The SLA_BREACHED (or TIMEOUT_BREACHED) event of an execution whose running time at `now` is past
 * its SLA (timeout), unless it has one already: once per execution.
 */
function breach(execution: ExecutionState, kind: 'sla' | 'timeout', now: Date): { patch: ExecutionPatch; event: NewEvent } | null {
  const limitMs = kind === 'sla' ? execution.slaMs : execution.timeoutMs;
  const recorded = kind === 'sla' ? execution.slaBreachedAt : execution.timeoutBreachedAt;
  if (recorded || limitMs === null || !execution.startedAt) return null;
  const durationMs = now.getTime() - execution.startedAt.getTime();
  if (durationMs <= limitMs) return null;
  const overMs = durationMs - limitMs;
  return kind === 'sla'
    ? { patch: { slaBreachedAt: now }, event: { type: 'SLA_BREACHED', data: { durationMs, slaMs: limitMs, overMs } } }
    : { patch: { timeoutBreachedAt: now }, event: { type: 'TIMEOUT_BREACHED', data: { durationMs, timeoutMs: limitMs, overMs } } };
}

/** An execution that finishes over its SLA records the breach in the same change, before its final event. */
function finishing(execution: ExecutionState, final: Change, now: Date): Change {
  const found = breach(execution, 'sla', now);
  if (!found) return final;
  return { ...final, execution: { ...final.execution, ...found.patch }, events: [found.event, ...final.events] };
}

function requireExecution(execution: ExecutionState, action: string, allowed: ExecutionStatus[]) {
  if (!allowed.includes(execution.status)) refuse(action, 'its execution', execution.status);
}

/** Applies a step-level command; same contract as `applyExecutionCommand`. */
export function applyStepCommand(
  execution: ExecutionState,
  steps: StepState[],
  step: StepState,
  command: StepCommand,
  now: Date,
): Change | null {
  checkCommandText(command);
  const s = step.status;
  const stepRef = { position: step.position, attempt: step.attempt };
  const durationMs = (startedAt: Date | null) => (startedAt ? now.getTime() - startedAt.getTime() : null);

  switch (command.kind) {
    case 'startStep':
      if (s === 'RUNNING') return null;
      if (s !== 'PENDING') refuse('start the step', 'it', s);
      requireExecution(execution, 'start the step', ['RUNNING']);
      return change({}, [{ type: 'STEP_STARTED', stepId: step.id, data: stepRef }], new Map([
        [step.id, { status: 'RUNNING', startedAt: now, finishedAt: null, progressPercent: 0, message: null }],
      ]));

    case 'reportProgress': {
      const { percent, message } = command;
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        throw badInput(`percent must be between 0 and 100, got ${percent}`, { field: 'percent' });
      }
      if (s !== 'RUNNING') refuse('report progress', 'the step', s);
      requireExecution(execution, 'report progress', ['RUNNING', 'WAITING_APPROVAL']);
      if (step.progressPercent === percent && step.message === message) return null;
      return change({}, [{ type: 'STEP_PROGRESS', stepId: step.id, data: { ...stepRef, percent, message } }], new Map([
        [step.id, { progressPercent: percent, message }],
      ]));
    }

    case 'completeStep':
      if (s === 'COMPLETED') return null;
      if (s !== 'RUNNING') refuse('complete the step', 'it', s);
      requireExecution(execution, 'complete the step', ['RUNNING', 'WAITING_APPROVAL']);
      return change({}, [{ type: 'STEP_COMPLETED', stepId: step.id, data: { ...stepRef, durationMs: durationMs(step.startedAt) } }], new Map([
        [step.id, { status: 'COMPLETED', progressPercent: 100, finishedAt: now }],
      ]));

    case 'failStep': {
      const { error, retry } = command;
      if (error.trim() === '') throw badInput('error must not be empty', { field: 'error' });
      if (!retry && s === 'FAILED' && step.error === error) return null;
      if (retry && s === 'PENDING' && step.attempt > 1 && step.error === error) return null;
      const canFail = s === 'RUNNING' || (s === 'PENDING' && !retry);
      if (!canFail) refuse(retry ? 'retry the step' : 'fail the step', 'it', s);
      requireExecution(execution, 'fail the step', ['RUNNING', 'WAITING_APPROVAL']);
      const event: NewEvent = {
        type: 'STEP_FAILED',
        stepId: step.id,
        data: { ...stepRef, error, retry, durationMs: durationMs(step.startedAt) },
      };
      const patch: StepPatch = retry
        ? { status: 'PENDING', attempt: step.attempt + 1, error, startedAt: null, finishedAt: null, progressPercent: 0, message: null }
        : { status: 'FAILED', error, finishedAt: now };
      return change({}, [event], new Map([[step.id, patch]]));
    }

    case 'skipStep':
      if (s === 'SKIPPED') return null;
      if (s !== 'PENDING') refuse('skip the step', 'it', s);
      if (isFinal(execution.status)) refuse('skip the step', 'its execution', execution.status);
      return change({}, [{ type: 'STEP_SKIPPED', stepId: step.id, data: { ...stepRef, reason: command.reason } }], new Map([
        [step.id, { status: 'SKIPPED', finishedAt: now, message: command.reason }],
      ]));

    case 'requestApproval': {
      if (command.approvers.some((a) => a.trim() === '')) throw badInput('approvers must not be blank', { field: 'approvers' });
      const approvers = [...new Set(command.approvers)];
      if (s === 'WAITING_APPROVAL') return null;
      if (s !== 'PENDING' && s !== 'RUNNING') refuse('request approval', 'the step', s);
      requireExecution(execution, 'request approval', ['RUNNING', 'WAITING_APPROVAL']);
      return change(
        execution.status === 'WAITING_APPROVAL' ? {} : { status: 'WAITING_APPROVAL' },
        [{ type: 'APPROVAL_REQUESTED', stepId: step.id, data: { ...stepRef, approvers, message: command.message } }],
        new Map([[step.id, { status: 'WAITING_APPROVAL', startedAt: step.startedAt ?? now, message: command.message, approvers: approvers.length ? approvers : null }]]),
      );
    }

    case 'approve':
    case 'reject': {
      const approved = command.kind === 'approve';
      if (command.by.trim() === '') throw badInput('by must not be empty', { field: 'by' });
      if (step.approvers && !step.approvers.includes(command.by)) {
        throw new DomainError('FORBIDDEN', `"${command.by.slice(0, 200)}" is not among the approvers of this step`, { field: 'by', reason: 'NOT_AN_APPROVER', approvers: step.approvers });
      }
      const decided = approved ? 'APPROVED' : 'REJECTED';
      if (step.decision === decided && s === (approved ? 'COMPLETED' : 'FAILED')) return null;
      if (s !== 'WAITING_APPROVAL') refuse(approved ? 'approve the step' : 'reject the step', 'it', s);
      requireExecution(execution, approved ? 'approve the step' : 'reject the step', ['RUNNING', 'WAITING_APPROVAL']);
      const othersWaiting = steps.some((o) => o.id !== step.id && o.status === 'WAITING_APPROVAL');
      const resume = execution.status === 'WAITING_APPROVAL' && !othersWaiting;
      const decision = { by: command.by, comment: command.comment, decidedAt: now.toISOString() };
      const rejection = `Rejected by ${command.by}${command.comment ? `: ${command.comment}` : ''}`;
      const patch: StepPatch = approved
        ? { status: 'COMPLETED', decision: decided, progressPercent: 100, finishedAt: now }
        : { status: 'FAILED', decision: decided, error: rejection, finishedAt: now };
      return change(
        resume ? { status: 'RUNNING' } : {},
        [{ type: approved ? 'APPROVAL_APPROVED' : 'APPROVAL_REJECTED', stepId: step.id, data: { ...stepRef, ...decision } }],
        new Map([[step.id, patch]]),
      );
    }
  }
}
