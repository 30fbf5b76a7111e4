/**
 * Alerts: each round records the breaches of running executions, runs the rules
 * (src/services/alert-rules.ts) against the health and the data with each namespace's settings,
 * plans every alert's transition (pure, src/domain/alerts.ts) and applies them in one transaction
 * with the links to their executions, their SYSTEM_ALERT / SYSTEM_HEALTH events and the
 * notifications' plan, then wakes every instance's feeds after commit.
 *
 * One instance leads: it holds a session lock (src/db/client.ts) and runs a round every interval;
 * the others stand by and try to take the lock every interval, which Postgres frees when the
 * leader's session ends. Each round also takes a transaction-scoped lock, and the first round of a
 * new leader within half an interval of the old one's last round is skipped, so an interval is
 * never counted twice. While the database is down, its own alert is kept in memory, pushed to this
 * instance's subscribers, and written once it is back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import {
  alertsByIds,
  deleteAlert,
  executionsOfAlerts,
  insertAlert,
  lastRound,
  listAlerts,
  lockAlert,
  lockRound,
  openAlerts,
  recordRound,
  tryLockRound,
  updateAlert,
  updateAlerts,
  type AlertFilter,
  type RoundState,
} from '../db/alerts.js';
import type { Db, SessionLock } from '../db/client.js';
import { appendSystemEvent } from '../db/events.js';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRow } from '../db/schema.js';
import {
  acknowledgement,
  alertEventData,
  planRound,
  resolution,
  severityRank,
  SYSTEM_NAMESPACE,
  type AlertChange,
  type AlertSeverity,
  type Condition,
  type StatusChange,
} from '../domain/alerts.js';
import type { EventPosition, ExecutionPosition } from '../domain/cursors.js';
import type { SystemHealth } from '../domain/health.js';
import { badInput, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { alertFeed, createOutageAlerts } from './alert-feed.js';
import { ALERT_RULES, type AlertRule, type AlertRuleDefinition, type RoundInput, type RoundSettings } from './alert-rules.js';
import { createAlertSettings } from './alert-settings.js';
import type { EventBus } from './bus.js';
import type { LiveFeedOptions } from './events.js';
import type { Clock, ExecutionService } from './executions.js';
import { databaseUnreachable, type HealthService } from './health.js';
import type { Notifier } from './notifications.js';

export { SYSTEM_NAMESPACE };

/** What a round (or an acknowledgement) changed, in the order it happened. */
export interface AlertChanges {
  /** Each alert as a change left it; one alert may appear once per change. */
  alerts: AlertRow[];
  /** The health, when its overall status differs from the last round's. */
  health: SystemHealth | null;
}

/**
 * Notifications (the notify side): `plan` runs in each round's transaction after its changes and
 * writes what must be sent; `deliverDue` runs after commit on the leader and sends it.
 */
export interface AlertNotifier {
  plan(tx: Db, round: { now: Date }): Promise<void>;
  deliverDue(): Promise<void>;
}

/** What a round found, before it is written. */
interface Round {
  input: RoundInput;
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
  executions: Pick<ExecutionService, 'ingest'>;
  /** The lock whose holder leads the rounds. */
  leadership: SessionLock;
  notifier: AlertNotifier;
  /** The leader's other work, once per round before it: the retention pass when one is due. */
  retention: { onLeaderRound(): Promise<void> };
}

const asDb = (tx: unknown) => tx as Db;
const streamOf = (alert: AlertRow) => alert.namespace ?? SYSTEM_NAMESPACE;
const rules: readonly AlertRuleDefinition<AlertRule>[] = ALERT_RULES;

/**
 * What every rule finds now, in each namespace where it is enabled. A rule whose query fails is
 * reported as unknown, so its open alerts are left as they are this round while the others go on.
 */
async function findConditions(input: RoundInput, log: Logger) {
  const found: Condition<AlertRule>[] = [];
  const unknown = new Set<AlertRule>();
  for (const rule of rules) {
    const settingsOf = (namespace: string | null) => input.settings.of(rule.id, namespace);
    try {
      await rule.record?.(input);
      for (const finding of rule.evaluate(await rule.query(input), settingsOf)) {
        if (settingsOf(finding.namespace).enabled) found.push({ rule: rule.id, ...finding });
      }
    } catch (error) {
      unknown.add(rule.id);
      log.warn({ err: error, rule: rule.id }, 'an alert rule failed; its alerts stay as they are this round');
    }
  }
  return { found, unknown };
}

