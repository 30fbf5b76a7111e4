/** Pure rules of health and alerting: no I/O, the clock comes in as an argument. */

export const HEALTH_STATUSES = ['HEALTHY', 'DEGRADED', 'UNHEALTHY'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** PENDING is internal: a condition seen but not yet held long enough to fire. */
export const ALERT_STATUSES = ['FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number] | 'PENDING';

export const ALERT_RULES = [
  'HIGH_TIMEOUT_RATE',
  'HIGH_FAILURE_RATE',
  'HIGH_QUEUE_DEPTH',
  'COMPONENT_UNHEALTHY',
  'STUCK_EXECUTION',
  'SLA_VIOLATION',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const worstOf = (statuses: readonly HealthStatus[]): HealthStatus =>
  statuses.includes('UNHEALTHY') ? 'UNHEALTHY' : statuses.includes('DEGRADED') ? 'DEGRADED' : 'HEALTHY';

export const severityRank = (severity: AlertSeverity) => ALERT_SEVERITIES.indexOf(severity);

/** HEALTHY below `degraded`, DEGRADED from it, UNHEALTHY from `unhealthy`. */
export function grade(value: number, degraded: number, unhealthy: number): HealthStatus {
  if (value >= unhealthy) return 'UNHEALTHY';
  if (value >= degraded) return 'DEGRADED';
  return 'HEALTHY';
}

/** A rule's finding for one subject in one evaluation. */
export interface Condition {
  rule: AlertRule;
  namespace: string | null;
  /** What the alert is about within the rule and namespace: a component, an execution, or "". */
  subject: string;
  severity: AlertSeverity;
  message: string;
  value: number | null;
  threshold: number | null;
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

export interface RateThresholds {
  threshold: number;
  minSample: number;
}

/** The rate (percent) and whether it breaches: only with enough finished executions to judge. */
export function rateBreach(count: number, finished: number, t: RateThresholds) {
  if (finished < t.minSample || finished === 0) return null;
  const rate = (100 * count) / finished;
  if (rate <= t.threshold) return null;
  return { rate, severity: (rate >= 2 * t.threshold ? 'CRITICAL' : 'WARNING') as AlertSeverity };
}
