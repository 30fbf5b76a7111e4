import type { Json } from './api.js';

/** 850 ms, 2.6 s, 4m 05s, 2h 10m: precise where it is short. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(1)}%`);

/** Step counts as the progress model reads them: done (completed or skipped) of all, then the stopped ones. */
export function stepCounts(p: Json): string {
  const stopped: [number, string][] = [[p.failedSteps, 'failed'], [p.cancelledSteps, 'cancelled'], [p.timedOutSteps, 'timed out']];
  return [`${p.doneSteps}/${p.totalSteps} done`, ...stopped.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`)].join(', ');
}

export const time = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '—');
export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
export const ago = (iso: string | null | undefined, now = Date.now()) => (iso ? `${duration(Math.max(0, now - new Date(iso).getTime()))} ago` : '—');

export const words = (constant: string) => constant.toLowerCase().replace(/_/g, ' ');

/** How an execution is named in sentences: its workflow and the engine's id, else the start of ours. */
export function executionName(execution: Json | null | undefined, fallbackId?: string | null): string {
  if (!execution) return fallbackId ? `execution ${fallbackId.slice(-6)}` : 'an execution';
  return `${execution.workflow} ${execution.externalId ? `#${execution.externalId}` : execution.id.slice(-6)}`;
}

const clause = (text: unknown) => (text === null || text === undefined || text === '' ? '' : `: ${text}`);

/** An event as a sentence: "deploy #42: step build failed, attempt 2: exit 1 (retrying)". */
export function sentence(event: Json, withExecution = true): string {
  const d: Json = event.data ?? {};
  const step = `step ${event.step?.name ?? (d.position === undefined ? '?' : `#${d.position + 1}`)}`;
  const attempt = d.attempt > 1 ? `, attempt ${d.attempt}` : '';
  const what = ((): string => {
    switch (event.type) {
      case 'EXECUTION_CREATED':
        return `created with ${d.steps ?? 0} step${d.steps === 1 ? '' : 's'}`;
      case 'EXECUTION_QUEUED':
        return 'queued';
      case 'EXECUTION_STARTED':
        return 'started';
      case 'EXECUTION_COMPLETED':
        return 'completed';
      case 'EXECUTION_FAILED':
        return `failed${clause(d.error)}`;
      case 'EXECUTION_CANCELLED':
        return `cancelled${clause(d.reason)}`;
      case 'EXECUTION_TIMEOUT':
        return 'timed out';
      case 'STEP_STARTED':
        return `${step} started${attempt}`;
      case 'STEP_PROGRESS':
        return `${step} at ${Math.round(d.percent ?? 0)}%${clause(d.message)}`;
      case 'STEP_COMPLETED':
        return `${step} completed${attempt} in ${duration(d.durationMs)}`;
      case 'STEP_FAILED':
        return `${step} failed${attempt}${clause(d.error)}${d.retry ? ' (will retry)' : ''}`;
      case 'STEP_SKIPPED':
        return `${step} skipped${clause(d.reason)}`;
      case 'APPROVAL_REQUESTED':
        return `${step} waits for approval${d.approvers?.length ? ` by ${d.approvers.join(' or ')}` : ''}${clause(d.message)}`;
      case 'APPROVAL_APPROVED':
        return `${step} approved by ${d.by}${clause(d.comment)}`;
      case 'APPROVAL_REJECTED':
        return `${step} rejected by ${d.by}${clause(d.comment)}`;
      case 'SLA_BREACHED':
        return `ran past its ${duration(d.slaMs)} SLA (${duration(d.durationMs)} so far)`;
      case 'TIMEOUT_BREACHED':
        return `ran past its ${duration(d.timeoutMs)} timeout`;
      case 'SYSTEM_HEALTH': {
        const unwell = (d.components ?? []).filter((c: Json) => c.status !== 'HEALTHY');
        return `health ${words(d.status ?? 'unknown')}${unwell.length ? `: ${unwell.map((c: Json) => `${c.component} ${words(c.status)} (${c.message})`).join('; ')}` : ''}`;
      }
      case 'SYSTEM_ALERT':
        return `alert ${d.rule} ${words(d.status ?? '')}${clause(d.message)}`;
      default:
        return words(event.type);
    }
  })();
  if (!event.executionId || !withExecution) return what;
  return `${executionName(event.execution, event.executionId)}: ${what}`;
}

export const isFailure = (type: string) => /FAILED|REJECTED|TIMEOUT|BREACHED|CANCELLED/.test(type);
