/**
 * Retention: the monitor's leader runs a pass every RETENTION_INTERVAL_MS (and on its first round).
 * A pass creates the day partitions of executions, steps and events RETENTION_PARTITIONS_AHEAD days
 * ahead, drops the days past the raw retention (keeping open executions, see src/db/retention.ts),
 * and prunes the rollups per namespace. What it did (or why it failed) is stored, so every instance's
 * `retention` health component reports it and COMPONENT_UNHEALTHY alerts on a failing pass.
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { NamespaceScope } from '../db/query.js';
import {
  allRetentionSettings,
  createDayPartition,
  dayPartitions,
  daysInDefaultPartitions,
  dropDayPartitions,
  oldestKeptData,
  pruneDefaultPartitions,
  pruneRollups,
  recordRetentionState,
  retentionStateOf,
  isLockTimeout,
  lockTables,
  tableSizes,
  upsertRetentionSettings,
  PARTITIONED_TABLES,
  type PartitionedTable,
} from '../db/retention.js';
import { compareEventPositions, type EventPosition } from '../domain/cursors.js';
import { DAY_MS } from '../domain/metrics.js';
import {
  daysAhead,
  daysBeforeCutoff,
  effectiveRetention,
  rawCutoff,
  rollupCutoffs,
  validateRetention,
  type RetentionDays,
  type RetentionOverride,
  type StorageReport,
} from '../domain/retention.js';
import { DomainError } from '../errors.js';
import type { Logger } from '../logger.js';
import { namespaceName, parseInput, type Clock } from './executions.js';

export type { StorageReport };

interface Deps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'retention'>;
  logger: Logger;
}

/** What one pass changed. */
export interface RetentionPass {
  created: string[];
  droppedDays: Date[];
  rawKeptFrom: Date;
}

const asDb = (tx: unknown) => tx as Db;
const LOCK_ATTEMPT_MS = 100;

export interface RetentionView {
  namespace: string;
  own: RetentionOverride | null;
  effective: RetentionDays;
}

function readable(namespace: string, scope: NamespaceScope) {
  parseInput(z.object({ namespace: namespaceName }), { namespace });
  if (scope !== null && !scope.includes(namespace)) throw new DomainError('FORBIDDEN', `You may not read or change the retention of namespace "${namespace}"`);
}
const later = (a: EventPosition | null, b: EventPosition | null) => (!a ? b : !b ? a : compareEventPositions(a, b) >= 0 ? a : b);

export async function storageReport(db: Db): Promise<StorageReport> {
  const [tables, oldest, state] = await Promise.all([tableSizes(db), oldestKeptData(db), retentionStateOf(db)]);
  return {
    tables,
    oldestExecutionAt: oldest.executionCreatedAt,
    oldestEventAt: oldest.eventAt,
    rawKeptFrom: state?.rawKeptFrom ?? null,
    lastPassAt: state?.lastRunAt ?? null,
    lastSuccessAt: state?.lastSuccessAt ?? null,
    lastError: state?.lastError ?? null,
    failures: state?.failures ?? 0,
  };
}

