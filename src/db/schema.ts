/** Every table, in one file: drizzle-kit generates the migrations from it and both drivers load it as one schema. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ExecutionStatus, StepStatus, EventType } from '../domain/lifecycle.js';
import type { AlertSeverity, AlertStatus } from '../domain/alerts.js';
import type { HealthStatus } from '../domain/health.js';
import type { AlertLabels } from '../domain/alerts.js';
import type { AlertLabelName, Matcher } from '../domain/notifications.js';
import type { ReceiverKind } from '../domain/notification-payloads.js';
// The rule ids are the list of rules itself (a type only: nothing of the service layer loads here).
import type { AlertRule } from '../services/alert-rules.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

/**
 * Executions, steps and events are partitioned by UTC day (drizzle/0010_retention_partitions.sql,
 * src/db/retention.ts): executions and their steps by the execution's createdAt, events by their
 * timestamp. A key of a partitioned table must hold its partition key, hence the composite
 * primary keys; ids are still unique (random uuids, the events' sequence).
 */
export const executions = pgTable(
  'executions',
  {
    id: uuid('id').notNull(),
    namespace: text('namespace').notNull(),
    workflow: text('workflow').notNull(),
    externalId: text('external_id'),
    status: text('status').$type<ExecutionStatus>().notNull(),
    labels: jsonb('labels'),
    error: text('error'),
    slaMs: integer('sla_ms'),
    timeoutMs: integer('timeout_ms'),
    createdAt: at('created_at').notNull(),
    queuedAt: at('queued_at'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    updatedAt: at('updated_at').notNull(),
    /** Last event seq written for this execution; bumped in the writing transaction. */
    lastSeq: integer('last_seq').notNull().default(0),
    /** When Runwatch recorded that it ran past its SLA (its SLA_BREACHED event); once per execution. */
    slaBreachedAt: at('sla_breached_at'),
    /** When Runwatch recorded that it ran past its timeout while still open (TIMEOUT_BREACHED). */
    timeoutBreachedAt: at('timeout_breached_at'),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.createdAt] }),
    // Not unique (it could not be across partitions): the write path locks each external id it creates.
    index('executions_namespace_external_id_idx').on(t.namespace, t.externalId),
    // Ascending: read backwards they serve `order by created_at desc, id desc`. Drizzle's `.desc()`
    // means DESC NULLS LAST, which that order (NULLS FIRST) cannot use, so pages sorted the whole table.
    index('executions_namespace_created_idx').on(t.namespace, t.createdAt, t.id),
    index('executions_created_idx').on(t.createdAt, t.id),
    index('executions_finished_idx').on(t.finishedAt),
    index('executions_active_idx')
      .on(t.status)
      .where(sql`status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL')`),
    // The grouped breach alerts count the breaches of their window.
    index('executions_sla_breached_idx').on(t.slaBreachedAt).where(sql`sla_breached_at is not null`),
    index('executions_timeout_breached_idx').on(t.timeoutBreachedAt).where(sql`timeout_breached_at is not null`),
  ],
);

export const steps = pgTable(
  'steps',
  {
    id: uuid('id').notNull(),
    executionId: uuid('execution_id').notNull(),
    /** Its execution's createdAt: the partition key, so an execution's steps share its day. */
    executionCreatedAt: at('execution_created_at').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    progressPercent: doublePrecision('progress_percent').notNull().default(0),
    message: text('message'),
    attempt: integer('attempt').notNull().default(1),
    error: text('error'),
    /** The decision on an approval gate, once taken: APPROVED or REJECTED. */
    decision: text('decision').$type<'APPROVED' | 'REJECTED'>(),
    /** Who may approve or reject while it waits (requestApproval's list); null: anyone. */
    approvers: jsonb('approvers').$type<string[]>(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.executionCreatedAt] }),
    uniqueIndex('steps_execution_position_key').on(t.executionId, t.position, t.executionCreatedAt),
  ],
);