/**
 * Writes a round's planned changes (the updates of open alerts in one statement); returns the
 * alerts as written that subscribers must hear of, in plan order.
 */
async function writeChanges(tx: Db, changes: readonly AlertChange<AlertRule>[]): Promise<AlertRow[]> {
  const announced: AlertRow[] = [];
  const updates: AlertRow[] = [];
  for (const change of changes) {
    if (change.kind === 'discard') {
      await deleteAlert(tx, change.alert.id);
      continue;
    }
    if (change.kind === 'update') updates.push(change.alert);
    // Null when an open alert with its fingerprint exists already (written by another instance).
    const written = change.kind === 'open' ? await insertAlert(tx, change.alert) : change.alert;
    if (written && change.transition) announced.push(written);
  }
  await updateAlerts(tx, updates);
  return announced;
}

/** Writes the alerts kept through an outage; every instance kept its own copy, so the first to write one announces it. */
async function writeUnwritten(tx: Db, unwritten: readonly AlertRow[]): Promise<AlertRow[]> {
  const written: AlertRow[] = [];
  for (const alert of unwritten) {
    const inserted = await insertAlert(tx, alert);
    if (inserted && inserted.status !== 'PENDING') written.push(inserted);
  }
  return written;
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

/** A new leader's round within half an interval of the old leader's last one would count that interval twice. */
const tooSoonAfterAnotherLeader = (previous: RoundState | null, instanceId: string, now: Date, intervalMs: number) =>
  previous !== null && previous.leaderId !== instanceId && now.getTime() - previous.lastEvaluatedAt.getTime() < intervalMs / 2;

/** This process in the round state: host, pid and a few random characters (several apps may share a process in tests). */
const newInstanceId = () => `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;

/** The rules, the alerts' lifecycle and storage, the leader's round loop and the alert feed. */
export function createAlertService(deps: Deps) {
  const { db, bus, clock, config, health, leadership, notifier } = deps;
  const log = deps.logger.child({ component: 'alerts' });
  const instanceId = newInstanceId();
  const settings = createAlertSettings({ db, clock, config });
  let lastSettings: RoundSettings = settings.defaultsOnly();
  const outage = createOutageAlerts(() => lastSettings);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let leading: boolean | null = null;

  /** Applies one round inside its transaction (which holds the round lock); null when it must not count. */
  async function applyRound(tx: Db, round: Round): Promise<AlertChanges | null> {
    const { now, health: current } = round.input;
    const previous = await lastRound(tx);
    if (tooSoonAfterAnotherLeader(previous, instanceId, now, config.alerts.intervalMs)) return null;
    const changed = await writeUnwritten(tx, round.unwritten);
    const timingOf = (alert: { rule: string; namespace: string | null }) => round.input.settings.of(alert.rule, alert.namespace);
    changed.push(...(await writeChanges(tx, planRound(await openAlerts(tx), round.found, round.unknown, now, timingOf, randomUUID))));
    for (const rule of rules) {
      if (!round.unknown.has(rule.id)) await rule.link?.(tx, { ...round.input, db: tx }, round.found.filter((c) => c.rule === rule.id));
    }
    const leaderSince = previous?.leaderId === instanceId ? previous.leaderSince : now;
    await recordRound(tx, { lastEvaluatedAt: now, healthStatus: current.status, leaderId: instanceId, leaderSince, rounds: (previous?.rounds ?? 0) + 1 });
    const changes = { alerts: changed, health: previous?.healthStatus !== current.status ? current : null };
    await recordChanges(tx, changes, now);
    await notifier.plan(tx, { now });
    return changes;
  }

  /** The health now, or null (the outage tracked) while the database cannot be reached. */
  async function observe() {
    const now = clock.now();
    const current = await health.refresh();
    if (!databaseUnreachable(current)) return { now, current };
    outage.track(current, now);
    return null;
  }

  /** One round of the alert rules; false when another round holds the lock or this one must not count. */
  async function round(now: Date, current: SystemHealth): Promise<boolean> {
    lastSettings = await settings.forRound();
    const input: RoundInput = { db, now, health: current, settings: lastSettings, executions: deps.executions };
    const { found, unknown } = await findConditions(input, log);
    const unwritten = outage.unwritten();
    const changes = await db.transaction(async (tx) =>
      (await tryLockRound(asDb(tx))) ? applyRound(asDb(tx), { input, found, unknown, unwritten }) : null,
    );
    if (!changes) return false;
    outage.written(unwritten);
    announce(bus, changes);
    // Sending waits on receivers (up to their timeouts): it must not hold up the next round.
    void notifier.deliverDue().catch((error: unknown) => log.warn({ err: error }, 'delivering notifications failed; retrying'));
    return true;
  }

  /** Writes and announces what `patch` changes, after the round lock: never in the middle of a round. */
  async function writeOutsideRound<T>(now: Date, patch: (tx: Db) => Promise<{ result: T; changes: AlertChanges | null }>) {
    const { result, changes } = await db.transaction(async (tx) => {
      // The round's lock, taken before any write: the two never interleave (no lost
      // acknowledgement, no deadlock) and system events keep their seq order.
      await lockRound(asDb(tx));
      const written = await patch(asDb(tx));
      if (written.changes) await recordChanges(asDb(tx), written.changes, now);
      return written;
    });
    if (changes) announce(bus, changes);
    return result;
  }

  function change(id: string, scope: NamespaceScope, patch: (alert: AlertRow, now: Date) => StatusChange | null) {
    const now = clock.now();
    return writeOutsideRound(now, async (tx) => {
      const alert = await lockAlert(tx, id, scope);
      if (!alert) throw notFound('Alert', id);
      const changes = patch(alert, now);
      if (!changes) return { result: alert, changes: null };
      const updated = await updateAlert(tx, id, changes);
      return { result: updated, changes: { alerts: [updated], health: null } };
    });
  }

  /** A standby writes what it kept through an outage; the leader does so in its round. */
  async function writeOutageAlerts() {
    const unwritten = outage.unwritten();
    if (unwritten.length === 0) return;
    await writeOutsideRound(clock.now(), async (tx) => ({ result: null, changes: { alerts: await writeUnwritten(tx, unwritten), health: null } }));
    outage.written(unwritten);
  }

  /** One tick of the loop: the leader runs a round, a standby tries to become the leader. */
  async function tick() {
    const seen = await observe();
    if (!seen) return;
    const leads = await leadership.hold().catch((error: unknown) => {
      log.warn({ err: error }, 'could not check the alert leadership; standing by this round');
      return false;
    });
    if (leads !== leading) log.info({ instanceId }, leads ? 'leading the alert rounds' : 'standing by: another instance leads the alert rounds');
    leading = leads;
    if (leads) {
      await deps.retention.onLeaderRound();
      await round(seen.now, seen.current);
    } else await writeOutageAlerts();
  }

  return {
    instanceId,
    settings,

    /** One round now, whether or not this instance leads (the loop only runs them as the leader); false when it did not count. */
    async evaluate(): Promise<boolean> {
      const seen = await observe();
      return seen ? round(seen.now, seen.current) : false;
    },

    list: (filter: AlertFilter, scope: NamespaceScope, after: { firstSeenAt: Date; id: string } | null, limit: number) =>
      listAlerts(db, filter, scope, after, limit),

    byIds: (ids: readonly string[], scope: NamespaceScope) => alertsByIds(db, ids, scope),

    /** The executions behind each alert, a page of `limit` (+1) each. */
    executionsOf: (alertIds: readonly string[], scope: NamespaceScope, after: ExecutionPosition | null, limit: number) =>
      executionsOfAlerts(db, alertIds, scope, after, limit),

    acknowledge(id: string, by: string, scope: NamespaceScope) {
      if (by.trim() === '') throw badInput('by must not be empty', { field: 'by' });
      return change(id, scope, (alert, now) => acknowledgement(alert, by, now));
    },

    resolve: (id: string, scope: NamespaceScope) => change(id, scope, resolution),

    /** Every alert change at or above `minSeverity` that `scope` may see, from `start` on. */
    feed: (live: LiveFeedOptions, start: EventPosition, minSeverity: AlertSeverity, scope: NamespaceScope, signal: AbortSignal) =>
      alertFeed(live, outage, start, severityRank(minSeverity), scope, signal),

    start() {
      const run = () => {
        running ??= tick()
          .catch((error: unknown) => log.warn({ err: error }, 'alert evaluation failed; retrying next round'))
          .finally(() => (running = null));
      };
      timer = setInterval(run, config.alerts.intervalMs);
      timer.unref();
      run();
    },

    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

export type AlertService = ReturnType<typeof createAlertService>;
