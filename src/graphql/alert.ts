import DataLoader from 'dataloader';
import type { Context } from '../context.js';
import type { AlertRow, ExecutionRow } from '../db/schema.js';
import { ALERT_SEVERITIES, ALERT_STATUSES, type AlertSeverity } from '../domain/alerts.js';
import { decodeExecutionCursor, encodeExecutionCursor, invalidCursor, isUuid, type ExecutionPosition } from '../domain/cursors.js';
import { ALERT_RULE_IDS } from '../services/alert-rules.js';
import { feedStart } from '../services/events.js';
import { builder } from './builder.js';
import { ExecutionConnection, executionExists } from './execution.js';
import { parseId } from './ids.js';
import { abortable } from './live.js';
import { pageArgs, pageSize, rowsAfter, toConnection } from './pagination.js';

export const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: ALERT_SEVERITIES });
const AlertStatusEnum = builder.enumType('AlertStatus', {
  values: ALERT_STATUSES,
  description: 'PENDING: its condition holds but not yet for the pending period; listed only when asked for.',
});

/** "A, B or C." */
const oneOf = (names: readonly string[]) => `${names.slice(0, -1).join(', ')} or ${names.at(-1)}.`;

export const AlertRef = builder.objectRef<AlertRow>('Alert');

/** Per operation and page shape: the executions of every alert of a page in one statement. */
const executionLoaders = new WeakMap<Context, Map<string, DataLoader<string, ExecutionRow[]>>>();
function executionsOfAlert(ctx: Context, alertId: string, after: ExecutionPosition | null, limit: number) {
  const loaders = executionLoaders.get(ctx) ?? new Map<string, DataLoader<string, ExecutionRow[]>>();
  executionLoaders.set(ctx, loaders);
  const shape = `${after ? encodeExecutionCursor(after) : ''}|${limit}`;
  let loader = loaders.get(shape);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const rows = await ctx.services.alerts.executionsOf(ids, ctx.scope, after, limit);
      return ids.map((id) => rows.filter((row) => row.alertId === id).map((row) => row.execution));
    });
    loaders.set(shape, loader);
  }
  return loader.load(alertId);
}

builder.node(AlertRef, {
  description: 'A deduplicated alert: at most one open alert per fingerprint (rule + namespace + subject).',
  id: { resolve: (alert) => alert.id },
  loadOne: async (id, ctx) => (await ctx.services.alerts.byIds([id], ctx.scope))[0] ?? null,
  fields: (t) => ({
    fingerprint: t.exposeString('fingerprint'),
    rule: t.exposeString('rule', { description: oneOf(ALERT_RULE_IDS) }),
    severity: t.field({ type: AlertSeverityEnum, resolve: (a) => a.severity }),
    status: t.field({ type: AlertStatusEnum, resolve: (a) => a.status }),
    namespace: t.exposeString('namespace', { nullable: true, description: 'null for system-wide alerts.' }),
    workflow: t.exposeString('workflow', { nullable: true, description: 'The workflow of an execution-level alert (SLA_VIOLATION, EXECUTION_TIMEOUT, STUCK_EXECUTION).' }),
    message: t.exposeString('message'),
    value: t.exposeFloat('value', { nullable: true }),
    threshold: t.exposeFloat('threshold', { nullable: true }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    occurrences: t.exposeInt('occurrences'),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    executions: t.field({
      type: ExecutionConnection,
      description: 'The executions an execution-level alert counted (breached or silent), newest first; empty for the others.',
      args: pageArgs,
      resolve: async (alert, args, ctx) => {
        const limit = pageSize(args.first, ctx.services.config);
        const rows = await rowsAfter(ctx, args.after, decodeExecutionCursor, (position) => executionExists(ctx, position), (after) =>
          executionsOfAlert(ctx, alert.id, after, limit),
        );
        for (const row of rows) ctx.loaders.execution.prime(row.id, row);
        return toConnection(rows, limit, encodeExecutionCursor, args.after);
      },
    }),
  }),
});

const AlertConnection = builder.connectionObject({ type: AlertRef, name: 'AlertConnection' });

const encodeAlertCursor = (a: AlertRow) => Buffer.from(`al:${a.firstSeenAt.getTime()}:${a.id}`).toString('base64url');
function decodeAlertCursor(cursor: string) {
  const match = /^al:(\d{1,15}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isUuid(match[2]!)) throw invalidCursor(cursor);
  return { firstSeenAt: new Date(Number(match[1])), id: match[2]! };
}

builder.queryFields((t) => ({
  alerts: t.field({
    type: AlertConnection,
    description:
      'Newest first; every status but PENDING unless `status` names it. (Alerts about a database outage are pushed to `alerts` subscribers at once and listed here once written.)',
    args: { status: t.arg({ type: [AlertStatusEnum] }), severity: t.arg({ type: [AlertSeverityEnum] }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first, ctx.services.config);
      const rows = await rowsAfter(ctx, args.after,
        decodeAlertCursor,
        async (position) => (await ctx.services.alerts.byIds([position.id], ctx.scope))[0]?.firstSeenAt.getTime() === position.firstSeenAt.getTime(),
        (after) => ctx.services.alerts.list({ status: args.status, severity: args.severity }, ctx.scope, after, limit),
      );
      return toConnection(rows, limit, encodeAlertCursor, args.after);
    },
  }),
}));

builder.mutationFields((t) => ({
  acknowledgeAlert: t.field({
    type: AlertRef,
    skipTypeScopes: true,
    authScopes: { read: true },
    description: 'FIRING -> ACKNOWLEDGED; it stays acknowledged while its condition holds.',
    args: { id: t.arg.id({ required: true }), by: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.alerts.acknowledge(parseId(String(args.id), 'Alert'), args.by, ctx.scope),
  }),
  resolveAlert: t.field({
    type: AlertRef,
    skipTypeScopes: true,
    authScopes: { read: true },
    description:
      'Closes the alert now; if its condition still holds, a new alert opens later. An execution-level alert keeps the breaches it counted: only new ones open another.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.alerts.resolve(parseId(String(args.id), 'Alert'), ctx.scope),
  }),
}));

builder.subscriptionFields((t) => ({
  alerts: t.field({
    type: AlertRef,
    description: 'Every alert change (fired, acknowledged, resolved) at or above `minSeverity`, from now on.',
    args: { minSeverity: t.arg({ type: AlertSeverityEnum }) },
    subscribe: async (_root, args, ctx) => {
      const start = await feedStart(ctx.services.repository, null, ctx.scope);
      const minSeverity: AlertSeverity = args.minSeverity ?? 'INFO';
      const { alerts, live } = ctx.services;
      return abortable((signal) => alerts.feed(live, start, minSeverity, ctx.scope, signal));
    },
    resolve: (alert) => alert,
  }),
}));
