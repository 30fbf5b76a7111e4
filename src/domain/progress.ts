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

export interface Progress<S extends ProgressStep = ProgressStep> {
  executionId: string;
  status: ExecutionStatus;
  totalSteps: number;
  completedSteps: number;
  failedSteps: number;
  runningSteps: number;
  pendingSteps: number;
  skippedSteps: number;
  progressPercent: number;
  currentStep: S | null;
  elapsedMs: number | null;
}

/**
 * Step counts and percent done. Every step lands in exactly one bucket: running counts steps waiting
 * for approval, failed counts timed-out ones, skipped counts cancelled ones. Finished steps count as
 * done; running ones are credited with their self-reported percent.
 */
export function computeProgress<S extends ProgressStep>(
  execution: ProgressExecution,
  steps: readonly S[],
  now: Date,
): Progress<S> {
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
      case 'CANCELLED':
        skipped++;
        done += 1;
        break;
      case 'RUNNING':
        running++;
        done += step.progressPercent / 100;
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
  const percent =
    execution.status === 'COMPLETED' ? 100 : total === 0 ? 0 : Math.min(100, (done / total) * 100);
  const end = execution.finishedAt ?? now;
  return {
    executionId: execution.id,
    status: execution.status,
    totalSteps: total,
    completedSteps: completed,
    failedSteps: failed,
    runningSteps: running,
    pendingSteps: pending,
    skippedSteps: skipped,
    progressPercent: Math.round(percent * 100) / 100,
    currentStep: execution.status === 'WAITING_APPROVAL' ? (waiting ?? current) : (current ?? waiting),
    elapsedMs: execution.startedAt ? Math.max(0, end.getTime() - execution.startedAt.getTime()) : null,
  };
}
