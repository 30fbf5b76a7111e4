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
  runningSteps: number;
  pendingSteps: number;
  skippedSteps: number;
  progressPercent: number;
  currentStep: S | null;
}

export interface Progress<S extends ProgressStep = ProgressStep> extends StepSummary<S> {
  executionId: string;
  status: ExecutionStatus;
  elapsedMs: number | null;
}

/**
 * Step counts and percent done. Every step lands in exactly one bucket: running counts steps waiting
 * for approval, failed counts timed-out ones, skipped counts cancelled ones. Completed, failed,
 * timed-out and skipped steps count as done, running ones are credited with their self-reported
 * percent; cancelled steps never did their work, so a stopped execution's percent stays where it
 * stopped. A COMPLETED execution is 100.
 */
export function summariseSteps<S extends ProgressStep>(status: ExecutionStatus, steps: readonly S[]): StepSummary<S> {
  let completed = 0;
  let failed = 0;
  let running = 0;
  let pending = 0;
  let skipped = 0;
  let done = 0;
  let current: S | null = null;
  let waiting: S | null = null;
  for (const step of steps) {
    switch (step.status) {
      case 'COMPLETED':
        completed++;
        done += 1;
        break;
      case 'FAILED':
      case 'TIMED_OUT':
        failed++;
        done += 1;
        break;
      case 'SKIPPED':
        skipped++;
        done += 1;
        break;
      case 'CANCELLED':
        skipped++;
        break;
      case 'RUNNING':
        running++;
        done += Math.min(100, Math.max(0, step.progressPercent)) / 100;
        if (!current || step.position < current.position) current = step;
        break;
      case 'WAITING_APPROVAL':
        running++;
        if (!waiting || step.position < waiting.position) waiting = step;
        break;
      case 'PENDING':
        pending++;
        break;
    }
  }
  const total = steps.length;
  const percent = status === 'COMPLETED' ? 100 : total === 0 ? 0 : Math.min(100, (done / total) * 100);
  return {
    totalSteps: total,
    completedSteps: completed,
    failedSteps: failed,
    runningSteps: running,
    pendingSteps: pending,
    skippedSteps: skipped,
    progressPercent: Math.round(percent * 100) / 100,
    currentStep: status === 'WAITING_APPROVAL' ? (waiting ?? current) : (current ?? waiting),
  };
}

/** Started -> finished, or -> now while it runs; null before it starts. */
export const elapsedMs = (execution: ProgressExecution, now: Date) =>
  execution.startedAt ? Math.max(0, (execution.finishedAt ?? now).getTime() - execution.startedAt.getTime()) : null;
