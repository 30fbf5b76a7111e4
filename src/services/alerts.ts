/**
 * Alerts: each round runs the rules (src/services/alert-rules.ts) against the health and the data,
 * plans every alert's transition (pure, src/domain/alerts.ts) and applies them in one transaction
 * with their SYSTEM_ALERT / SYSTEM_HEALTH events, then wakes every instance's feeds after commit.
 * The loop runs on every instance but evaluates on one at a time: each round takes a
 * transaction-scoped advisory lock or skips. While the database is down, its own alert is kept in
 * memory, pushed to this instance's subscribers, and written once it is back.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import {
  alertsByIds,
  deleteAlert,
  insertAlert,
  lastRound,
  listAlerts,
  lockAlert,
  lockRound,
  openAlerts,
  recordRound,
  tryLockRound,
  updateAlert,
  type AlertFilter,
} from '../db/alerts.js';
import type { Db } from '../db/client.js';
import { appendSystemEvent } from '../db/events.js';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRow } from '../db/schema.js';
import {
  acknowledgement,
  alertEventData,
  alertFromEventData,
  fingerprintOf,
  nextAlert,
  planRound,
  resolution,
  severityRank,
  type Alert,
  type AlertChange,
  type AlertSeverity,
  type AlertTiming,
  type Condition,
  type StatusChange,
} from '../domain/alerts.js';
import type { AlertSettings } from '../domain/alert-rules.js';
import type { EventPosition } from '../domain/cursors.js';
import type { SystemHealth } from '../domain/health.js';
import { badInput, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { ALERT_RULES, alertSettings, COMPONENT_UNHEALTHY, type AlertRule, type AlertRuleDefinition, type RoundInput } from './alert-rules.js';
import type { EventBus } from './bus.js';
import { liveEvents, type LiveFeedOptions } from './events.js';
import type { Clock } from './executions.js';
import { databaseUnreachable, type HealthService } from './health.js';
import type { Notifier } from './notifications.js';

/** Global alerts (components) and health changes live in this namespace's event stream. */
export const SYSTEM_NAMESPACE = '_system';

/** What a round (or an acknowledgement) changed, in the order it happened. */
export interface AlertChanges {
  /** Each alert as a change left it; one alert may appear once per change. */
  alerts: AlertRow[];
  /** The health, when its overall status differs from the last round's. */
  health: SystemHealth | null;
}

/** What a round found, before it is written. */
interface Round {
  now: Date;
  health: SystemHealth;
  found: Condition<AlertRule>[];
  /** Rules whose query failed this round. */
  unknown: ReadonlySet<AlertRule>;
  /** Alerts kept in memory through an outage of the database. */
  unwritten: readonly AlertRow[];
}

interface Deps {
  db: Db;
  bus: EventBus;
  clock: Clock;
  config: Pick<Config, 'alerts' | 'health'>;
  logger: Logger;
  health: HealthService;
  notifier: Pick<Notifier, 'plan' | 'deliverDue'>;
}

const asDb = (tx: unknown) => tx as Db;
const streamOf = (alert: AlertRow) => alert.namespace ?? SYSTEM_NAMESPACE;

/**
 * What every rule finds now. A rule whose query fails is reported as unknown, so its open alerts
 * are left as they are this round (neither bumped nor resolved) while the other rules go on.
 */
async function findConditions(input: RoundInput, log: Logger) {
  const found: Condition<AlertRule>[] = [];
  const unknown = new Set<AlertRule>();
  const rules: readonly AlertRuleDefinition<AlertRule>[] = ALERT_RULES;
  for (const rule of rules) {
    try {
      const findings = rule.evaluate(await rule.query(input), input.settings, input.now);
      for (const finding of findings) found.push({ rule: rule.id, ...finding });
    } catch (error) {
      unknown.add(rule.id);
      log.warn({ err: error, rule: rule.id }, 'an alert rule failed; its alerts stay as they are this round');
    }
  }
  return { found, unknown };
}