/** The day partitions' side of a pass: creating them ahead, dropping expired days (each under its locks). */
function partitionKeeper(db: Db, config: Pick<Config, 'retention'>) {
  /**
   * Runs `work` in a transaction that first takes ACCESS EXCLUSIVE locks on `tables`, all at once. An
   * attempt waits at most LOCK_ATTEMPT_MS, below Postgres' deadlock_timeout (1 s): a pass never sits
   * in a lock cycle with writers (it gives way and tries again, so no writer is a deadlock victim) and
   * writers queue behind its request only briefly. It gives up after RETENTION_LOCK_TIMEOUT_MS.
   */
  async function withLocks<T>(tables: readonly PartitionedTable[], work: (tx: Db) => Promise<T>): Promise<T> {
    const deadline = Date.now() + config.retention.lockTimeoutMs;
    for (;;) {
      try {
        return await db.transaction(async (tx) => {
          await lockTables(asDb(tx), tables, LOCK_ATTEMPT_MS);
          return work(asDb(tx));
        });
      } catch (error) {
        if (!isLockTimeout(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * LOCK_ATTEMPT_MS));
      }
    }
  }

  /** Today's partitions and those ahead, and those of kept days with rows in the default partitions. */
  async function createPartitions(now: Date, cutoff: Date): Promise<string[]> {
    const existing = await dayPartitions(db);
    const stray = (await daysInDefaultPartitions(db)).filter((day) => day.getTime() >= cutoff.getTime());
    const days = [...new Map([...daysAhead(now, config.retention.partitionsAhead), ...stray].map((d) => [d.getTime(), d])).values()];
    const created: string[] = [];
    for (const day of days) {
      const missing = PARTITIONED_TABLES.filter(({ table }) => !existing.get(table)!.some((d) => d.getTime() === day.getTime()));
      if (missing.length === 0) continue;
      for (const { table } of missing) await withLocks([table], (tx) => createDayPartition(tx, table, day));
      created.push(...missing.map(({ table }) => `${table}:${day.toISOString().slice(0, 10)}`));
    }
    return created;
  }

  /** Drops each day past `cutoff`, one transaction per day; returns the days and the newest event position dropped. */
  async function dropExpired(cutoff: Date) {
    const existing = await dayPartitions(db);
    const days = daysBeforeCutoff([...existing.values()].flat(), cutoff);
    let dropped: EventPosition | null = null;
    for (const day of days) {
      const tables = new Set<PartitionedTable>(PARTITIONED_TABLES.filter(({ table }) => existing.get(table)!.some((d) => d.getTime() === day.getTime())).map((t) => t.table));
      // Recorded in the drop's transaction: no day is gone without cursors before it expiring.
      dropped = await withLocks([...tables], async (tx) => recordDropped(tx, later(dropped, await dropDayPartitions(tx, day, tables)), cutoff));
    }
    await db.transaction(async (tx) => recordDropped(asDb(tx), later(dropped, await pruneDefaultPartitions(asDb(tx), cutoff)), cutoff));
    return days;
  }

  /** Records `dropped` as the newest event position gone (the record never moves back); returns `dropped`. */
  async function recordDropped(tx: Db, dropped: EventPosition | null, rawKeptFrom: Date) {
    const state = await retentionStateOf(tx);
    const previous = state?.droppedThroughTxId != null && state.droppedThroughId != null ? { txId: state.droppedThroughTxId, id: state.droppedThroughId } : null;
    const through = later(previous, dropped);
    await recordRetentionState(tx, {
      lastRunAt: state?.lastRunAt ?? null,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastError: state?.lastError ?? null,
      failures: state?.failures ?? 0,
      droppedThroughTxId: through?.txId ?? null,
      droppedThroughId: through?.id ?? null,
      rawKeptFrom: state?.rawKeptFrom && state.rawKeptFrom > rawKeptFrom ? state.rawKeptFrom : rawKeptFrom,
    });
    return dropped;
  }

  return { createPartitions, dropExpired };
}

