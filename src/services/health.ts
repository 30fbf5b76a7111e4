/**
 * The system's health: six components (seven with read replicas) checked in order, cached for
 * HEALTH_CACHE_MS so that a burst of reads costs one check. GET /health, the `health` query and
 * subscription and every alert round read it here. The database comes first: while it is
 * unreachable the others are unknown.
 */
import type { Config } from '../config.js';
import { lastRound } from '../db/alerts.js';
import type { Database } from '../db/client.js';
import { lateOpenExecutions, oldestHeldBackEvent, queueLength } from '../db/health.js';
import { retentionStateOf } from '../db/retention.js';
import { formatDuration } from '../domain/durations.js';
import { grade, healthKey, worstOf, type ComponentHealth, type SystemHealth } from '../domain/health.js';
import type { Clock } from './executions.js';
import { storageReport, type StorageReport } from './retention.js';

/** What the live parts of the process report about themselves, for the `events` component. */
export interface LiveStatus {
  listening: () => boolean | null;
  /** Round-trip of a wake-up through the bus (and NOTIFY when there is one), in ms. */
  wakeUpLagMs: () => Promise<number>;
}

interface Deps {
  database: Database;
  clock: Clock;
  config: Pick<Config, 'health' | 'alerts' | 'database'>;
  live: LiveStatus;
}

/** What a check found; the service adds the component's name, since when it is so, and when. */
type Reading = Pick<ComponentHealth, 'status' | 'message'> &
  Partial<Pick<ComponentHealth, 'latencyMs' | 'observedValue' | 'threshold' | 'uncountedMessage'>>;

/** What the checks read: the service's dependencies and when it started (by its clock). */
type CheckDeps = Deps & { startedAt: Date };

interface HealthComponent {
  name: string;
  check(deps: CheckDeps, now: Date): Promise<Reading>;
  /** Whether this instance reports it (all when omitted). */
  reported?(deps: Deps): boolean;
}

async function checkDatabase({ database, config }: Deps): Promise<Reading> {
  try {
    const latencyMs = await withTimeout(database.ping(), config.health.dbTimeoutMs);
    const status = grade(latencyMs, config.health.dbLatencyMs, Infinity);
    const message = status === 'HEALTHY' ? 'reachable' : `slow: ${latencyMs.toFixed(0)} ms per query`;
    return { status, message, latencyMs, observedValue: latencyMs, threshold: config.health.dbLatencyMs };
  } catch (error) {
    return { status: 'UNHEALTHY', message: `unreachable: ${(error as Error).message}` };
  }
}

async function checkEngine({ database, config }: Deps, now: Date): Promise<Reading> {
  const { stuck, overdue, late } = await lateOpenExecutions(database.db, now, new Date(now.getTime() - config.health.stuckExecutionMs));
  const inTime = 'every running execution reports in time';
  const message = late === 0 ? inTime : `${late} late (${stuck} stuck, ${overdue} past their timeout; one that is both counts once)`;
  const status = grade(late, 1, config.health.engineUnhealthyCount);
  const uncounted = late === 0 ? inTime : 'running executions are stuck or past their timeout';
  return { status, message, uncountedMessage: uncounted, observedValue: late, threshold: 0 };
}

async function checkQueue({ database, config }: Deps, now: Date): Promise<Reading> {
  const { depth, oldestQueuedAt } = await queueLength(database.db);
  const ageMs = oldestQueuedAt ? now.getTime() - oldestQueuedAt.getTime() : 0;
  const { queueDepthThreshold: threshold, queueAgeDegradedMs, queueAgeUnhealthyMs } = config.health;
  const status = worstOf([grade(depth, threshold, threshold * 10), grade(ageMs, queueAgeDegradedMs, queueAgeUnhealthyMs)]);
  const uncounted = status === 'HEALTHY' ? 'the queue is within its limits' : 'the queue is deeper or older than its limits';
  return { status, message: `${depth} queued, oldest ${formatDuration(ageMs)}`, uncountedMessage: uncounted, observedValue: depth, threshold };
}

