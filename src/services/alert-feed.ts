/**
 * The alert feed (the `alerts` subscription) and what it carries while the database is down: the
 * database's own COMPONENT_UNHEALTHY alert, kept in this instance's memory and pushed to its
 * subscribers at once, until a round can write it.
 */
import { randomUUID } from 'node:crypto';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRow } from '../db/schema.js';
import { alertFromEventData, fingerprintOf, nextAlert, severityRank, type Alert, type Condition } from '../domain/alerts.js';
import type { EventPosition } from '../domain/cursors.js';
import type { SystemHealth } from '../domain/health.js';
import { COMPONENT_UNHEALTHY, type AlertRule, type RoundSettings } from './alert-rules.js';
import { liveEvents, type LiveFeedOptions } from './events.js';

/** The database's own COMPONENT_UNHEALTHY alert while it cannot be written, and who hears of it. */
export function createOutageAlerts(settings: () => RoundSettings) {
  const unwritten = new Map<string, AlertRow>();
  const listeners = new Set<(alert: AlertRow) => void>();
  return {
    track(current: SystemHealth, now: Date) {
      const database = current.components.filter((c) => c.component === 'database');
      const of = (namespace: string | null) => settings().of(COMPONENT_UNHEALTHY.id, namespace);
      if (!of(null).enabled) return;
      for (const finding of COMPONENT_UNHEALTHY.evaluate(database, of)) {
        const condition: Condition<AlertRule> = { rule: COMPONENT_UNHEALTHY.id, ...finding };
        const fingerprint = fingerprintOf(condition);
        const change = nextAlert<AlertRule>(unwritten.get(fingerprint) ?? null, condition, now, of(null), randomUUID);
        if (!change || change.kind === 'discard') continue;
        unwritten.set(fingerprint, change.alert);
        if (change.transition === 'FIRED') for (const listener of listeners) listener(change.alert);
      }
    },
    unwritten: () => [...unwritten.values()],
    /** Forgets the alerts a committed transaction wrote (unless they changed since). */
    written(alerts: readonly AlertRow[]) {
      for (const alert of alerts) if (unwritten.get(alert.fingerprint) === alert) unwritten.delete(alert.fingerprint);
    },
    subscribe(listener: (alert: AlertRow) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type OutageAlerts = ReturnType<typeof createOutageAlerts>;

const changeKey = (alert: Pick<Alert, 'fingerprint' | 'status'>) => `${alert.fingerprint}|${alert.status}`;

/**
 * The alert feed: SYSTEM_ALERT events from the log, and meanwhile, for readers of every namespace,
 * the alerts of a database outage that cannot reach the log until it is back. Once written, such
 * an alert also comes from the log: a subscriber who heard of it from memory does not hear it twice.
 */
export async function* alertFeed(
  live: LiveFeedOptions,
  outage: OutageAlerts,
  start: EventPosition,
  minRank: number,
  scope: NamespaceScope,
  signal: AbortSignal,
): AsyncGenerator<Alert<AlertRule>> {
  const pushed: AlertRow[] = [];
  const heardFromMemory = new Set<string>();
  let wake: (() => void) | null = null;
  const stopListening = outage.subscribe((alert) => {
    if (scope === null) pushed.push(alert);
    wake?.();
  });
  const events = liveEvents(live, { types: ['SYSTEM_ALERT'] }, scope, start);
  // Unsubscribing must end the wait below at once, not at the next alert.
  signal.addEventListener('abort', () => wake?.(), { once: true });
  let pending = events.next();
  try {
    while (!signal.aborted) {
      while (pushed.length) {
        const alert = pushed.shift()!;
        heardFromMemory.add(changeKey(alert));
        if (severityRank(alert.severity) >= minRank) yield alert;
      }
      const next = await Promise.race([pending, new Promise<null>((resolve) => (wake = () => resolve(null)))]);
      wake = null;
      if (next === null) continue;
      if (next.done) return;
      pending = events.next();
      const alert = alertFromEventData<AlertRule>(next.value.data as Record<string, unknown>);
      if (heardFromMemory.delete(changeKey(alert))) continue;
      if (severityRank(alert.severity) >= minRank) yield alert;
    }
  } finally {
    stopListening();
    await events.return!();
  }
}
