import type { ExecutionStatus, StepStatus } from './lifecycle.js';

export interface ProgressExecution {
  id: string;
  status: ExecutionStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ProgressStep {
  id: string;
  position: number;
  status: StepStatus;
  progressPercent: number;
}

/** The part of progress that changes only when the execution or its steps change. */
export interface StepSummary<S extends ProgressStep = ProgressStep> {
  totalSteps: number;
  completedSteps: number;
  failedSteps: number;
  cancelledSteps: number;
  timedOutSteps: number;
  runningSteps: number;
  pendingSteps: number;
  skippedSteps: number;
  doneSteps: number;
  progressPercent: number;
  currentStep: S | null;
}

export interface Progress<S extends ProgressStep = ProgressStep> extends StepSummary<S> {
  executionId: string;
  status: ExecutionStatus;
  /** The seq of the execution's latest event this progress reflects. */
  seq: number;
  elapsedMs: number | null;
}

/**
 * The successful work of `steps` steps in `status`, in steps, their progressPercent adding up to
 * `percentSum`: done steps (completed, skipped) in full; running steps (waiting for approval
 * included), and those stopped when their execution ended (cancelled, timed out), by the percent
 * they reached; failed ones nothing.
 */
export function workOf(status: StepStatus, steps: number, percentSum: number): number {
  if (status === 'COMPLETED' || status === 'SKIPPED') return steps;
  if (status === 'RUNNING' || status === 'WAITING_APPROVAL' || status === 'CANCELLED' || status === 'TIMED_OUT') return Math.min(steps, Math.max(0, percentSum / 100));
  return 0;
}

/**
 * Step counts and percent of successful work (each step's by `workOf`, so stopping a run leaves its
 * percent where it stopped). Every step lands in exactly one status bucket (running counts steps
 * waiting for approval); done = completed or skipped. A COMPLETED execution is 100.
 */
export function summariseSteps<S extends ProgressStep>(status: ExecutionStatus, steps: readonly S[]): StepSummary<S> {
  const counts: Record<StepStatus, number> = {
    PENDING: 0, RUNNING: 0, WAITING_APPROVAL: 0, COMPLETED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0, TIMED_OUT: 0,
  };
  let work = 0;
  let current: S | null = null;
  let waiting: S | null = null;
  for (const step of steps) {
    counts[step.status]++;
    work += workOf(step.status, 1, step.progressPercent);
    if (step.status === 'RUNNING' && (!current || step.position < current.position)) current = step;
    if (step.status === 'WAITING_APPROVAL' && (!waiting || step.position < waiting.position)) waiting = step;
  }
  const total = steps.length;
  const percent = status === 'COMPLETED' ? 100 : total === 0 ? 0 : Math.min(100, (work / total) * 100);
  return {
    totalSteps: total,
    completedSteps: counts.COMPLETED,
    failedSteps: counts.FAILED,
    cancelledSteps: counts.CANCELLED,
    timedOutSteps: counts.TIMED_OUT,
    runningSteps: counts.RUNNING + counts.WAITING_APPROVAL,
    pendingSteps: counts.PENDING,
    skippedSteps: counts.SKIPPED,
    doneSteps: counts.COMPLETED + counts.SKIPPED,
    progressPercent: Math.round(percent * 100) / 100,
    currentStep: status === 'WAITING_APPROVAL' ? (waiting ?? current) : (current ?? waiting),
  };
}

/** Started -> finished, or -> now while it runs; null before it starts. */
export const elapsedMs = (execution: ProgressExecution, now: Date) =>
  execution.startedAt ? Math.max(0, (execution.finishedAt ?? now).getTime() - execution.startedAt.getTime()) : null;
