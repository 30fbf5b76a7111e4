/**
 * What each alert rule finds, from the rows its query read and the thresholds it is given: pure
 * functions, one per rule (src/services/alert-rules.ts pairs each with its query).
 */
import type { AlertSeverity, Finding } from './alerts.js';
import type { ComponentHealth } from './health.js';

/** The thresholds the rules judge by (today from the environment, the same for every namespace). */
export interface AlertSettings {
  rateWindowMs: number;
  /** Rates are judged only with at least this many finished executions in the window. */
  minSample: number;
  /** Percent. */
  timeoutRate: number;
  /** Percent. */
  failureRate: number;
  queueDepth: number;
  stuckExecutionMs: number;
  /** Per-execution rules report at most this many executions per round. */
  maxPerRule: number;
}

/** Executions of one namespace that finished within the rate window, by outcome. */
export interface NamespaceOutcomes {
  namespace: string;
  finished: number;
  failed: number;
  timedOut: number;
}

export interface QueueDepth {
  namespace: string;
  depth: number;
}

/** A running execution that has reported nothing for a while. */
export interface SilentExecution {
  id: string;
  namespace: string;
  workflow: string;
  updatedAt: Date;
}

/** An execution with an SLA that it broke, running or recently finished. */
export interface LateExecution {
  id: string;
  namespace: string;
  workflow: string;
  slaMs: number;
  startedAt: Date;
  finishedAt: Date | null;
}

/** The rate (percent) and whether it breaches: only with enough finished executions to judge. */
export function rateBreach(count: number, finished: number, t: { threshold: number; minSample: number }) {
  if (finished < t.minSample || finished === 0) return null;
  const rate = (100 * count) / finished;
  if (rate <= t.threshold) return null;
  return { rate, severity: (rate >= 2 * t.threshold ? 'CRITICAL' : 'WARNING') as AlertSeverity };
}

function rateFindings(rows: readonly NamespaceOutcomes[], count: 'failed' | 'timedOut', threshold: number, minSample: number, outcome: string): Finding[] {
  const findings: Finding[] = [];
  for (const row of rows) {
    const breach = rateBreach(row[count], row.finished, { threshold, minSample });
    if (!breach) continue;
    const message = `${breach.rate.toFixed(1)}% of ${row.finished} recent executions ${outcome}`;
    findings.push({ namespace: row.namespace, subject: '', severity: breach.severity, message, value: breach.rate, threshold });
  }
  return findings;
}

export const highTimeoutRate = (rows: readonly NamespaceOutcomes[], s: AlertSettings) =>
  rateFindings(rows, 'timedOut', s.timeoutRate, s.minSample, 'timed out');

export const highFailureRate = (rows: readonly NamespaceOutcomes[], s: AlertSettings) =>
  rateFindings(rows, 'failed', s.failureRate, s.minSample, 'failed');

export function highQueueDepth(rows: readonly QueueDepth[], s: AlertSettings): Finding[] {
  return rows
    .filter((q) => q.depth > s.queueDepth)
    .map((q) => ({
      namespace: q.namespace,
      subject: '',
      severity: q.depth > s.queueDepth * 5 ? 'CRITICAL' : 'WARNING',
      message: `${q.depth} executions are queued`,
      value: q.depth,
      threshold: s.queueDepth,
    }));
}

export function unhealthyComponents(components: readonly ComponentHealth[]): Finding[] {
  return components
    .filter((c) => c.status === 'UNHEALTHY')
    .map((c) => ({
      namespace: null,
      subject: c.component,
      severity: 'CRITICAL',
      message: `${c.component} is unhealthy: ${c.message}`,
      value: c.observedValue,
      threshold: c.threshold,
    }));
}

export function stuckExecutions(rows: readonly SilentExecution[], s: AlertSettings, now: Date): Finding[] {
  return rows.map((e) => {
    const silentMs = now.getTime() - e.updatedAt.getTime();
    return {
      namespace: e.namespace,
      subject: e.id,
      severity: 'WARNING',
      message: `${e.workflow} execution ${e.id} has reported nothing for ${Math.round(silentMs / 1000)} s`,
      value: silentMs,
      threshold: s.stuckExecutionMs,
    };
  });
}

export function slaViolations(rows: readonly LateExecution[], _s: AlertSettings, now: Date): Finding[] {
  return rows.map((e) => {
    const durationMs = (e.finishedAt ?? now).getTime() - e.startedAt.getTime();
    const ran = e.finishedAt ? 'took' : 'has run for';
    return {
      namespace: e.namespace,
      subject: e.id,
      severity: 'WARNING',
      message: `${e.workflow} execution ${e.id} ${ran} ${Math.round(durationMs / 1000)} s, over its ${Math.round(e.slaMs / 1000)} s SLA`,
      value: durationMs,
      threshold: e.slaMs,
    };
  });
}