/** Writes one planned change; the alert as written when subscribers must hear of it, else null. */
async function writeChange(tx: Db, change: AlertChange<AlertRule>): Promise<AlertRow | null> {
  if (change.kind === 'discard') {
    await deleteAlert(tx, change.alert.id);
    return null;
  }
  if (change.kind === 'open') {
    const inserted = await insertAlert(tx, change.alert);
    return inserted && change.transition ? inserted : null;
  }
  const { id, ...fields } = change.alert;
  const updated = await updateAlert(tx, id, fields);
  return change.transition ? updated : null;
}

/** Appends the events of what changed, in the same transaction. */
async function recordChanges(tx: Db, changes: AlertChanges, now: Date) {
  for (const alert of changes.alerts) {
    await appendSystemEvent(tx, { namespace: streamOf(alert), type: 'SYSTEM_ALERT', data: alertEventData(alert), timestamp: now });
  }
  if (changes.health) {
    const { status, components } = changes.health;
    const data = { status, components: components.map((c) => ({ component: c.component, status: c.status, message: c.message })) };
    await appendSystemEvent(tx, { namespace: SYSTEM_NAMESPACE, type: 'SYSTEM_HEALTH', data, timestamp: now });
  }
}

/** After commit: wakes the feeds of every stream that changed, on every instance. */
function announce(bus: EventBus, changes: AlertChanges) {
  const streams = new Set(changes.alerts.map(streamOf));
  if (changes.health) streams.add(SYSTEM_NAMESPACE);
  for (const namespace of streams) bus.publish({ namespace, executionId: null });
}

/**
 * Applies one round inside its transaction (which holds the round lock): the alerts kept through
 * an outage first, then the planned transitions of every open alert and new condition, the
 * round's state and the events of all of it. Returns what changed.
 */
async function applyRound(tx: Db, round: Round, timing: AlertTiming, notifier: Deps['notifier']): Promise<AlertChanges> {
  const changed: AlertRow[] = [];
  for (const alert of round.unwritten) {
    // Every instance kept its own copy during the outage: the first to write it announces it.
    const inserted = await insertAlert(tx, alert);
    if (inserted && inserted.status !== 'PENDING') changed.push(inserted);
  }
  for (const change of planRound(await openAlerts(tx), round.found, round.unknown, round.now, timing, randomUUID)) {
    const written = await writeChange(tx, change);
    if (written) changed.push(written);
  }
  const previous = await lastRound(tx);
  await recordRound(tx, round.now, round.health.status);
  const changes = { alerts: changed, health: previous?.healthStatus !== round.health.status ? round.health : null };
  await recordChanges(tx, changes, round.now);
  await notifier.plan(tx, { now: round.now });
  return changes;
}

