import type { AlertRow } from '../db/schema.js';
import { ALERT_SEVERITIES, ALERT_STATUSES, HEALTH_STATUSES, severityRank, type AlertSeverity } from '../domain/monitoring.js';
import { isUuid } from '../domain/cursors.js';
import { badInput } from '../errors.js';
import { liveEvents, feedStart } from '../services/events.js';
import type { ComponentHealth, SystemHealth } from '../services/monitoring.js';
import { builder } from './builder.js';
import { parseId } from './ids.js';
import { abortable } from './live.js';
import { pageArgs, pageSize, toConnection } from './pagination.js';

const HealthStatusEnum = builder.enumType('HealthStatus', { values: HEALTH_STATUSES });
const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: ALERT_SEVERITIES });
const AlertStatusEnum = builder.enumType('AlertStatus', { values: ALERT_STATUSES });

const ComponentHealthRef = builder.objectRef<ComponentHealth>('ComponentHealth').implement({
  description: 'One checked part of the system: database, engine, queue, events or monitor.',
  fields: (t) => ({
    component: t.exposeString('component'),
    status: t.field({ type: HealthStatusEnum, resolve: (c) => c.status }),
    message: t.exposeString('message'),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true }),
    observedValue: t.exposeFloat('observedValue', { nullable: true }),
    threshold: t.exposeFloat('threshold', { nullable: true }),
    since: t.expose('since', { type: 'DateTime', description: 'When the component entered this status.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
  }),
});

const SystemHealthRef = builder.objectRef<SystemHealth>('SystemHealth').implement({
  description: 'The worst component status is the overall status.',
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, resolve: (h) => h.status }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
    components: t.field({ type: [ComponentHealthRef], resolve: (h) => h.components }),
  }),
});

export const AlertRef = builder.objectRef<AlertRow>('Alert');