/**
 * The event log, the only source of truth for live feeds. Feeds are ordered by (tx_id, id) and only
 * read events whose transaction id is below the reader snapshot's xmin, so a transaction that commits
 * late can never land behind a cursor that was already handed out.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    txId: bigint('tx_id', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    namespace: text('namespace').notNull(),
    executionId: uuid('execution_id'),
    stepId: uuid('step_id'),
    seq: integer('seq').notNull(),
    type: text('type').$type<EventType>().notNull(),
    data: jsonb('data'),
    timestamp: at('timestamp').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.timestamp] }),
    index('events_feed_idx').on(t.txId, t.id),
    index('events_namespace_feed_idx').on(t.namespace, t.txId, t.id),
    // Not unique (seq is gap-free by the execution's lock): a unique index would need the timestamp.
    index('events_execution_seq_idx').on(t.executionId, t.seq),
    // systemMetrics.eventsLastMinute
    index('events_timestamp_idx').on(t.timestamp),
  ],
);

export type ExecutionRow = typeof executions.$inferSelect;
export type StepRow = typeof steps.$inferSelect;
export type EventRow = typeof events.$inferSelect;

const count = (name: string) => integer(name).notNull().default(0);
const histogram = (name: string) => integer(name).array().notNull().default(sql`'{}'::integer[]`);

/** Outcome counts and duration statistics of executions; see src/domain/histogram.ts for the histograms. */
const executionRollupColumns = () => ({
  namespace: text('namespace').notNull(),
  workflow: text('workflow').notNull(),
  total: count('total'),
  completed: count('completed'),
  failed: count('failed'),
  cancelled: count('cancelled'),
  timedOut: count('timed_out'),
  durationCount: count('duration_count'),
  durationSumMs: doublePrecision('duration_sum_ms').notNull().default(0),
  durationMinMs: doublePrecision('duration_min_ms'),
  durationMaxMs: doublePrecision('duration_max_ms'),
  durationHistogram: histogram('duration_histogram'),
  queueCount: count('queue_count'),
  queueSumMs: doublePrecision('queue_sum_ms').notNull().default(0),
  queueMinMs: doublePrecision('queue_min_ms'),
  queueMaxMs: doublePrecision('queue_max_ms'),
  queueHistogram: histogram('queue_histogram'),
  slaTracked: count('sla_tracked'),
  slaViolations: count('sla_violations'),
});

const withoutWorkflow = <C extends { workflow: unknown }>({ workflow: _, ...columns }: C) => columns;

/** The same per step type (retries, first-attempt success, durations). */
const stepRollupColumns = () => ({
  namespace: text('namespace').notNull(),
  workflow: text('workflow').notNull(),
  type: text('type').notNull(),
  total: count('total'),
  completed: count('completed'),
  failed: count('failed'),
  skipped: count('skipped'),
  retries: count('retries'),
  firstAttemptCompleted: count('first_attempt_completed'),
  durationCount: count('duration_count'),
  durationSumMs: doublePrecision('duration_sum_ms').notNull().default(0),
  durationMinMs: doublePrecision('duration_min_ms'),
  durationMaxMs: doublePrecision('duration_max_ms'),
  durationHistogram: histogram('duration_histogram'),
});

/**
 * Per namespace, workflow and minute of creation: outcome counts and duration statistics with a
 * fixed log-scale histogram, updated in the transaction that creates or finishes an execution.
 * The hour and day tables hold the same figures coarser, written in the same statement, so a
 * 30-day window reads about 30 rows per workflow instead of 43,200.
 */
export const executionMinutes = pgTable(
  'execution_minutes',
  { ...executionRollupColumns(), minute: at('minute').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.workflow, t.minute] }), index('execution_minutes_minute_idx').on(t.minute)],
);
export const executionHours = pgTable(
  'execution_hours',
  { ...executionRollupColumns(), hour: at('hour').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.workflow, t.hour] }), index('execution_hours_hour_idx').on(t.hour)],
);
export const executionDays = pgTable(
  'execution_days',
  { ...executionRollupColumns(), day: at('day').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.workflow, t.day] }), index('execution_days_day_idx').on(t.day)],
);
/**
 * The hour figures summed over a namespace's workflows, written in the same statement: reads
 * without a workflow filter (a 30-day hourly timeseries) merge one histogram per namespace and
 * hour instead of one per workflow, and Postgres prints each integer[] it returns as text.
 */
export const executionNamespaceHours = pgTable(
  'execution_namespace_hours',
  { ...withoutWorkflow(executionRollupColumns()), hour: at('hour').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.hour] }), index('execution_namespace_hours_hour_idx').on(t.hour)],
);

/** Step figures per step type, keyed by the minute (hour, day) its execution was created. */
export const stepMinutes = pgTable(
  'step_minutes',
  { ...stepRollupColumns(), minute: at('minute').notNull() },
  (t) => [
    primaryKey({ columns: [t.namespace, t.workflow, t.type, t.minute] }),
    index('step_minutes_minute_idx').on(t.minute),
  ],
);
export const stepHours = pgTable(
  'step_hours',
  { ...stepRollupColumns(), hour: at('hour').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.workflow, t.type, t.hour] }), index('step_hours_hour_idx').on(t.hour)],
);
export const stepDays = pgTable(
  'step_days',
  { ...stepRollupColumns(), day: at('day').notNull() },
  (t) => [primaryKey({ columns: [t.namespace, t.workflow, t.type, t.day] }), index('step_days_day_idx').on(t.day)],
);

