import type { StorageReport } from '../domain/retention.js';
import type { RetentionView } from '../services/retention.js';
import { builder } from './builder.js';

const TableStorageRef = builder.objectRef<StorageReport['tables'][number]>('TableStorage').implement({
  description: 'One table on disk.',
  fields: (t) => ({
    table: t.exposeString('table'),
    bytes: t.exposeFloat('bytes', { description: 'Bytes on disk, indexes and TOAST included, summed over its partitions.' }),
    partitions: t.exposeInt('partitions', { description: 'Day partitions plus the default partition (1 for an unpartitioned table).' }),
  }),
});

export const StorageRef = builder.objectRef<StorageReport>('Storage').implement({
  description: 'How much is stored and how far back it goes (see README "Retention"). System-wide figures.',
  fields: (t) => ({
    tables: t.field({ type: [TableStorageRef], resolve: (s) => s.tables, description: 'executions, steps, events and the rollup tables.' }),
    oldestExecutionAt: t.expose('oldestExecutionAt', { type: 'DateTime', nullable: true, description: 'createdAt of the oldest execution kept (an open one kept past its day included).' }),
    oldestEventAt: t.expose('oldestEventAt', { type: 'DateTime', nullable: true, description: 'timestamp of the oldest event kept.' }),
    rawKeptFrom: t.expose('rawKeptFrom', { type: 'DateTime', nullable: true, description: 'Raw rows created before this were dropped (except open executions); null until a pass dropped anything.' }),
    lastPassAt: t.expose('lastPassAt', { type: 'DateTime', nullable: true, description: 'When the last retention pass ran, by any instance.' }),
    lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last pass failed; null when it succeeded.' }),
    failures: t.exposeInt('failures', { description: 'Passes failed in a row.' }),
  }),
});

const RetentionSettingsRef = builder.objectRef<RetentionView>('RetentionSettings').implement({
  description: "A namespace's retention, in days: its own values where set (`custom` lists them), the RETENTION_* defaults otherwise.",
  fields: (t) => ({
    namespace: t.exposeString('namespace'),
    rawDays: t.int({
      description: 'Days executions, steps and events are kept. Whole UTC days are dropped once past the longest rawDays of any namespace.',
      resolve: (v) => v.effective.rawDays,
    }),
    rollupDays: t.int({ description: 'Days the hour and day rollups (metrics) are kept.', resolve: (v) => v.effective.rollupDays }),
    minuteRollupDays: t.int({ description: 'Days the minute rollups are kept.', resolve: (v) => v.effective.minuteRollupDays }),
    custom: t.stringList({
      description: 'The fields set for this namespace (the others are the defaults).',
      resolve: (v) => (v.own ? Object.entries(v.own).filter(([key, value]) => key in v.effective && value !== null).map(([key]) => key) : []),
    }),
  }),
});

const SetRetentionInput = builder.inputType('SetRetentionInput', {
  description: 'A field left out keeps its current value; null puts it back to the default. Days, 1 to 3650.',
  fields: (t) => ({
    namespace: t.string({ required: true }),
    rawDays: t.int(),
    rollupDays: t.int(),
    minuteRollupDays: t.int(),
  }),
});

builder.queryFields((t) => ({
  retention: t.field({
    type: RetentionSettingsRef,
    description: "A namespace's retention (read); namespaces outside the key's scope are FORBIDDEN.",
    args: { namespace: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.retention.of(args.namespace, ctx.scope),
  }),
}));

builder.mutationFields((t) => ({
  setRetention: t.field({
    skipTypeScopes: true,
    authScopes: { admin: true },
    type: RetentionSettingsRef,
    description: "Sets a namespace's retention (admin; a key limited to namespaces only for its own, and rawDays at most the default: a day partition holds every namespace's rows); every invalid value is named in one BAD_USER_INPUT.",
    args: { input: t.arg({ type: SetRetentionInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const { namespace, ...values } = input;
      return ctx.services.retention.set(namespace, values, ctx.scope);
    },
  }),
}));
