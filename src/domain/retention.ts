/** Pure rules of retention: effective settings, cutoffs, and the partitions a pass creates and drops. */
import { badInput } from '../errors.js';
import { DAY_MS } from './metrics.js';

export interface RetentionDays {
  /** Days of executions, steps and events. */
  rawDays: number;
  /** Days of hour and day rollups. */
  rollupDays: number;
  /** Days of minute rollups. */
  minuteRollupDays: number;
}

export type RetentionOverride = { [K in keyof RetentionDays]: number | null };

export const MAX_RETENTION_DAYS = 3650;

/** A namespace's settings: its own values where it has them, the defaults otherwise. */
export const effectiveRetention = (defaults: RetentionDays, override: Partial<RetentionOverride> | null | undefined): RetentionDays => ({
  rawDays: override?.rawDays ?? defaults.rawDays,
  rollupDays: override?.rollupDays ?? defaults.rollupDays,
  minuteRollupDays: override?.minuteRollupDays ?? defaults.minuteRollupDays,
});

/** Each value 1..3650 days, minute rollups kept no longer than the coarser ones; every problem at once. */
export function validateRetention(days: RetentionDays) {
  const problems: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(days)) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS) problems.push({ field, message: `must be a whole number of days, 1 to ${MAX_RETENTION_DAYS}` });
  }
  if (days.minuteRollupDays > days.rollupDays) problems.push({ field: 'minuteRollupDays', message: 'must not exceed rollupDays' });
  if (problems.length) throw badInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

export const startOfUtcDay = (at: Date) => new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
const daysBefore = (at: Date, days: number) => new Date(at.getTime() - days * DAY_MS);

/**
 * Raw rows are dropped by whole UTC days, and a day holds every namespace's rows: a day goes once it
 * is past the longest raw retention of any namespace (and the default), counted from the start of today.
 */
export function rawCutoff(now: Date, defaults: RetentionDays, overrides: readonly Partial<RetentionOverride>[]): Date {
  const longest = Math.max(defaults.rawDays, ...overrides.map((o) => o.rawDays ?? 0));
  return daysBefore(startOfUtcDay(now), longest);
}

/** Where each namespace's rollups start (`byNamespace` for namespaces with their own values; `fallback` for the rest). */
export function rollupCutoffs(now: Date, defaults: RetentionDays, overrides: readonly (Partial<RetentionOverride> & { namespace: string })[]) {
  const cutoffsOf = (pick: (d: RetentionDays) => number) => ({
    byNamespace: new Map(overrides.map((o) => [o.namespace, daysBefore(now, pick(effectiveRetention(defaults, o)))])),
    fallback: daysBefore(now, pick(defaults)),
  });
  return { minutes: cutoffsOf((d) => d.minuteRollupDays), coarse: cutoffsOf((d) => d.rollupDays) };
}

/** The days from today through `ahead` days later (UTC midnights): each needs its partitions. */
export function daysAhead(now: Date, ahead: number): Date[] {
  const today = startOfUtcDay(now).getTime();
  return Array.from({ length: ahead + 1 }, (_, i) => new Date(today + i * DAY_MS));
}

/** The days wholly before `cutoff` among `days`, oldest first. */
export const daysBeforeCutoff = (days: Iterable<Date>, cutoff: Date) =>
  [...new Set([...days].map((d) => d.getTime()))]
    .filter((day) => day + DAY_MS <= cutoff.getTime())
    .sort((a, b) => a - b)
    .map((day) => new Date(day));

/** Storage as health and systemMetrics report it. */
export interface StorageReport {
  /** Bytes on disk (indexes and TOAST included) per table, summed over its partitions. */
  tables: { table: string; bytes: number; partitions: number }[];
  oldestExecutionAt: Date | null;
  oldestEventAt: Date | null;
  rawKeptFrom: Date | null;
  lastPassAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  failures: number;
}