/** API keys: only a hash of the secret is stored; the key itself is shown once at creation. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** The first characters of the key, safe to show in listings and logs. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    /** null: every namespace. */
    namespaces: text('namespaces').array(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
    lastUsedAt: at('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Alerts; at most one open (not RESOLVED) alert per fingerprint, enforced by a partial unique index. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    rule: text('rule').$type<AlertRule>().notNull(),
    severity: text('severity').$type<AlertSeverity>().notNull(),
    status: text('status').$type<AlertStatus>().notNull(),
    namespace: text('namespace'),
    /** The workflow of an execution-level alert (its subject too); null for the others. */
    workflow: text('workflow'),
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold'),
    firstSeenAt: at('first_seen_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    clearSince: at('clear_since'),
    occurrences: integer('occurrences').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: at('resolved_at'),
  },
  (t) => [
    uniqueIndex('alerts_open_fingerprint_key').on(t.fingerprint).where(sql`status <> 'RESOLVED'`),
    index('alerts_status_idx').on(t.status, t.firstSeenAt.desc(), t.id.desc()),
  ],
);

/** What the monitoring loop remembers between rounds, whichever instance ran them. */
export const monitorState = pgTable('monitor_state', {
  id: integer('id').primaryKey(),
  lastEvaluatedAt: at('last_evaluated_at').notNull(),
  healthStatus: text('health_status').$type<HealthStatus>().notNull(),
  /** The instance that ran the last round, and since when it has been running them. */
  leaderId: text('leader_id'),
  leaderSince: at('leader_since'),
  /** Rounds completed, by every leader. */
  rounds: integer('rounds').notNull().default(0),
});

/** The executions behind an execution-level alert, linked when a round counts them into it. */
export const alertExecutions = pgTable(
  'alert_executions',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    // No foreign key: executions are partitioned, and a link outlives its execution's dropped day (reads join).
    executionId: uuid('execution_id').notNull(),
    countedAt: at('counted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.executionId] }), index('alert_executions_execution_idx').on(t.executionId)],
);

/** A namespace's own settings of one rule; a null column keeps the default (the environment's). */
export const alertRuleSettings = pgTable(
  'alert_rule_settings',
  {
    /** `_system` for system-wide rules. */
    namespace: text('namespace').notNull(),
    rule: text('rule').$type<AlertRule>().notNull(),
    enabled: boolean('enabled'),
    severity: text('severity').$type<AlertSeverity>(),
    threshold: doublePrecision('threshold'),
    windowMs: integer('window_ms'),
    minSample: integer('min_sample'),
    pendingMs: integer('pending_ms'),
    holdMs: integer('hold_ms'),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.rule] })],
);

/** Gap-free seq for events that belong to no execution (SYSTEM_*), one stream per namespace. */
export const systemStreams = pgTable('system_streams', {
  namespace: text('namespace').primaryKey(),
  lastSeq: integer('last_seq').notNull(),
});

export type AlertRow = typeof alerts.$inferSelect;
export type AlertRuleSettingsRow = typeof alertRuleSettings.$inferSelect;