async function checkEvents({ database, config, live }: Deps, now: Date): Promise<Reading> {
  const { wakeUpLagMs, heldBackMs: heldBackThreshold } = config.health;
  const listening = live.listening();
  const lagMs = await withTimeout(live.wakeUpLagMs(), wakeUpLagMs * 4).catch(() => Infinity);
  const oldest = await oldestHeldBackEvent(database.db);
  const heldMs = oldest ? Math.max(0, now.getTime() - oldest.getTime()) : 0;
  const status = worstOf([
    listening === false ? 'UNHEALTHY' : 'HEALTHY',
    grade(lagMs, wakeUpLagMs, wakeUpLagMs * 4),
    grade(heldMs, heldBackThreshold, heldBackThreshold * 6),
  ]);
  const parts = [
    listening === null ? 'in-process wake-ups' : listening ? 'listener connected' : 'listener disconnected',
    `wake-up lag ${Number.isFinite(lagMs) ? `${lagMs.toFixed(1)} ms` : 'timed out'}`,
    heldMs > 0 ? `events held back ${Math.round(heldMs)} ms by an older transaction` : null,
  ];
  const latencyMs = Number.isFinite(lagMs) ? lagMs : null;
  return { status, message: parts.filter(Boolean).join(', '), latencyMs, observedValue: heldMs, threshold: heldBackThreshold };
}

/** Each read replica's lag; one skipped (lagging past DATABASE_REPLICA_MAX_LAG_MS, unreachable) leaves its reads to the primary. */
async function checkReplicas({ database, config }: Deps): Promise<Reading> {
  const replicas = database.replicas();
  const skipped = replicas.filter((replica) => !replica.serving);
  const lags = replicas.flatMap((replica) => (replica.lagMs === null ? [] : [replica.lagMs]));
  const describe = (replica: (typeof replicas)[number]) =>
    replica.serving ? `${replica.name} lag ${formatDuration(replica.lagMs ?? 0)}` : `${replica.name} skipped (${replica.problem})`;
  const message =
    replicas.map(describe).join('; ') +
    (skipped.length === replicas.length ? '; every read on the primary' : skipped.length > 0 ? '; its reads on the other replicas' : '');
  return {
    status: skipped.length > 0 ? 'DEGRADED' : 'HEALTHY',
    message,
    observedValue: lags.length > 0 ? Math.max(...lags) : null,
    threshold: config.database.replicaMaxLagMs,
  };
}

/**
 * The last round by any instance, and who leads. An instance with MONITOR_ENABLED=false cannot
 * tell whether another one is meant to evaluate, so without recent rounds it says DEGRADED (not
 * UNHEALTHY) and that evaluation is off here; before any round, the first is given 3 intervals.
 */
async function checkMonitor({ database, config, startedAt }: CheckDeps, now: Date): Promise<Reading> {
  const last = await lastRound(database.db);
  const { intervalMs, enabled } = config.alerts;
  const ageMs = Math.max(0, now.getTime() - (last?.lastEvaluatedAt ?? startedAt).getTime());
  const status = grade(ageMs, intervalMs * 3, enabled ? intervalMs * 10 : Infinity);
  const off = enabled ? '' : '; alert evaluation is off on this instance (MONITOR_ENABLED=false)';
  const leader = last && `leader ${last.leaderId ?? 'unknown'} since ${last.leaderSince?.toISOString() ?? 'unknown'}, round ${last.rounds}`;
  let message: string;
  if (status !== 'HEALTHY') {
    const intervals = Math.floor(ageMs / intervalMs);
    message = `no instance has evaluated the alert rules for ${intervals} intervals (${formatDuration(ageMs)})${leader ? `; last: ${leader}` : ''}${off}`;
  } else {
    message = leader ? `${leader}, last evaluation ${formatDuration(ageMs)} ago${off}` : `first evaluation pending${off}`;
  }
  return { status, message, observedValue: ageMs, threshold: intervalMs * 3 };
}