export function createRetentionService(deps: Deps) {
  const { db, clock, config } = deps;
  const log = deps.logger.child({ component: 'retention' });
  const defaults: RetentionDays = config.retention;
  const { createPartitions, dropExpired } = partitionKeeper(db, config);
  let lastPassAt: number | null = null;

  async function of(namespace: string, scope: NamespaceScope): Promise<RetentionView> {
    readable(namespace, scope);
    const row = (await allRetentionSettings(db)).find((r) => r.namespace === namespace) ?? null;
    return { namespace, own: row, effective: effectiveRetention(defaults, row) };
  }

  async function recordOutcome(now: Date, error: Error | null) {
    const state = await retentionStateOf(db);
    await recordRetentionState(db, {
      droppedThroughTxId: state?.droppedThroughTxId ?? null,
      droppedThroughId: state?.droppedThroughId ?? null,
      rawKeptFrom: state?.rawKeptFrom ?? null,
      lastRunAt: now,
      lastSuccessAt: error ? (state?.lastSuccessAt ?? null) : now,
      lastError: error ? error.message : null,
      failures: error ? (state?.failures ?? 0) + 1 : 0,
    });
  }

  /** One pass now: partitions ahead, expired days dropped, rollups pruned; throws (after recording it) when it fails. */
  async function run(): Promise<RetentionPass> {
    const now = clock.now();
    lastPassAt = now.getTime();
    try {
      const overrides = await allRetentionSettings(db);
      const cutoff = rawCutoff(now, defaults, overrides);
      const created = await createPartitions(now, cutoff);
      const droppedDays = await dropExpired(cutoff);
      await db.transaction(async (tx) => pruneRollups(asDb(tx), rollupCutoffs(now, defaults, overrides)));
      await recordOutcome(now, null);
      if (created.length || droppedDays.length) log.info({ created, dropped: droppedDays.map((d) => d.toISOString().slice(0, 10)) }, 'retention pass');
      return { created, droppedDays, rawKeptFrom: cutoff };
    } catch (error) {
      await recordOutcome(now, error as Error).catch(() => {});
      throw error;
    }
  }

  return {
    run,

    /** The leader's hook, once per round: a pass when none ran for RETENTION_INTERVAL_MS; a failure is recorded and logged, never thrown. */
    async onLeaderRound(): Promise<void> {
      if (lastPassAt !== null && clock.now().getTime() - lastPassAt < config.retention.intervalMs) return;
      await run().catch((error: unknown) => log.error({ err: error }, 'retention pass failed; the retention health component says so, retrying next interval'));
    },

    /** Since when raw rows are kept (null: nothing dropped yet) and since when every namespace's minute rollups are. */
    async horizon(): Promise<{ rawKeptFrom: Date | null; minuteRollupsFrom: Date }> {
      const [state, overrides] = await Promise.all([retentionStateOf(db), allRetentionSettings(db)]);
      const shortest = Math.min(defaults.minuteRollupDays, ...overrides.map((o) => o.minuteRollupDays ?? Infinity));
      return { rawKeptFrom: state?.rawKeptFrom ?? null, minuteRollupsFrom: new Date(clock.now().getTime() - shortest * DAY_MS) };
    },

    storage: () => storageReport(db),

    of,

    /** Sets a namespace's values: a value left out keeps the current one, null the default again. */
    async set(namespace: string, values: Partial<RetentionOverride>, scope: NamespaceScope): Promise<RetentionView> {
      const current = await of(namespace, scope);
      const own: RetentionOverride = {
        rawDays: values.rawDays === undefined ? (current.own?.rawDays ?? null) : values.rawDays,
        rollupDays: values.rollupDays === undefined ? (current.own?.rollupDays ?? null) : values.rollupDays,
        minuteRollupDays: values.minuteRollupDays === undefined ? (current.own?.minuteRollupDays ?? null) : values.minuteRollupDays,
      };
      validateRetention(effectiveRetention(defaults, own));
      // A day partition holds every namespace's rows, so raw rows are kept as long as the longest
      // setting asks: only a key of every namespace may make one namespace hold back everyone's drops.
      if (scope !== null && values.rawDays != null && values.rawDays > defaults.rawDays) {
        throw new DomainError('FORBIDDEN', `A key limited to namespaces may set rawDays up to the default ${defaults.rawDays}, not ${own.rawDays}`, {
          field: 'rawDays',
          reason: 'RAW_RETENTION_ABOVE_DEFAULT',
          max: defaults.rawDays,
        });
      }
      const row = await upsertRetentionSettings(db, namespace, own, clock.now());
      return { namespace, own: row, effective: effectiveRetention(defaults, row) };
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
