/**
 * What each alert rule finds, from the rows its query read and its settings in each namespace:
 * pure functions, one per rule (src/services/alert-rules.ts pairs each with its query).
 */
import type { RuleSettings } from './alert-settings.js';
import type { AlertSeverity, Finding } from './alerts.js';
import { formatDuration } from './durations.js';
import type { ComponentHealth } from './health.js';

/** A rule's settings in a namespace (null: system-wide). */
export type SettingsOf = (namespace: string | null) => RuleSettings;

/** Executions of one namespace that finished within the rule's window, by outcome. */
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

/** Per namespace and workflow: the breaches (SLA or timeout) of the window that no resolved alert has counted. */
export interface BreachGroup {
  namespace: string;
  workflow: string;
  breached: number;
  /** Those no alert has counted yet. */
  uncounted: number;
  worstOverMs: number;
  /** The SLA or timeout of the worst one. */
  worstLimitMs: number;
}

/** Per namespace and workflow: running executions that have reported nothing for the window. */
export interface SilentGroup {
  namespace: string;
  workflow: string;
  silent: number;
  longestSilentMs: number;
}

const ESCALATED: Record<AlertSeverity, AlertSeverity> = { INFO: 'WARNING', WARNING: 'CRITICAL', CRITICAL: 'CRITICAL' };

/** The rate (percent) and whether it breaches: only with enough finished executions to judge. */
export function rateBreach(count: number, finished: number, s: RuleSettings) {
  const threshold = s.threshold!;
  if (finished < s.minSample! || finished === 0) return null;
  const rate = (100 * count) / finished;
  if (rate <= threshold) return null;
  return { rate, severity: rate >= 2 * threshold ? ESCALATED[s.severity] : s.severity };
}

function rateFindings(rows: readonly NamespaceOutcomes[], count: 'failed' | 'timedOut', settingsOf: SettingsOf, outcome: string): Finding[] {
  const findings: Finding[] = [];
  for (const row of rows) {
    const s = settingsOf(row.namespace);
    const breach = rateBreach(row[count], row.finished, s);
    if (!breach) continue;
    const message = `${breach.rate.toFixed(1)}% of ${row.finished} executions in the last ${formatDuration(s.windowMs!)} ${outcome}`;
    findings.push({ namespace: row.namespace, workflow: null, subject: '', severity: breach.severity, message, value: breach.rate, threshold: s.threshold });
  }
  return findings;
}

export const highTimeoutRate = (rows: readonly NamespaceOutcomes[], settingsOf: SettingsOf) => rateFindings(rows, 'timedOut', settingsOf, 'timed out');

export const highFailureRate = (rows: readonly NamespaceOutcomes[], settingsOf: SettingsOf) => rateFindings(rows, 'failed', settingsOf, 'failed');

export function highQueueDepth(rows: readonly QueueDepth[], settingsOf: SettingsOf): Finding[] {
  return rows.flatMap((q) => {
    const s = settingsOf(q.namespace);
    const threshold = s.threshold!;
    if (q.depth <= threshold) return [];
    const severity = q.depth > threshold * 5 ? ESCALATED[s.severity] : s.severity;
    return [{ namespace: q.namespace, workflow: null, subject: '', severity, message: `${q.depth} executions are queued`, value: q.depth, threshold }];
  });
}

export function unhealthyComponents(components: readonly ComponentHealth[], settingsOf: SettingsOf): Finding[] {
  return components
    .filter((c) => c.status === 'UNHEALTHY')
    .map((c) => ({
      namespace: null,
      workflow: null,
      subject: c.component,
      severity: settingsOf(null).severity,
      message: `${c.component} is unhealthy: ${c.message}`,
      value: c.observedValue,
      threshold: c.threshold,
    }));
}

const executions = (n: number) => (n === 1 ? '1 execution' : `${n} executions`);

export function stuckExecutions(rows: readonly SilentGroup[], settingsOf: SettingsOf): Finding[] {
  return rows.flatMap((g) => {
    const s = settingsOf(g.namespace);
    if (g.silent < s.threshold!) return [];
    const message =
      `${g.workflow}: ${g.silent === 1 ? '1 running execution has' : `${g.silent} running executions have`} reported nothing ` +
      `for over ${formatDuration(s.windowMs!)}; longest silent ${formatDuration(g.longestSilentMs)}`;
    return [{ namespace: g.namespace, workflow: g.workflow, subject: g.workflow, severity: s.severity, message, value: g.silent, threshold: s.threshold }];
  });
}

/** Grouped breaches of one kind (what was breached: "their SLA" / "a ... SLA"). */
function breachFindings(rows: readonly BreachGroup[], settingsOf: SettingsOf, what: { plural: string; singular: string; limit: string }): Finding[] {
  return rows.flatMap((g) => {
    const s = settingsOf(g.namespace);
    if (g.breached < s.threshold!) return [];
    const breached = g.breached === 1 ? `1 execution ${what.singular}` : `${g.breached} executions ${what.plural}`;
    const message =
      `${g.workflow}: ${breached} in the last ${formatDuration(s.windowMs!)}; ` +
      `worst ${formatDuration(g.worstOverMs)} over a ${formatDuration(g.worstLimitMs)} ${what.limit}`;
    return [{
      namespace: g.namespace,
      workflow: g.workflow,
      subject: g.workflow,
      severity: s.severity,
      message,
      value: g.breached,
      threshold: s.threshold,
      renewed: g.uncounted > 0,
    }];
  });
}

export const slaViolations = (rows: readonly BreachGroup[], settingsOf: SettingsOf) =>
  breachFindings(rows, settingsOf, { plural: 'breached their SLA', singular: 'breached its SLA', limit: 'SLA' });

export const executionTimeouts = (rows: readonly BreachGroup[], settingsOf: SettingsOf) =>
  breachFindings(rows, settingsOf, { plural: 'ran past their timeout', singular: 'ran past its timeout', limit: 'timeout' });
