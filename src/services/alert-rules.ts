/**
 * The alert rules, as data. A rule is its id, a query through the data layer (src/db/alert-rules.ts)
 * and a pure evaluation (src/domain/alert-rules.ts) that turns the rows and thresholds into this
 * round's findings. Adding a rule: its entry in ALERT_RULES, its query and its evaluation. The
 * `AlertRule` type, the stored `rule` column and the API's description of `Alert.rule` come from
 * this list.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { finishedOutcomes, lateExecutions, queueDepths, silentExecutions } from '../db/alert-rules.js';
import {
  highFailureRate,
  highQueueDepth,
  highTimeoutRate,
  slaViolations,
  stuckExecutions,
  unhealthyComponents,
  type AlertSettings,
} from '../domain/alert-rules.js';
import type { Finding } from '../domain/alerts.js';
import type { SystemHealth } from '../domain/health.js';

/** What a rule's query may read in one round. */
export interface RoundInput {
  db: Db;
  now: Date;
  /** The health checked at the start of the round. */
  health: SystemHealth;
  settings: AlertSettings;
}

export interface AlertRuleDefinition<Id extends string = string, Rows = unknown> {
  readonly id: Id;
  /** Reads what the rule judges; a query that fails leaves the rule's alerts as they are this round. */
  query(round: RoundInput): Promise<Rows>;
  /** Pure: this round's findings, from the rows and the thresholds. */
  evaluate(rows: Rows, settings: AlertSettings, now: Date): Finding[];
}

const rule = <Id extends string, Rows>(definition: AlertRuleDefinition<Id, Rows>) => definition;

/** A query run once per round, however many rules judge its rows. */
function oncePerRound<T>(query: (round: RoundInput) => Promise<T>) {
  const results = new WeakMap<RoundInput, Promise<T>>();
  return (round: RoundInput) => {
    let result = results.get(round);
    if (!result) results.set(round, (result = query(round)));
    return result;
  };
}

const ago = (round: RoundInput, ms: number) => new Date(round.now.getTime() - ms);
const recentOutcomes = oncePerRound((round) => finishedOutcomes(round.db, ago(round, round.settings.rateWindowMs)));

/** Every component the health check finds UNHEALTHY; the database's own alert is also kept through an outage. */
export const COMPONENT_UNHEALTHY = rule({
  id: 'COMPONENT_UNHEALTHY',
  query: async (round) => round.health.components,
  evaluate: unhealthyComponents,
});

/** Every rule, in the order the API lists them. */
export const ALERT_RULES = [
  rule({ id: 'HIGH_TIMEOUT_RATE', query: recentOutcomes, evaluate: highTimeoutRate }),
  rule({ id: 'HIGH_FAILURE_RATE', query: recentOutcomes, evaluate: highFailureRate }),
  rule({ id: 'HIGH_QUEUE_DEPTH', query: (round) => queueDepths(round.db), evaluate: highQueueDepth }),
  COMPONENT_UNHEALTHY,
  rule({
    id: 'STUCK_EXECUTION',
    query: (round) => silentExecutions(round.db, ago(round, round.settings.stuckExecutionMs), round.settings.maxPerRule),
    evaluate: stuckExecutions,
  }),
  rule({
    id: 'SLA_VIOLATION',
    query: (round) => lateExecutions(round.db, round.now, ago(round, round.settings.rateWindowMs), round.settings.maxPerRule),
    evaluate: slaViolations,
  }),
] as const;

export type AlertRule = (typeof ALERT_RULES)[number]['id'];
export const ALERT_RULE_IDS: readonly AlertRule[] = ALERT_RULES.map((r) => r.id);

/** The rules' thresholds from the configuration (ALERT_* and the health thresholds they share). */
export function alertSettings(config: Pick<Config, 'alerts' | 'health'>): AlertSettings {
  return {
    rateWindowMs: config.alerts.rateWindowMs,
    minSample: config.alerts.minSample,
    timeoutRate: config.alerts.timeoutRate,
    failureRate: config.alerts.failureRate,
    queueDepth: config.health.queueDepthThreshold,
    stuckExecutionMs: config.health.stuckExecutionMs,
    maxPerRule: config.alerts.maxPerRule,
  };
}