/** Silences: alerts their matchers select are still recorded, but notify no one from startsAt to endsAt. */
export const alertSilences = pgTable(
  'alert_silences',
  {
    id: uuid('id').primaryKey(),
    matchers: jsonb('matchers').$type<Matcher[]>().notNull(),
    /** The namespaces it is confined to, when its creator's key was limited to namespaces; null: any. */
    namespaces: text('namespaces').array(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    comment: text('comment'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('alert_silences_ends_idx').on(t.endsAt)],
);

/** Where notifications go. The secret signs webhook bodies; it and the URL's credentials are never shown. */
export const alertReceivers = pgTable(
  'alert_receivers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').$type<ReceiverKind>().notNull(),
    url: text('url').notNull(),
    secret: text('secret'),
    /** null: NOTIFY_TIMEOUT_MS. */
    timeoutMs: integer('timeout_ms'),
    /** null: system-wide (only keys without a namespace limit see it). */
    namespace: text('namespace'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [unique('alert_receivers_namespace_name_key').on(t.namespace, t.name).nullsNotDistinct()],
);

/** Which alerts go to which receiver, grouped how; tried in position order (the first match wins unless `continue`). */
export const alertRoutes = pgTable(
  'alert_routes',
  {
    id: uuid('id').primaryKey(),
    receiverId: uuid('receiver_id')
      .notNull()
      .references(() => alertReceivers.id),
    matchers: jsonb('matchers').$type<Matcher[]>().notNull(),
    /** The namespaces it is confined to (its creator's, or its receiver's); null: any. */
    namespaces: text('namespaces').array(),
    groupBy: text('group_by').array().$type<AlertLabelName[]>().notNull(),
    groupWaitMs: integer('group_wait_ms').notNull(),
    groupIntervalMs: integer('group_interval_ms').notNull(),
    repeatIntervalMs: integer('repeat_interval_ms').notNull(),
    sendResolved: boolean('send_resolved').notNull(),
    continue: boolean('continue').notNull(),
    position: integer('position').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [index('alert_routes_position_idx').on(t.position, t.id)],
);

/** Each open notification group of a route: what it last reported, and when. Written by the round only. */
export const notificationGroups = pgTable('notification_groups', {
  /** The route's id and the group's label values (src/domain/notifications.ts `groupOf`). */
  key: text('key').primaryKey(),
  routeId: uuid('route_id')
    .notNull()
    .references(() => alertRoutes.id, { onDelete: 'cascade' }),
  labels: jsonb('labels').$type<Partial<AlertLabels>>().notNull(),
  createdAt: at('created_at').notNull(),
  lastNotifiedAt: at('last_notified_at'),
  /** The alerts the last notification reported firing. */
  notified: uuid('notified').array().notNull(),
});

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/**
 * The outbox and the delivery log in one: a row per notification, written in the round's
 * transaction, then claimed, sent and updated by the delivery loop. Its id is the notification's
 * idempotency key. `seq` is the order rows were written in (only the round writes them, under the
 * round lock, so it follows commit order): one receiver's notifications of one group go out in it.
 */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    receiverId: uuid('receiver_id')
      .notNull()
      .references(() => alertReceivers.id, { onDelete: 'cascade' }),
    /** The receiver's namespace, for isolation. */
    namespace: text('namespace'),
    groupKey: text('group_key').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    alertIds: uuid('alert_ids').array().notNull(),
    firingCount: integer('firing_count').notNull(),
    resolvedCount: integer('resolved_count').notNull(),
    /** The exact bytes sent (and signed). */
    body: text('body').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: at('next_attempt_at').notNull(),
    /** While set and ahead of the clock, an instance is sending it. */
    leaseUntil: at('lease_until'),
    createdAt: at('created_at').notNull(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    uniqueIndex('alert_deliveries_seq_key').on(t.seq),
    // Claims walk the pending rows in outbox order and stop at the first due ones.
    index('alert_deliveries_pending_idx').on(t.seq).where(sql`status = 'PENDING'`),
    index('alert_deliveries_fifo_idx').on(t.receiverId, t.groupKey, t.seq).where(sql`status = 'PENDING'`),
    index('alert_deliveries_alert_ids_idx').using('gin', t.alertIds),
  ],
);

export type SilenceRow = typeof alertSilences.$inferSelect;
export type ReceiverRow = typeof alertReceivers.$inferSelect;
export type RouteRow = typeof alertRoutes.$inferSelect;
export type NotificationGroupRow = typeof notificationGroups.$inferSelect;
export type DeliveryRow = typeof alertDeliveries.$inferSelect;

/** A namespace's retention, where it differs from the defaults (a null field: the default). */
export const retentionSettings = pgTable('retention_settings', {
  namespace: text('namespace').primaryKey(),
  /** Days of executions, steps and events. */
  rawDays: integer('raw_days'),
  /** Days of hour and day rollups. */
  rollupDays: integer('rollup_days'),
  /** Days of minute rollups. */
  minuteRollupDays: integer('minute_rollup_days'),
  updatedAt: at('updated_at').notNull(),
});

/** What the retention passes did, whichever instance ran them (one row, id 1). */
export const retentionState = pgTable('retention_state', {
  id: integer('id').primaryKey(),
  lastRunAt: at('last_run_at'),
  lastSuccessAt: at('last_success_at'),
  lastError: text('last_error'),
  /** Passes failed in a row. */
  failures: integer('failures').notNull().default(0),
  /** The newest feed position among the events dropped so far: a cursor before it cannot resume without a gap. */
  droppedThroughTxId: bigint('dropped_through_tx_id', { mode: 'number' }),
  droppedThroughId: bigint('dropped_through_id', { mode: 'number' }),
  /** Raw rows created before this were dropped (except open executions, kept in the default partitions). */
  rawKeptFrom: at('raw_kept_from'),
});

export type RetentionSettingsRow = typeof retentionSettings.$inferSelect;
export type RetentionStateRow = typeof retentionState.$inferSelect;