/** The rules, the alerts' lifecycle and storage, the round loop and the alert feed. */
export function createAlertService(deps: Deps) {
  const { db, bus, clock, config, health, notifier } = deps;
  const log = deps.logger.child({ component: 'alerts' });
  const timing: AlertTiming = { pendingMs: config.alerts.pendingMs, holdMs: config.alerts.holdMs };
  const settings = alertSettings(config);
  const outage = createOutageAlerts(timing, settings);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  /** One round of the alert rules; false when another instance holds the round or the database is down. */
  async function evaluate(): Promise<boolean> {
    const now = clock.now();
    const current = await health.refresh();
    if (databaseUnreachable(current)) {
      outage.track(current, now);
      return false;
    }
    const { found, unknown } = await findConditions({ db, now, health: current, settings }, log);
    const round: Round = { now, health: current, found, unknown, unwritten: outage.unwritten() };
    const changes = await db.transaction(async (tx) => ((await tryLockRound(asDb(tx))) ? applyRound(asDb(tx), round, timing, notifier) : null));
    if (!changes) return false;
    outage.written(round.unwritten);
    announce(bus, changes);
    notifier.deliverDue().catch((error: unknown) => log.warn({ err: error }, 'delivering notifications failed; retrying'));
    return true;
  }

  async function change(id: string, scope: NamespaceScope, patch: (alert: AlertRow, now: Date) => StatusChange | null) {
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      // The round's lock, taken before any write: the two never interleave (no lost
      // acknowledgement, no deadlock) and system events keep their seq order.
      await lockRound(asDb(tx));
      const alert = await lockAlert(asDb(tx), id, scope);
      if (!alert) throw notFound('Alert', id);
      const changes = patch(alert, now);
      if (!changes) return { alert, changes: null };
      const updated = await updateAlert(asDb(tx), id, changes);
      const recorded: AlertChanges = { alerts: [updated], health: null };
      await recordChanges(asDb(tx), recorded, now);
      return { alert: updated, changes: recorded };
    });
    if (result.changes) announce(bus, result.changes);
    return result.alert;
  }

  return {
    evaluate,

    list: (filter: AlertFilter, scope: NamespaceScope, after: { firstSeenAt: Date; id: string } | null, limit: number) =>
      listAlerts(db, filter, scope, after, limit),

    byIds: (ids: readonly string[], scope: NamespaceScope) => alertsByIds(db, ids, scope),

    acknowledge(id: string, by: string, scope: NamespaceScope) {
      if (by.trim() === '') throw badInput('by must not be empty', { field: 'by' });
      return change(id, scope, (alert, now) => acknowledgement(alert, by, now));
    },

    resolve: (id: string, scope: NamespaceScope) => change(id, scope, resolution),

    /** Every alert change at or above `minSeverity` that `scope` may see, from `start` on. */
    feed: (live: LiveFeedOptions, start: EventPosition, minSeverity: AlertSeverity, scope: NamespaceScope, signal: AbortSignal) =>
      alertFeed(live, outage, start, severityRank(minSeverity), scope, signal),

    start() {
      const tick = () => {
        running ??= evaluate()
          .catch((error: unknown) => log.warn({ err: error }, 'alert evaluation failed; retrying next round'))
          .finally(() => (running = null));
      };
      timer = setInterval(tick, config.alerts.intervalMs);
      timer.unref();
      tick();
    },

    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;

/** The database's own COMPONENT_UNHEALTHY alert while it cannot be written, and who hears of it. */
function createOutageAlerts(timing: AlertTiming, settings: AlertSettings) {
  const unwritten = new Map<string, AlertRow>();
  const listeners = new Set<(alert: AlertRow) => void>();
  return {
    track(current: SystemHealth, now: Date) {
      const database = current.components.filter((c) => c.component === 'database');
      for (const finding of COMPONENT_UNHEALTHY.evaluate(database, settings, now)) {
        const condition: Condition<AlertRule> = { rule: COMPONENT_UNHEALTHY.id, ...finding };
        const fingerprint = fingerprintOf(condition);
        const change = nextAlert<AlertRule>(unwritten.get(fingerprint) ?? null, condition, now, timing, randomUUID);
        if (!change || change.kind === 'discard') continue;
        unwritten.set(fingerprint, change.alert);
        if (change.transition === 'FIRED') for (const listener of listeners) listener(change.alert);
      }
    },
    unwritten: () => [...unwritten.values()],
    /** Forgets the alerts a committed round wrote (unless they changed since). */
    written(alerts: readonly AlertRow[]) {
      for (const alert of alerts) if (unwritten.get(alert.fingerprint) === alert) unwritten.delete(alert.fingerprint);
    },
    subscribe(listener: (alert: AlertRow) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * The alert feed: SYSTEM_ALERT events from the log, and meanwhile, for readers of every namespace,
 * the alerts of a database outage that cannot reach the log until it is back.
 */
async function* alertFeed(
  live: LiveFeedOptions,
  outage: ReturnType<typeof createOutageAlerts>,
  start: EventPosition,
  minRank: number,
  scope: NamespaceScope,
  signal: AbortSignal,
): AsyncGenerator<Alert<AlertRule>> {
  const pushed: AlertRow[] = [];
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
        if (severityRank(alert.severity) >= minRank) yield alert;
      }
      const next = await Promise.race([pending, new Promise<null>((resolve) => (wake = () => resolve(null)))]);
      wake = null;
      if (next === null) continue;
      if (next.done) return;
      pending = events.next();
      const alert = alertFromEventData<AlertRule>(next.value.data as Record<string, unknown>);
      if (severityRank(alert.severity) >= minRank) yield alert;
    }
  } finally {
    stopListening();
    await events.return!();
  }
}
