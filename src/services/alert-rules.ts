/**
 * The alert rules, as data. A rule is its id, its settings and their defaults, a query through the
 * data layer (src/db/alert-rules.ts) and a pure evaluation (src/domain/alert-rules.ts) that turns
 * the rows and each namespace's settings into this round's findings; execution-level rules also
 * record breaches as execution events before their query and link the executions behind their
 * alerts. Adding a rule: its entry in ALERT_RULES, its query and its evaluation. The `AlertRule`
 * type, the stored `rule` column and the API's `AlertRuleName` come from this list.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  breachGroups,
  finishedOutcomes,
  linkBreaches,
  linkSilent,
  queueDepths,
  silentGroups,
  unrecordedBreaches,
  type BreachKind,
  type Windows,
} from '../db/alert-rules.js';
import {
  executionTimeouts,
  highFailureRate,
  highQueueDepth,
  highTimeoutRate,
  slaViolations,
  stuckExecutions,
  unhealthyComponents,
  type NamespaceOutcomes,
  type SettingsOf,
} from '../domain/alert-rules.js';
import type { RuleSettings, ThresholdKind } from '../domain/alert-settings.js';
import type { Finding } from '../domain/alerts.js';
import type { SystemHealth } from '../domain/health.js';
import type { ExecutionService } from './executions.js';

/** Every namespace's settings of every rule, as one round reads them. */
export interface RoundSettings {
  of(rule: string, namespace: string | null): RuleSettings;
  /** Where the rule's window (its windowMs back from `now`) starts, in each namespace. */
  windows(rule: string, now: Date): Windows;
}

/** What a rule may read and write in one round. */
export interface RoundInput {
  db: Db;
  now: Date;
  /** The health checked at the start of the round. */
  health: SystemHealth;
  settings: RoundSettings;
  /** The write path, for the breaches a round records. */
  executions: Pick<ExecutionService, 'ingest'>;
}

export interface AlertRuleDefinition<Id extends string = string, Rows = unknown> {
  readonly id: Id;
  /** For the API: what the rule watches and what its threshold and window mean. */
  readonly description: string;
  /** System-wide rules have no namespace: their settings are namespace `_system`'s. */
  readonly systemWide?: true;
  /** What the threshold measures; null when the rule takes none. */
  readonly threshold: ThresholdKind | null;
  /** The settings' defaults; a setting whose default is null does not apply to the rule. */
  defaults(config: Pick<Config, 'alerts' | 'health'>): RuleSettings;
  /** Before the query: records as execution events what the rule counts. */
  record?(round: RoundInput): Promise<void>;
  /** Reads what the rule judges; a query that fails leaves the rule's alerts as they are this round. */
  query(round: RoundInput): Promise<Rows>;
  /** Pure: this round's findings, from the rows and each namespace's settings. */
  evaluate(rows: Rows, settingsOf: SettingsOf): Finding[];
  /** In the round's transaction, after its changes: links each open alert to the executions behind it (`found`: this round's conditions of the rule). */
  link?(tx: Db, round: RoundInput, found: readonly Finding[]): Promise<void>;
}

const rule = <Id extends string, Rows>(definition: AlertRuleDefinition<Id, Rows>) => definition;

/** The settings every rule takes, and the ones given. */
const settings =
  (own: (config: Pick<Config, 'alerts' | 'health'>) => Partial<RuleSettings> = () => ({})) =>
  (config: Pick<Config, 'alerts' | 'health'>): RuleSettings => ({
    enabled: true,
    severity: 'WARNING',
    threshold: null,
    windowMs: null,
    minSample: null,
    pendingMs: config.alerts.pendingMs,
    holdMs: config.alerts.holdMs,
    ...own(config),
  });

/** Breaches recorded per statement, and at most per round (the rest wait for the next one). */
const BREACH_BATCH = 500;
const MAX_BREACH_BATCHES = 20;

/** Records running executions past their SLA (timeout) through the write path: one event each, on its own stream. */
async function recordBreaches(round: RoundInput, kind: BreachKind) {
  const command = { kind: kind === 'sla' ? 'breachSla' : 'breachTimeout' } as const;
  for (let batch = 0; batch < MAX_BREACH_BATCHES; batch++) {
    const ids = await unrecordedBreaches(round.db, kind, round.now, BREACH_BATCH);
    if (ids.length > 0) await round.executions.ingest(ids.map((executionId) => ({ kind: 'executionCommand', executionId, command })));
    if (ids.length < BREACH_BATCH) return;
  }
}

