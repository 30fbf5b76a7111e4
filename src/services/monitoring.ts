import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, ne, or, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/client.js';
import { queryRows } from '../db/query.js';
import type { NamespaceScope } from '../db/repository.js';
import { alerts, events, executions, monitorState, systemStreams, type AlertRow } from '../db/schema.js';
import {
  advanceAlert,
  fingerprintOf,
  grade,
  rateBreach,
  worstOf,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
  type AlertStatus,
  type Condition,
  type HealthStatus,
} from '../domain/monitoring.js';
import { DomainError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import type { Clock } from './executions.js';

export interface ComponentHealth {
  component: string;
  status: HealthStatus;
  message: string;
  latencyMs: number | null;
  observedValue: number | null;
  threshold: number | null;
  since: Date;
  checkedAt: Date;
}

export interface SystemHealth {
  status: HealthStatus;
  checkedAt: Date;
  components: ComponentHealth[];
}

/** Global alerts (components) live in this namespace's event stream. */
export const SYSTEM_NAMESPACE = '_system';
const MONITOR_LOCK = 7_240_612;
const OPEN: AlertStatus[] = ['PENDING', 'FIRING', 'ACKNOWLEDGED'];

const visible = (scope: NamespaceScope) =>
  scope === null ? undefined : scope.length === 0 ? sql`false` : inArray(alerts.namespace, [...scope]);

/** What the live parts of the process report about themselves, for the `events` component. */
export interface LiveStatus {
  listening: () => boolean | null;
  /** Round-trip of a wake-up through the bus (and NOTIFY when there is one), in ms. */
  wakeUpLagMs: () => Promise<number>;
}

interface Deps {
  database: Database;
  bus: EventBus;
  clock: Clock;
  config: Config;
  logger: Logger;
  live: LiveStatus;
}

/**
 * Health checks (cached for a short TTL) and the alert loop. The loop runs on every instance but
 * evaluates on one at a time: each round takes a transaction-scoped advisory lock or skips.
 * While the database is down, alerts about it are kept in memory and written once it is back.
 */
export function createMonitor(deps: Deps) {
  const { database, bus, clock, config } = deps;
  const db = database.db;
  const log = deps.logger.child({ component: 'monitor' });
  const since = new Map<string, { status: HealthStatus; since: Date }>();
  let cached: { health: SystemHealth; at: number } | null = null;
  let checking: Promise<SystemHealth> | null = null;
  let lastRound: Date | null = null;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<unknown> | null = null;
  /** Alerts about the database itself, while they cannot be written. */
  const unwritten = new Map<string, AlertRow>();
  const outageListeners = new Set<(alert: AlertRow) => void>();

  const timing = { pendingMs: config.alerts.pendingMs, holdMs: config.alerts.holdMs };

  function component(name: string, status: HealthStatus, message: string, now: Date, extra: Partial<ComponentHealth> = {}): ComponentHealth {
    const previous = since.get(name);
    const entered = previous && previous.status === status ? previous.since : now;
    since.set(name, { status, since: entered });
    return { component: name, status, message, latencyMs: null, observedValue: null, threshold: null, since: entered, checkedAt: now, ...extra };
  }

  async function checkDatabase(now: Date): Promise<ComponentHealth> {
    try {
      const latencyMs = await withTimeout(database.ping(), config.health.dbTimeoutMs);
      const status = grade(latencyMs, config.health.dbLatencyMs, Infinity);
      return component('database', status, status === 'HEALTHY' ? 'reachable' : `slow: ${latencyMs.toFixed(0)} ms per query`, now, {
        latencyMs,
        observedValue: latencyMs,
        threshold: config.health.dbLatencyMs,
      });
    } catch (error) {
      return component('database', 'UNHEALTHY', `unreachable: ${(error as Error).message}`, now);
    }
  }

  async function checkEngine(now: Date): Promise<ComponentHealth> {
    const [row] = await db
      .select({
        stuck: sql<number>`count(*) filter (where ${executions.status} = 'RUNNING' and ${executions.updatedAt} < ${new Date(now.getTime() - config.health.stuckExecutionMs).toISOString()}::timestamptz)`.mapWith(Number),
        overdue: sql<number>`count(*) filter (where ${executions.timeoutMs} is not null and ${executions.startedAt} + ${executions.timeoutMs} * interval '1 millisecond' < ${now.toISOString()}::timestamptz)`.mapWith(Number),
      })
      .from(executions)
      .where(inArray(executions.status, ['RUNNING', 'WAITING_APPROVAL']));
    const stuck = row?.stuck ?? 0;
    const overdue = row?.overdue ?? 0;
    const bad = stuck + overdue;
    const status = grade(bad, 1, config.health.engineUnhealthyCount);
    return component('engine', status, bad === 0 ? 'every running execution reports in time' : `${stuck} stuck, ${overdue} past their timeout`, now, {
      observedValue: bad,
      threshold: 0,
    });
  }

  async function checkQueue(now: Date): Promise<ComponentHealth> {
    const [row] = await db
      .select({ depth: sql<number>`count(*)`.mapWith(Number), oldest: sql<string | null>`min(${executions.queuedAt})` })
      .from(executions)
      .where(eq(executions.status, 'QUEUED'));
    const depth = row?.depth ?? 0;
    const ageMs = row?.oldest ? now.getTime() - new Date(row.oldest).getTime() : 0;
    const status = worstOf([
      grade(depth, config.health.queueDepthThreshold, config.health.queueDepthThreshold * 10),
      grade(ageMs, config.health.queueAgeDegradedMs, config.health.queueAgeUnhealthyMs),
    ]);
    return component('queue', status, `${depth} queued, oldest ${Math.round(ageMs / 1000)} s`, now, {
      observedValue: depth,
      threshold: config.health.queueDepthThreshold,
    });
  }

  async function checkEvents(now: Date): Promise<ComponentHealth> {
    const listening = deps.live.listening();
    const lagMs = await withTimeout(deps.live.wakeUpLagMs(), config.health.wakeUpLagMs * 4).catch(() => Infinity);
    // Events of transactions newer than one still in flight wait; a long transaction anywhere on the
    // server (an idle session in a transaction, say) holds every feed back.
    const [held] = await db
      .select({ oldest: sql<string | null>`min(${events.timestamp})` })
      .from(events)
      .where(sql`${events.txId} >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
    const heldMs = held?.oldest ? Math.max(0, now.getTime() - new Date(held.oldest).getTime()) : 0;
    const status = worstOf([
      listening === false ? 'UNHEALTHY' : 'HEALTHY',
      grade(lagMs, config.health.wakeUpLagMs, config.health.wakeUpLagMs * 4),
      grade(heldMs, config.health.heldBackMs, config.health.heldBackMs * 6),
    ]);
    const parts = [
      listening === null ? 'in-process wake-ups' : listening ? 'listener connected' : 'listener disconnected',
      `wake-up lag ${Number.isFinite(lagMs) ? `${lagMs.toFixed(1)} ms` : 'timed out'}`,
      heldMs > 0 ? `events held back ${Math.round(heldMs)} ms by an older transaction` : null,
    ];
    return component('events', status, parts.filter(Boolean).join(', '), now, {
      latencyMs: Number.isFinite(lagMs) ? lagMs : null,
      observedValue: heldMs,
      threshold: config.health.heldBackMs,
    });
  }

  async function checkMonitor(now: Date): Promise<ComponentHealth> {
    const [state] = await db.select().from(monitorState).where(eq(monitorState.id, 1));
    const last = state?.lastEvaluatedAt ?? lastRound;
    const ageMs = last ? now.getTime() - last.getTime() : 0;
    const status = last ? grade(ageMs, config.alerts.intervalMs * 3, config.alerts.intervalMs * 10) : 'HEALTHY';
    return component('monitor', status, last ? `last evaluation ${Math.round(ageMs / 1000)} s ago` : 'first evaluation pending', now, {
      observedValue: ageMs,
      threshold: config.alerts.intervalMs * 3,
    });
  }

  async function checkHealth(): Promise<SystemHealth> {
    const now = clock.now();
    const databaseHealth = await checkDatabase(now);
    const dependent: [string, (now: Date) => Promise<ComponentHealth>][] = [
      ['engine', checkEngine],
      ['queue', checkQueue],
      ['events', checkEvents],
      ['monitor', checkMonitor],
    ];
    const components = [databaseHealth];
    for (const [name, check] of dependent) {
      if (databaseHealth.status === 'UNHEALTHY') {
        components.push(component(name, 'DEGRADED', 'unknown: the database is unreachable', now));
        continue;
      }
      components.push(await check(now).catch((error: unknown) => component(name, 'DEGRADED', `check failed: ${(error as Error).message}`, now)));
    }
    return { status: worstOf(components.map((c) => c.status)), checkedAt: now, components };
  }

  /** The latest health, at most HEALTH_CACHE_MS old; a burst of reads costs one check. */
  function health(): Promise<SystemHealth> {
    if (cached && Date.now() - cached.at < config.health.cacheMs) return Promise.resolve(cached.health);
    checking ??= checkHealth()
      .then((result) => {
        cached = { health: result, at: Date.now() };
        return result;
      })
      .finally(() => (checking = null));
    return checking;
  }

  /**
   * What every rule finds now. A rule whose query fails is reported as unknown, so its open alerts
   * are left as they are this round (neither bumped nor resolved) while the other rules go on.
   */
  async function conditions(current: SystemHealth, now: Date): Promise<{ found: Condition[]; unknown: Set<AlertRule> }> {
    const found: Condition[] = [];
    const unknown = new Set<AlertRule>();
    const rule = async (rules: AlertRule[], find: () => Promise<void>) => {
      try {
        await find();
      } catch (error) {
        for (const r of rules) unknown.add(r);
        log.warn({ err: error, rules }, 'an alert rule failed; its alerts stay as they are this round');
      }
    };
    for (const c of current.components) {
      if (c.status !== 'UNHEALTHY') continue;
      found.push({ rule: 'COMPONENT_UNHEALTHY', namespace: null, subject: c.component, severity: 'CRITICAL', message: `${c.component} is unhealthy: ${c.message}`, value: c.observedValue, threshold: c.threshold });
    }
    if (current.components[0]?.status === 'UNHEALTHY') return { found, unknown };

    const windowStart = new Date(now.getTime() - config.alerts.rateWindowMs).toISOString();
    await rule(['HIGH_TIMEOUT_RATE', 'HIGH_FAILURE_RATE'], async () => {
      const rates = await db
        .select({
          namespace: executions.namespace,
          finished: sql<number>`count(*)`.mapWith(Number),
          failed: sql<number>`count(*) filter (where ${executions.status} = 'FAILED')`.mapWith(Number),
          timedOut: sql<number>`count(*) filter (where ${executions.status} = 'TIMED_OUT')`.mapWith(Number),
        })
        .from(executions)
        .where(sql`${executions.finishedAt} >= ${windowStart}::timestamptz`)
        .groupBy(executions.namespace);
      for (const r of rates) {
        const minSample = config.alerts.minSample;
        const timeout = rateBreach(r.timedOut, r.finished, { threshold: config.alerts.timeoutRate, minSample });
        if (timeout) found.push({ rule: 'HIGH_TIMEOUT_RATE', namespace: r.namespace, subject: '', severity: timeout.severity, message: `${timeout.rate.toFixed(1)}% of ${r.finished} recent executions timed out`, value: timeout.rate, threshold: config.alerts.timeoutRate });
        const failure = rateBreach(r.failed, r.finished, { threshold: config.alerts.failureRate, minSample });
        if (failure) found.push({ rule: 'HIGH_FAILURE_RATE', namespace: r.namespace, subject: '', severity: failure.severity, message: `${failure.rate.toFixed(1)}% of ${r.finished} recent executions failed`, value: failure.rate, threshold: config.alerts.failureRate });
      }
    });

    await rule(['HIGH_QUEUE_DEPTH'], async () => {
      const queues = await db
        .select({ namespace: executions.namespace, depth: sql<number>`count(*)`.mapWith(Number) })
        .from(executions)
        .where(eq(executions.status, 'QUEUED'))
        .groupBy(executions.namespace);
      for (const q of queues) {
        if (q.depth <= config.health.queueDepthThreshold) continue;
        const severity: AlertSeverity = q.depth > config.health.queueDepthThreshold * 5 ? 'CRITICAL' : 'WARNING';
        found.push({ rule: 'HIGH_QUEUE_DEPTH', namespace: q.namespace, subject: '', severity, message: `${q.depth} executions are queued`, value: q.depth, threshold: config.health.queueDepthThreshold });
      }
    });

    await rule(['STUCK_EXECUTION'], async () => {
      const stuckBefore = new Date(now.getTime() - config.health.stuckExecutionMs).toISOString();
      const stuck = await db
        .select({ id: executions.id, namespace: executions.namespace, workflow: executions.workflow, updatedAt: executions.updatedAt })
        .from(executions)
        .where(and(eq(executions.status, 'RUNNING'), sql`${executions.updatedAt} < ${stuckBefore}::timestamptz`))
        .orderBy(executions.updatedAt, executions.id)
        .limit(config.alerts.maxPerRule);
      for (const s of stuck) {
        const silentMs = now.getTime() - s.updatedAt.getTime();
        found.push({ rule: 'STUCK_EXECUTION', namespace: s.namespace, subject: s.id, severity: 'WARNING', message: `${s.workflow} execution ${s.id} has reported nothing for ${Math.round(silentMs / 1000)} s`, value: silentMs, threshold: config.health.stuckExecutionMs });
      }
    });

    await rule(['SLA_VIOLATION'], async () => {
      const late = await db
        .select({ id: executions.id, namespace: executions.namespace, workflow: executions.workflow, slaMs: executions.slaMs, startedAt: executions.startedAt, finishedAt: executions.finishedAt })
        .from(executions)
        .where(
          and(
            isNotNull(executions.slaMs),
            isNotNull(executions.startedAt),
            or(
              and(inArray(executions.status, ['RUNNING', 'WAITING_APPROVAL']), sql`${executions.startedAt} + ${executions.slaMs} * interval '1 millisecond' < ${now.toISOString()}::timestamptz`),
              and(sql`${executions.finishedAt} >= ${windowStart}::timestamptz`, sql`${executions.finishedAt} - ${executions.startedAt} > ${executions.slaMs} * interval '1 millisecond'`),
            ),
          ),
        )
        .orderBy(executions.startedAt, executions.id)
        .limit(config.alerts.maxPerRule);
      for (const l of late) {
        const durationMs = (l.finishedAt ?? now).getTime() - l.startedAt!.getTime();
        found.push({ rule: 'SLA_VIOLATION', namespace: l.namespace, subject: l.id, severity: 'WARNING', message: `${l.workflow} execution ${l.id} ${l.finishedAt ? 'took' : 'has run for'} ${Math.round(durationMs / 1000)} s, over its ${Math.round(l.slaMs! / 1000)} s SLA`, value: durationMs, threshold: l.slaMs });
      }
    });
    return { found, unknown };
  }


  /**
   * Appends a SYSTEM_* event with the next seq of its namespace's system stream. Every writer of
   * system events (an evaluation round, acknowledge, resolve) holds MONITOR_LOCK from before its
   * first write, so the streams' seqs follow commit order without a lock of their own.
   */
  async function appendSystemEvent(tx: Db, namespace: string, type: 'SYSTEM_ALERT' | 'SYSTEM_HEALTH', data: unknown, now: Date) {
    const [stream] = await tx
      .insert(systemStreams)
      .values({ namespace, lastSeq: 1 })
      .onConflictDoUpdate({ target: systemStreams.namespace, set: { lastSeq: sql`${systemStreams.lastSeq} + 1` } })
      .returning();
    await tx.insert(events).values({ namespace, seq: stream!.lastSeq, type, data, timestamp: now });
    return namespace;
  }

  const appendAlertEvent = (tx: Db, alert: AlertRow, now: Date) =>
    appendSystemEvent(tx, alert.namespace ?? SYSTEM_NAMESPACE, 'SYSTEM_ALERT', alertSnapshot(alert), now);

  const healthEventData = (current: SystemHealth) => ({
    status: current.status,
    components: current.components.map((c) => ({ component: c.component, status: c.status, message: c.message })),
  });

  function toRow(condition: Condition, state: AlertState, id: string = randomUUID()): AlertRow {
    return {
      id,
      fingerprint: fingerprintOf(condition),
      rule: condition.rule,
      severity: condition.severity,
      status: state.status,
      namespace: condition.namespace,
      subject: condition.subject,
      message: condition.message,
      value: condition.value,
      threshold: condition.threshold,
      firstSeenAt: state.firstSeenAt,
      lastSeenAt: state.lastSeenAt,
      clearSince: state.clearSince,
      occurrences: state.occurrences,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: state.status === 'RESOLVED' ? state.lastSeenAt : null,
    };
  }


  /** While the database is down, keep its COMPONENT_UNHEALTHY alert in memory and push it live. */
  function trackOutage(current: SystemHealth, now: Date) {
    const condition = (
      current.components[0]?.status === 'UNHEALTHY'
        ? { rule: 'COMPONENT_UNHEALTHY', namespace: null, subject: 'database', severity: 'CRITICAL', message: `database is unhealthy: ${current.components[0].message}`, value: null, threshold: null }
        : null
    ) as Condition | null;
    const fingerprint = fingerprintOf({ rule: 'COMPONENT_UNHEALTHY', namespace: null, subject: 'database' });
    const existing = unwritten.get(fingerprint) ?? null;
    if (!condition) return;
    const { state, transition } = advanceAlert(existing, true, now, timing);
    const row = { ...toRow(condition, state!, existing?.id), acknowledgedAt: existing?.acknowledgedAt ?? null, acknowledgedBy: existing?.acknowledgedBy ?? null };
    unwritten.set(fingerprint, row);
    if (transition === 'FIRED') for (const listener of outageListeners) listener(row);
  }

  /** One round of the alert rules; false when another instance holds the round. */
  async function evaluate(): Promise<boolean> {
    const now = clock.now();
    cached = null;
    const current = await health();
    if (current.components[0]?.status === 'UNHEALTHY') {
      trackOutage(current, now);
      return false;
    }
    const { found, unknown } = await conditions(current, now);
    const byFingerprint = new Map(found.map((c) => [fingerprintOf(c), c]));
    const touched = new Set<string>();

    const ran = await db.transaction(async (tx) => {
      const [lock] = await queryRows<{ ok: boolean }>(tx as unknown as Db, sql`select pg_try_advisory_xact_lock(${MONITOR_LOCK}) as ok`);
      if (!lock?.ok) return false;
      const write = tx as unknown as Db;
      for (const alert of unwritten.values()) {
        // Every instance kept its own copy during the outage: the first to write it announces it.
        const [inserted] = await tx.insert(alerts).values(alert).onConflictDoNothing().returning();
        if (inserted && inserted.status !== 'PENDING') touched.add(await appendAlertEvent(write, inserted, now));
      }
      unwritten.clear();

      const open = await tx.select().from(alerts).where(inArray(alerts.status, OPEN));
      const seen = new Set<string>();
      for (const alert of open) {
        seen.add(alert.fingerprint);
        const condition = byFingerprint.get(alert.fingerprint);
        if (!condition && unknown.has(alert.rule)) continue;
        const { state, transition } = advanceAlert(alert, condition !== undefined, now, timing);
        if (transition === 'DISCARDED') {
          await tx.delete(alerts).where(eq(alerts.id, alert.id));
          continue;
        }
        const status: AlertStatus = alert.status === 'ACKNOWLEDGED' && state!.status === 'FIRING' ? 'ACKNOWLEDGED' : state!.status;
        const [updated] = await tx
          .update(alerts)
          .set({
            status,
            lastSeenAt: state!.lastSeenAt,
            clearSince: state!.clearSince,
            occurrences: state!.occurrences,
            resolvedAt: status === 'RESOLVED' ? now : null,
            ...(condition ? { severity: condition.severity, message: condition.message, value: condition.value, threshold: condition.threshold } : {}),
          })
          .where(eq(alerts.id, alert.id))
          .returning();
        if (transition) {
          touched.add(await appendAlertEvent(write, updated!, now));
        }
      }
      for (const [fingerprint, condition] of byFingerprint) {
        if (seen.has(fingerprint)) continue;
        const { state, transition } = advanceAlert(null, true, now, timing);
        const [inserted] = await tx.insert(alerts).values(toRow(condition, state!)).onConflictDoNothing().returning();
        if (inserted && transition) {
          touched.add(await appendAlertEvent(write, inserted, now));
        }
      }

      const [previous] = await tx.select().from(monitorState).where(eq(monitorState.id, 1));
      if (previous?.healthStatus !== current.status) {
        touched.add(await appendSystemEvent(write, SYSTEM_NAMESPACE, 'SYSTEM_HEALTH', healthEventData(current), now));
      }
      await tx
        .insert(monitorState)
        .values({ id: 1, lastEvaluatedAt: now, healthStatus: current.status })
        .onConflictDoUpdate({ target: monitorState.id, set: { lastEvaluatedAt: now, healthStatus: current.status } });
      return true;
    });
    if (ran) {
      lastRound = now;
      for (const namespace of touched) bus.publish({ namespace, executionId: null });
    }
    return ran;
  }

  async function setStatus(id: string, scope: NamespaceScope, patch: (alert: AlertRow, now: Date) => Partial<AlertRow> | null) {
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      // The same lock as an evaluation round, taken before any write: the two never interleave
      // (no lost acknowledgement, no deadlock) and system events keep their seq order.
      await tx.execute(sql`select pg_advisory_xact_lock(${MONITOR_LOCK})`);
      const [alert] = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.id, id), visible(scope)))
        .for('update');
      if (!alert) throw notFound('Alert', id);
      const changes = patch(alert, now);
      if (!changes) return { alert, changed: false };
      const [updated] = await tx.update(alerts).set(changes).where(eq(alerts.id, id)).returning();
      const namespace = await appendAlertEvent(tx as unknown as Db, updated!, now);
      return { alert: updated!, changed: true, namespace };
    });
    if (result.changed) bus.publish({ namespace: result.namespace!, executionId: null });
    return result.alert;
  }

  return {
    health,
    evaluate,
    /** Alerts fired while the database is down, before they can reach the event log. */
    onUnwrittenAlert(listener: (alert: AlertRow) => void) {
      outageListeners.add(listener);
      return () => void outageListeners.delete(listener);
    },

    async listAlerts(filter: { status?: readonly AlertStatus[] | null; severity?: readonly AlertSeverity[] | null }, scope: NamespaceScope, after: { firstSeenAt: Date; id: string } | null, limit: number) {
      const statuses = filter.status?.length ? filter.status : (['FIRING', 'ACKNOWLEDGED', 'RESOLVED'] as AlertStatus[]);
      return db
        .select()
        .from(alerts)
        .where(
          and(
            inArray(alerts.status, [...statuses]),
            ne(alerts.status, 'PENDING'),
            filter.severity?.length ? inArray(alerts.severity, [...filter.severity]) : undefined,
            visible(scope),
            after ? sql`(${alerts.firstSeenAt}, ${alerts.id}) < (${after.firstSeenAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(alerts.firstSeenAt), desc(alerts.id))
        .limit(limit + 1);
    },

    async alertsByIds(ids: readonly string[], scope: NamespaceScope) {
      if (ids.length === 0) return [];
      return db.select().from(alerts).where(and(inArray(alerts.id, [...ids]), ne(alerts.status, 'PENDING'), visible(scope)));
    },

    acknowledge(id: string, by: string, scope: NamespaceScope) {
      if (by.trim() === '') throw new DomainError('BAD_USER_INPUT', 'by must not be empty', { field: 'by' });
      return setStatus(id, scope, (alert, now) => {
        if (alert.status === 'ACKNOWLEDGED') return null;
        if (alert.status !== 'FIRING') throw new DomainError('INVALID_TRANSITION', `Cannot acknowledge the alert: it is ${alert.status}`, { status: alert.status });
        return { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedBy: by };
      });
    },

    resolve(id: string, scope: NamespaceScope) {
      return setStatus(id, scope, (alert, now) => {
        if (alert.status === 'RESOLVED') return null;
        if (alert.status === 'PENDING') throw notFound('Alert', id);
        return { status: 'RESOLVED', resolvedAt: now };
      });
    },

    start() {
      const tick = () => {
        round ??= evaluate()
          .catch((error: unknown) => log.warn({ err: error }, 'alert evaluation failed; retrying next round'))
          .finally(() => (round = null));
      };
      timer = setInterval(tick, config.alerts.intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await round;
    },
  };
}

export type Monitor = ReturnType<typeof createMonitor>;

/** What subscribers and the event log carry about an alert. */
export function alertSnapshot(alert: AlertRow) {
  return {
    alertId: alert.id,
    fingerprint: alert.fingerprint,
    rule: alert.rule,
    severity: alert.severity,
    status: alert.status,
    namespace: alert.namespace,
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


async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