/** The last retention pass by any instance: UNHEALTHY while the latest failed (COMPONENT_UNHEALTHY alerts on it). */
async function checkRetention({ database }: Deps, now: Date): Promise<Reading> {
  const state = await retentionStateOf(database.db);
  const failures = state?.failures ?? 0;
  const kept = state?.rawKeptFrom ? `; raw rows kept from ${state.rawKeptFrom.toISOString()}` : '';
  let message: string;
  if (failures > 0) {
    const success = state?.lastSuccessAt ? `last success ${formatDuration(now.getTime() - state.lastSuccessAt.getTime())} ago` : 'no pass has succeeded';
    message = `the last ${failures} retention pass(es) failed (${success}): ${state?.lastError ?? 'unknown error'}`;
  } else {
    message = state?.lastSuccessAt ? `last pass ${formatDuration(Math.max(0, now.getTime() - state.lastSuccessAt.getTime()))} ago${kept}` : 'first pass pending';
  }
  return { status: failures > 0 ? 'UNHEALTHY' : 'HEALTHY', message, observedValue: failures, threshold: 1 };
}

/** The components in the order they are reported; the database's, which the others need, first. */
const COMPONENTS: readonly [HealthComponent, ...HealthComponent[]] = [
  { name: 'database', check: checkDatabase },
  { name: 'replicas', check: checkReplicas, reported: ({ database }) => database.replicas().length > 0 },
  { name: 'engine', check: checkEngine },
  { name: 'queue', check: checkQueue },
  { name: 'events', check: checkEvents },
  { name: 'monitor', check: checkMonitor },
  { name: 'retention', check: checkRetention },
];

/** Whether the health says the database cannot be reached (nothing can be written then). */
export const databaseUnreachable = (health: SystemHealth) => health.components[0]?.status === 'UNHEALTHY';

/** Checks the components, caches the result for a short time and tells when it changes. */
export function createHealthService(deps: Deps) {
  const checkDeps: CheckDeps = { ...deps, startedAt: deps.clock.now() };
  const [first, ...others] = COMPONENTS;
  const dependent = others.filter((c) => c.reported?.(deps) ?? true);
  const since = new Map<string, { status: ComponentHealth['status']; since: Date }>();
  let cached: { health: SystemHealth; at: number } | null = null;
  let checking: Promise<SystemHealth> | null = null;

  function component(name: string, reading: Reading, now: Date): ComponentHealth {
    const previous = since.get(name);
    const entered = previous && previous.status === reading.status ? previous.since : now;
    since.set(name, { status: reading.status, since: entered });
    return { component: name, latencyMs: null, observedValue: null, threshold: null, uncountedMessage: null, ...reading, since: entered, checkedAt: now };
  }

  async function check(): Promise<SystemHealth> {
    const now = deps.clock.now();
    const database = component(first.name, await first.check(checkDeps, now), now);
    const components = [database];
    for (const { name, check } of dependent) {
      const reading: Reading =
        database.status === 'UNHEALTHY'
          ? { status: 'DEGRADED', message: 'unknown: the database is unreachable' }
          : await check(checkDeps, now).catch((error: unknown) => ({ status: 'DEGRADED' as const, message: `check failed: ${(error as Error).message}` }));
      components.push(component(name, reading, now));
    }
    const storage: StorageReport | null = database.status === 'UNHEALTHY' ? null : await storageReport(deps.database.db).catch(() => null);
    return { status: worstOf(components.map((c) => c.status)), checkedAt: now, components, storage };
  }

  /** The latest health, at most HEALTH_CACHE_MS old; a burst of reads costs one check. */
  function current(): Promise<SystemHealth> {
    if (cached && Date.now() - cached.at < deps.config.health.cacheMs) return Promise.resolve(cached.health);
    // Shared by every reader and about the primary itself (held-back events need its snapshot).
    checking ??= deps.database.readFromPrimary(check)
      .then((result) => {
        cached = { health: result, at: Date.now() };
        return result;
      })
      .finally(() => (checking = null));
    return checking;
  }

  return {
    current,

    /** The health checked now (or by the check already under way), not a cached one. */
    refresh(): Promise<SystemHealth> {
      cached = null;
      return current();
    },

    /** The current health, then again whenever the overall or any component status changes. */
    async *changes(signal: AbortSignal): AsyncGenerator<SystemHealth> {
      let last = '';
      let wake = () => {};
      signal.addEventListener('abort', () => wake(), { once: true });
      while (!signal.aborted) {
        const health = await current().catch(() => null);
        if (health && healthKey(health) !== last) {
          last = healthKey(health);
          yield health;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deps.config.health.cacheMs);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;

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