const windowsOf = (id: string, round: RoundInput) => round.settings.windows(id, round.now);

/** A grouped rule over the executions that breached their SLA (timeout). */
const breachRule = <Id extends string>(id: Id, kind: BreachKind, description: string) =>
  rule({
    id,
    description,
    threshold: 'count',
    defaults: settings((c) => ({ threshold: 1, windowMs: c.alerts.rateWindowMs })),
    record: (round) => recordBreaches(round, kind),
    query: (round) => breachGroups(round.db, id, kind, windowsOf(id, round), round.now),
    evaluate: kind === 'sla' ? slaViolations : executionTimeouts,
    // Only new breaches need a link: a round that found none has nothing to write.
    link: async (tx, round, found) => {
      if (found.some((f) => f.renewed)) await linkBreaches(tx, id, kind, windowsOf(id, round), round.now);
    },
  });

/** A rule over the rate of an outcome among the executions of a namespace finished in the window. */
const rateRule = <Id extends string>(
  id: Id,
  outcome: string,
  threshold: (config: Pick<Config, 'alerts' | 'health'>) => number,
  evaluate: AlertRuleDefinition<Id, NamespaceOutcomes[]>['evaluate'],
) =>
  rule({
    id,
    description: `Per namespace: the percentage of executions finished in the window that ${outcome} is above the threshold (with at least minSample finished).`,
    threshold: 'percent',
    defaults: settings((c) => ({ threshold: threshold(c), windowMs: c.alerts.rateWindowMs, minSample: c.alerts.minSample })),
    query: (round) => finishedOutcomes(round.db, windowsOf(id, round)),
    evaluate,
  });

/** Every component the health check finds UNHEALTHY; the database's own alert is also kept through an outage. */
export const COMPONENT_UNHEALTHY = rule({
  id: 'COMPONENT_UNHEALTHY',
  description: 'A health component (database, engine, queue, events, monitor, retention) is UNHEALTHY.',
  systemWide: true,
  threshold: null,
  defaults: settings(() => ({ severity: 'CRITICAL' })),
  query: async (round) => round.health.components,
  evaluate: unhealthyComponents,
});

/** Every rule, in the order the API lists them. */
export const ALERT_RULES = [
  rateRule('HIGH_TIMEOUT_RATE', 'timed out', (c) => c.alerts.timeoutRate, highTimeoutRate),
  rateRule('HIGH_FAILURE_RATE', 'failed', (c) => c.alerts.failureRate, highFailureRate),
  rule({
    id: 'HIGH_QUEUE_DEPTH',
    description: 'Per namespace: more executions are queued than the threshold.',
    threshold: 'depth',
    defaults: settings((c) => ({ threshold: c.health.queueDepthThreshold })),
    query: (round) => queueDepths(round.db),
    evaluate: highQueueDepth,
  }),
  COMPONENT_UNHEALTHY,
  rule({
    id: 'STUCK_EXECUTION',
    description: 'Per workflow: at least threshold running executions have reported nothing for the window.',
    threshold: 'count',
    defaults: settings((c) => ({ threshold: 1, windowMs: c.health.stuckExecutionMs })),
    query: (round) => silentGroups(round.db, windowsOf('STUCK_EXECUTION', round), round.now),
    evaluate: stuckExecutions,
    link: (tx, round) => linkSilent(tx, 'STUCK_EXECUTION', windowsOf('STUCK_EXECUTION', round), round.now),
  }),
  breachRule(
    'SLA_VIOLATION',
    'sla',
    'Per workflow: at least threshold executions ran past their SLA in the window; resolves once no new breach has come for the hold period.',
  ),
  breachRule(
    'EXECUTION_TIMEOUT',
    'timeout',
    'Per workflow: at least threshold executions ran past their timeoutMs while still open, in the window; resolves once no new breach has come for the hold period.',
  ),
] as const;

export type AlertRule = (typeof ALERT_RULES)[number]['id'];
export const ALERT_RULE_IDS: readonly AlertRule[] = ALERT_RULES.map((r) => r.id);
