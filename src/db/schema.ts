import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ExecutionStatus, StepStatus, EventType } from '../domain/lifecycle.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const executions = pgTable(
  'executions',
  {
    id: uuid('id').primaryKey(),
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
  },
  (t) => [
    uniqueIndex('executions_namespace_external_id_key').on(t.namespace, t.externalId),
    index('executions_namespace_created_idx').on(t.namespace, t.createdAt.desc(), t.id.desc()),
    index('executions_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('executions_active_idx')
      .on(t.status)
      .where(sql`status in ('QUEUED', 'RUNNING', 'WAITING_APPROVAL')`),
  ],
);

export const steps = pgTable(
  'steps',
  {
    id: uuid('id').primaryKey(),
    executionId: uuid('execution_id')
      .notNull()
      .references(() => executions.id, { onDelete: 'cascade' }),
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
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
  },
  (t) => [uniqueIndex('steps_execution_position_key').on(t.executionId, t.position)],
);

/**
 * The event log, the only source of truth for live feeds. Feeds are ordered by (tx_id, id) and only
 * read events whose transaction id is below the reader snapshot's xmin, so a transaction that commits
 * late can never land behind a cursor that was already handed out.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    txId: bigint('tx_id', { mode: 'number' })
      .notNull()
      .default(sql`(pg_current_xact_id()::text::bigint)`),
    namespace: text('namespace').notNull(),
    executionId: uuid('execution_id').references(() => executions.id, { onDelete: 'cascade' }),
    stepId: uuid('step_id'),
    seq: integer('seq').notNull(),
    type: text('type').$type<EventType>().notNull(),
    data: jsonb('data'),
    timestamp: at('timestamp').notNull(),
  },
  (t) => [
    index('events_feed_idx').on(t.txId, t.id),
    index('events_namespace_feed_idx').on(t.namespace, t.txId, t.id),
    uniqueIndex('events_execution_seq_key').on(t.executionId, t.seq),
  ],
);

export type ExecutionRow = typeof executions.$inferSelect;
export type StepRow = typeof steps.$inferSelect;
export type EventRow = typeof events.$inferSelect;
