/**
 * The settings of an alert rule: the defaults (from the environment), a namespace's overrides of
 * them, and the validation of an override. Pure: no I/O.
 */
import { z } from 'zod';
import { formatDuration } from './durations.js';
import { ALERT_SEVERITIES, type AlertSeverity } from './alerts.js';

/** The effective settings of one rule in one namespace; null for a setting the rule does not take. */
export interface RuleSettings {
  enabled: boolean;
  /** The severity of its alerts; rules that escalate (a rate twice its threshold) go one above. */
  severity: AlertSeverity;
  threshold: number | null;
  windowMs: number | null;
  /** Rates are judged only with at least this many finished executions in the window. */
  minSample: number | null;
  pendingMs: number;
  holdMs: number;
}

export type SettingName = keyof RuleSettings;
export const SETTING_NAMES = ['enabled', 'severity', 'threshold', 'windowMs', 'minSample', 'pendingMs', 'holdMs'] as const satisfies readonly SettingName[];

/** A namespace's own values; a missing or null one keeps the default. */
export type RuleOverride = { [K in SettingName]?: RuleSettings[K] | null };

export type SettingSource = 'DEFAULT' | 'NAMESPACE';

export interface EffectiveSettings {
  settings: RuleSettings;
  sources: Record<SettingName, SettingSource>;
}

/** The defaults with a namespace's overrides applied, and where each value comes from. */
export function effectiveSettings(defaults: RuleSettings, override: RuleOverride | null): EffectiveSettings {
  const settings = { ...defaults } as Record<SettingName, unknown>;
  const sources = {} as Record<SettingName, SettingSource>;
  for (const name of SETTING_NAMES) {
    const own = override?.[name];
    const applies = defaults[name] !== null;
    if (own !== null && own !== undefined && applies) settings[name] = own;
    sources[name] = own !== null && own !== undefined && applies ? 'NAMESPACE' : 'DEFAULT';
  }
  return { settings: settings as unknown as RuleSettings, sources };
}

/** What a rule's threshold measures, which sets its range. */
export type ThresholdKind = 'percent' | 'count' | 'depth';

const THRESHOLDS: Record<ThresholdKind, z.ZodNumber> = {
  percent: z.number().min(0, 'must be a percentage from 0 to 100').max(100, 'must be a percentage from 0 to 100'),
  count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000'),
  depth: z.number().int('must be a whole number').min(0, 'must not be negative').max(10_000_000, 'must be at most 10000000'),
};

/** Longest window, pending or hold period a rule takes. */
export const MAX_PERIOD_MS = 7 * 86_400_000;

const period = (min: number, minMessage: string) =>
  z.number().int('must be a whole number of milliseconds').min(min, minMessage).max(MAX_PERIOD_MS, `must be at most ${MAX_PERIOD_MS} (7 days)`);

/**
 * The schema of an override of `rule`: which settings the rule takes (those whose default is not
 * null) and their ranges. A window must be at least the evaluation interval.
 */
export function overrideSchema(rule: string, defaults: RuleSettings, threshold: ThresholdKind | null, intervalMs: number) {
  const notTaken = z.null({ error: `does not apply to ${rule}` }).optional();
  const taken = <T extends z.ZodType>(name: SettingName, schema: T) => (defaults[name] === null ? notTaken : schema.nullish());
  return z.object({
    enabled: z.boolean().nullish(),
    severity: z.enum(ALERT_SEVERITIES).nullish(),
    threshold: threshold ? taken('threshold', THRESHOLDS[threshold]) : notTaken,
    windowMs: taken('windowMs', period(intervalMs, `must be at least the evaluation interval (MONITOR_INTERVAL_MS, ${formatDuration(intervalMs)})`)),
    minSample: taken('minSample', THRESHOLDS.count),
    pendingMs: period(0, 'must not be negative').nullish(),
    holdMs: period(0, 'must not be negative').nullish(),
  });
}
