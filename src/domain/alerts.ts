/** Pure rules of an alert's life: no I/O, the clock comes in as an argument. */
import { invalidTransition } from '../errors.js';

/** System-wide alerts (components), their rules' settings and health changes belong to this namespace. */
export const SYSTEM_NAMESPACE = '_system';

export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** PENDING: a condition seen but not yet held long enough to fire (listed only when asked for). */
export const ALERT_STATUSES = ['PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An open alert is one of these; the database keeps at most one per fingerprint. */
export const OPEN_ALERT_STATUSES: readonly AlertStatus[] = ['PENDING', 'FIRING', 'ACKNOWLEDGED'];

export const severityRank = (severity: AlertSeverity) => ALERT_SEVERITIES.indexOf(severity);

/** What a rule finds about one subject in one round. */
export interface Finding {
  namespace: string | null;
  /** The workflow of an execution-level finding; null for the others. */
  workflow: string | null;
  /** What the alert is about within the rule and namespace: a component, a workflow, or "". */
  subject: string;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  threshold: number | null;
  /**
   * Rules that count events (breaches): false when the round found only events that an open
   * alert has already counted. That neither opens nor keeps a firing alert (it resolves once no
   * new event has come for the hold period); a pending one stays pending while the count holds.
   */
  renewed?: boolean;
}

/** A finding of a named rule. */
export interface Condition<Rule extends string = string> extends Finding {
  rule: Rule;
}

export const fingerprintOf = (c: Pick<Condition, 'rule' | 'namespace' | 'subject'>) =>
  `${c.rule}|${c.namespace ?? '*'}|${c.subject}`;


export interface AlertState {
  status: AlertStatus;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** When the condition was last found clear while the alert was open; null while it holds. */
  clearSince: Date | null;
  occurrences: number;
}

/** An alert as it is stored: its condition's latest figures and its state. */
export interface Alert<Rule extends string = string> extends AlertState {
  id: string;
  fingerprint: string;
  rule: Rule;
  severity: AlertSeverity;
  namespace: string | null;
  workflow: string | null;
  subject: string;
  message: string;
  value: number | null;
  threshold: number | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
}

export interface AlertTiming {
  /** A condition must hold this long before its alert fires. */
  pendingMs: number;
  /** A firing alert resolves after its condition has stayed clear this long. */
  holdMs: number;
}

export type AlertTransition = 'FIRED' | 'RESOLVED' | 'DISCARDED' | null;

/**
 * One evaluation of one open alert (or of a new condition, `state` null). Returns the next state
 * and the transition that subscribers must hear about, if any. Acknowledged alerts stay
 * acknowledged while the condition holds.
 */
export function advanceAlert(
  state: AlertState | null,
  holds: boolean,
  now: Date,
  timing: AlertTiming,
): { state: AlertState | null; transition: AlertTransition } {
  if (!state) {
    if (!holds) return { state: null, transition: null };
    const opened: AlertState = { status: 'PENDING', firstSeenAt: now, lastSeenAt: now, clearSince: null, occurrences: 1 };
    return timing.pendingMs <= 0 ? { state: { ...opened, status: 'FIRING' }, transition: 'FIRED' } : { state: opened, transition: null };
  }
  if (holds) {
    const next: AlertState = { ...state, lastSeenAt: now, clearSince: null, occurrences: state.occurrences + 1 };
    if (state.status === 'PENDING' && now.getTime() - state.firstSeenAt.getTime() >= timing.pendingMs) {
      return { state: { ...next, status: 'FIRING' }, transition: 'FIRED' };
    }
    return { state: next, transition: null };
  }
  if (state.status === 'PENDING') return { state: null, transition: 'DISCARDED' };
  const clearSince = state.clearSince ?? now;
  if (now.getTime() - clearSince.getTime() >= timing.holdMs) {
    return { state: { ...state, status: 'RESOLVED', clearSince }, transition: 'RESOLVED' };
  }
  return { state: { ...state, clearSince }, transition: null };
}

/** What a round does to one alert: open it, update it, or discard it (a pending one that cleared). */
export type AlertChange<Rule extends string = string> =
  | { kind: 'open' | 'update'; alert: Alert<Rule>; transition: AlertTransition }
  | { kind: 'discard'; alert: Alert<Rule> };

/**
 * The next step of `alert` (null: none is open for the condition) given its condition now
 * (`condition` undefined: it is clear); null when there is nothing to write.
 */
export function nextAlert<Rule extends string>(
  alert: Alert<Rule> | null,
  condition: Condition<Rule> | undefined,
  now: Date,
  timing: AlertTiming,
  newId: () => string,
): AlertChange<Rule> | null {
  const holds = condition !== undefined && (alert?.status === 'PENDING' || condition.renewed !== false);
  const { state, transition } = advanceAlert(alert, holds, now, timing);
  if (transition === 'DISCARDED') return { kind: 'discard', alert: alert! };
  if (!state) return null;
  if (!alert) {
    const { renewed: _, ...found } = condition!;
    const opened: Alert<Rule> = {
      id: newId(),
      fingerprint: fingerprintOf(found),
      ...found,
      ...state,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
    };
    return { kind: 'open', alert: opened, transition };
  }
  const status: AlertStatus = alert.status === 'ACKNOWLEDGED' && state.status === 'FIRING' ? 'ACKNOWLEDGED' : state.status;
  const figures = condition ? { severity: condition.severity, message: condition.message, value: condition.value, threshold: condition.threshold } : {};
  const updated: Alert<Rule> = { ...alert, ...state, ...figures, status, resolvedAt: status === 'RESOLVED' ? now : null };
  return { kind: 'update', alert: updated, transition };
}

/**
 * One round's changes: every open alert advanced by whether its condition holds (those of a rule
 * that could not be judged, `unknown`, stay as they are), then a new alert for each condition no
 * open alert has, each with its rule's timing in its namespace. Pure: the caller writes them.
 */
export function planRound<Rule extends string>(
  open: readonly Alert<Rule>[],
  found: readonly Condition<Rule>[],
  unknown: ReadonlySet<Rule>,
  now: Date,
  timingOf: (alert: Pick<Alert<Rule>, 'rule' | 'namespace'>) => AlertTiming,
  newId: () => string,
): AlertChange<Rule>[] {
  const byFingerprint = new Map(found.map((c) => [fingerprintOf(c), c]));
  const changes: (AlertChange<Rule> | null)[] = [];
  for (const alert of open) {
    const condition = byFingerprint.get(alert.fingerprint);
    byFingerprint.delete(alert.fingerprint);
    if (!condition && unknown.has(alert.rule)) continue;
    changes.push(nextAlert(alert, condition, now, timingOf(alert), newId));
  }
  for (const condition of byFingerprint.values()) changes.push(nextAlert(null, condition, now, timingOf(condition), newId));
  return changes.filter((change) => change !== null);
}

/** What acknowledging or resolving by hand changes. */
export type StatusChange = Partial<Pick<Alert, 'status' | 'acknowledgedAt' | 'acknowledgedBy' | 'resolvedAt'>>;

/** What acknowledging changes: FIRING -> ACKNOWLEDGED; null when it already is. */
export function acknowledgement(alert: Alert, by: string, now: Date): StatusChange | null {
  if (alert.status === 'ACKNOWLEDGED') return null;
  if (alert.status !== 'FIRING') throw invalidTransition(`Cannot acknowledge the alert: it is ${alert.status}`, { status: alert.status });
  return { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedBy: by };
}

/**
 * What resolving by hand changes; null when it already is resolved. The events an execution-level
 * alert has counted stay with it: only later ones open a new alert.
 */
export function resolution(alert: Alert, now: Date): StatusChange | null {
  if (alert.status === 'RESOLVED') return null;
  return { status: 'RESOLVED', resolvedAt: now };
}

/** What subscribers and the event log carry about an alert. */
export function alertEventData(alert: Alert) {
  return {
    alertId: alert.id,
    fingerprint: alert.fingerprint,
    rule: alert.rule,
    severity: alert.severity,
    status: alert.status,
    namespace: alert.namespace,
    workflow: alert.workflow,
    subject: alert.subject,
    message: alert.message,
    value: alert.value,
    threshold: alert.threshold,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    occurrences: alert.occurrences,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
  };
}

/** The alert as an event recorded it (`alertEventData`; dates travel as ISO strings). */
export function alertFromEventData<Rule extends string>(data: Record<string, unknown>): Alert<Rule> {
  const date = (key: string) => (data[key] ? new Date(String(data[key])) : null);
  return {
    id: String(data.alertId),
    fingerprint: String(data.fingerprint),
    rule: data.rule as Rule,
    severity: data.severity as AlertSeverity,
    status: data.status as AlertStatus,
    namespace: (data.namespace as string | null) ?? null,
    workflow: (data.workflow as string | null) ?? null,
    subject: String(data.subject ?? ''),
    message: String(data.message),
    value: (data.value as number | null) ?? null,
    threshold: (data.threshold as number | null) ?? null,
    firstSeenAt: date('firstSeenAt')!,
    lastSeenAt: date('lastSeenAt')!,
    clearSince: null,
    occurrences: Number(data.occurrences),
    acknowledgedAt: date('acknowledgedAt'),
    acknowledgedBy: (data.acknowledgedBy as string | null) ?? null,
    resolvedAt: date('resolvedAt'),
  };
}

/** The labels routes and silences match on; '' for what an alert does not have. */
export interface AlertLabels {
  rule: string;
  namespace: string;
  workflow: string;
  severity: string;
  subject: string;
}

export const labelsOf = (alert: Pick<Alert, 'rule' | 'namespace' | 'workflow' | 'severity' | 'subject'>): AlertLabels => ({
  rule: alert.rule,
  namespace: alert.namespace ?? '',
  workflow: alert.workflow ?? '',
  severity: alert.severity,
  subject: alert.subject,
});