builder.node(AlertRef, {
  description: 'A deduplicated alert: at most one open alert per fingerprint (rule + namespace + subject).',
  id: { resolve: (alert) => alert.id },
  loadOne: async (id, ctx) => (await ctx.services.monitor.alertsByIds([id], ctx.scope))[0] ?? null,
  fields: (t) => ({
    fingerprint: t.exposeString('fingerprint'),
    rule: t.exposeString('rule', {
      description: 'HIGH_TIMEOUT_RATE, HIGH_FAILURE_RATE, HIGH_QUEUE_DEPTH, COMPONENT_UNHEALTHY, STUCK_EXECUTION or SLA_VIOLATION.',
    }),
    severity: t.field({ type: AlertSeverityEnum, resolve: (a) => a.severity }),
    status: t.field({ type: AlertStatusEnum, resolve: (a) => (a.status === 'PENDING' ? 'FIRING' : a.status) }),
    namespace: t.exposeString('namespace', { nullable: true, description: 'null for system-wide alerts.' }),
    message: t.exposeString('message'),
    value: t.exposeFloat('value', { nullable: true }),
    threshold: t.exposeFloat('threshold', { nullable: true }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    occurrences: t.exposeInt('occurrences'),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
  }),
});

const AlertConnection = builder.connectionObject({ type: AlertRef, name: 'AlertConnection' });

const encodeAlertCursor = (a: AlertRow) => Buffer.from(`al:${a.firstSeenAt.getTime()}:${a.id}`).toString('base64url');
function decodeAlertCursor(cursor: string) {
  const match = /^al:(\d{1,15}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || !isUuid(match[2]!)) throw badInput(`"${cursor.slice(0, 80)}" is not a valid cursor; pass a cursor this API returned`, { field: 'after' });
  return { firstSeenAt: new Date(Number(match[1])), id: match[2]! };
}

/** The alert as an event recorded it (dates travel as ISO strings in event data). */
function alertFromEvent(data: Record<string, unknown>): AlertRow {
  const date = (key: string) => (data[key] ? new Date(String(data[key])) : null);
  return {
    id: String(data.alertId),
    fingerprint: String(data.fingerprint),
    rule: data.rule as AlertRow['rule'],
    severity: data.severity as AlertRow['severity'],
    status: data.status as AlertRow['status'],
    namespace: (data.namespace as string | null) ?? null,
    subject: '',
    message: String(data.message),
    value: (data.value as number | null) ?? null,
    threshold: (data.threshold as number | null) ?? null,
    firstSeenAt: date('firstSeenAt')!,
    lastSeenAt: date('lastSeenAt')!,
    clearSince: null,
    occurrences: Number(data.occurrences),
    acknowledgedAt: date('acknowledgedAt'),
    acknowledgedBy: (data.acknowledgedBy as string | null) ?? null,
    resolvedAt: date('resolvedAt'),
  };
}

builder.queryFields((t) => ({
  health: t.field({
    type: SystemHealthRef,
    description: 'Cached for a few seconds: a burst of reads costs one check.',
    resolve: (_root, _args, ctx) => ctx.services.monitor.health(),
  }),
  alerts: t.field({
    type: AlertConnection,
    description: 'Newest first. (Alerts about a database outage are pushed to `alerts` subscribers at once and listed here once written.)',
    args: { status: t.arg({ type: [AlertStatusEnum] }), severity: t.arg({ type: [AlertSeverityEnum] }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first, ctx.services.config);
      const after = args.after ? decodeAlertCursor(args.after) : null;
      const rows = await ctx.services.monitor.listAlerts({ status: args.status, severity: args.severity }, ctx.scope, after, limit);
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
    resolve: (_root, args, ctx) => ctx.services.monitor.acknowledge(parseId(String(args.id), 'Alert'), args.by, ctx.scope),
  }),
  resolveAlert: t.field({
    type: AlertRef,
    skipTypeScopes: true,
    authScopes: { read: true },
    description: 'Closes the alert now; if its condition still holds, a new alert opens later.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.monitor.resolve(parseId(String(args.id), 'Alert'), ctx.scope),
  }),
}));

builder.subscriptionFields((t) => ({
  alerts: t.field({
    type: AlertRef,
    description: 'Every alert change (fired, acknowledged, resolved) at or above `minSeverity`, from now on.',
    args: { minSeverity: t.arg({ type: AlertSeverityEnum }) },
    subscribe: async (_root, args, ctx) => {
      const min = severityRank((args.minSeverity ?? 'INFO') as AlertSeverity);
      const start = await feedStart(ctx.services.repository, null, ctx.scope);
      const { monitor, live } = ctx.services;
      const scope = ctx.scope;
      return abortable(async function* (signal) {
        // Alerts about a database outage cannot reach the event log until it is back: this
        // instance pushes them directly meanwhile.
        const outage: AlertRow[] = [];
        let wake: (() => void) | null = null;
        const stopListening = monitor.onUnwrittenAlert((alert) => {
          if (scope === null) outage.push(alert);
          wake?.();
        });
        const feed = liveEvents(live, { types: ['SYSTEM_ALERT'] }, scope, start);
        // Unsubscribing must end the wait below at once, not at the next alert.
        signal.addEventListener('abort', () => wake?.(), { once: true });
        let pending = feed.next();
        try {
          while (!signal.aborted) {
            while (outage.length) {
              const alert = outage.shift()!;
              if (severityRank(alert.severity) >= min) yield alert;
            }
            const next = await Promise.race([pending, new Promise<null>((r) => (wake = () => r(null)))]);
            wake = null;
            if (next === null) continue;
            if (next.done) return;
            pending = feed.next();
            const alert = alertFromEvent(next.value.data as Record<string, unknown>);
            if (severityRank(alert.severity) >= min) yield alert;
          }
        } finally {
          stopListening();
          await feed.return!();
        }
      });
    },
    resolve: (alert) => alert,
  }),
  health: t.field({
    type: SystemHealthRef,
    description: 'The current health, then again whenever the overall or any component status changes.',
    subscribe: (_root, _args, ctx) =>
      abortable(async function* (signal) {
        let last = '';
        let wake = () => {};
        signal.addEventListener('abort', () => wake(), { once: true });
        while (!signal.aborted) {
          const current = await ctx.services.monitor.health().catch(() => null);
          const key = current ? [current.status, ...current.components.map((c) => c.status)].join() : '';
          if (current && key !== last) {
            last = key;
            yield current;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ctx.services.config.health.cacheMs);
            wake = () => (clearTimeout(timer), resolve());
          });
        }
      }),
    resolve: (health) => health,
  }),
}));
