/**
 * Notifications: planning and delivery. `plan` runs inside the round's transaction (after the
 * round's transitions, before commit): it reads the routes, the silences in force, the open alerts
 * and those resolved since their group last reported them, decides every group (pure,
 * src/domain/notifications.ts), and writes the group states and one outbox row per notification in
 * that same transaction. `deliverDue` (after commit, and on a timer for retries) sends the outbox
 * (src/services/deliveries.ts). Only the instance that runs the rounds delivers.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import {
  alertsToNotify,
  deleteGroups,
  deliveriesByIds,
  deliveryExists,
  insertDeliveries,
  latestDeliveriesOf,
  listDeliveries,
  listGroups,
  listRoutes,
  receiversByIds,
  saveGroups,
  type DeliveryFilter,
  type NewDeliveryRow,
} from '../db/notifications.js';
import type { NamespaceScope } from '../db/query.js';
import type { AlertRow, ReceiverRow, RouteRow } from '../db/schema.js';
import { activeSilences } from '../db/silences.js';
import { labelsOf } from '../domain/alerts.js';
import { bodyOf, type NotifiedAlert, type PayloadOptions } from '../domain/notification-payloads.js';
import { compileSelector, planGroups, type GroupPlan, type PlannedRoute } from '../domain/notifications.js';
import type { Logger } from '../logger.js';
import { createDeliveryLoop } from './deliveries.js';
import type { Clock } from './executions.js';
import { compileSilences } from './silences.js';

interface Deps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'notifications' | 'alerts'>;
  logger: Logger;
  /** The alert's id in the API, for payloads. */
  apiIdOf: (alertId: string) => string;
  random?: () => number;
}

/** Alertmanager forgets alerts it is not told about again: routes to it repeat at least this often. */
function plannedRoute(route: RouteRow, receiver: ReceiverRow, config: Config['notifications']): PlannedRoute {
  const repeatIntervalMs = receiver.kind === 'ALERTMANAGER' ? Math.min(route.repeatIntervalMs, config.alertmanagerResendMs) : route.repeatIntervalMs;
  return {
    id: route.id,
    test: compileSelector(route),
    continue: route.continue,
    groupBy: route.groupBy,
    timing: { groupWaitMs: route.groupWaitMs, groupIntervalMs: route.groupIntervalMs, repeatIntervalMs, sendResolved: route.sendResolved },
  };
}

export function createNotifier(deps: Deps) {
  const { clock, config } = deps;
  const settings = config.notifications;
  const delivery = createDeliveryLoop(deps);
  const log = deps.logger.child({ component: 'notifications' });
  const payloadOptions = (now: Date): PayloadOptions => ({
    now,
    externalUrl: settings.externalUrl ?? null,
    // Four re-sends may be missed before Alertmanager resolves the alert by itself.
    alertmanagerEndsInMs: 4 * settings.alertmanagerResendMs,
  });
  let plannedAt: Date | null = null;
  let timer: NodeJS.Timeout | null = null;

  /** The outbox row of one group's notification. */
  function deliveryOf(plan: GroupPlan, receiver: ReceiverRow, alerts: ReadonlyMap<string, AlertRow>, now: Date): NewDeliveryRow {
    const { firing, resolved } = plan.notify!;
    const notified = (status: NotifiedAlert['status']) => (id: string) => {
      const alert = alerts.get(id)!;
      return { alert, apiId: deps.apiIdOf(id), labels: labelsOf(alert), status };
    };
    const content = {
      receiver: receiver.name,
      groupKey: plan.key,
      groupLabels: plan.labels,
      alerts: [...firing.map(notified('firing')), ...resolved.map(notified('resolved'))],
    };
    return {
      id: randomUUID(),
      receiverId: receiver.id,
      namespace: receiver.namespace,
      groupKey: plan.key,
      status: 'PENDING',
      alertIds: [...firing, ...resolved],
      firingCount: firing.length,
      resolvedCount: resolved.length,
      body: bodyOf(receiver.kind, content, payloadOptions(now)),
      nextAttemptAt: now,
      createdAt: now,
    };
  }

  return {
    /** Decides this round's notifications and writes them to the outbox, in the round's transaction. */
    async plan(tx: Db, { now }: { now: Date }): Promise<void> {
      plannedAt = now;
      const routes = await listRoutes(tx, null);
      if (routes.length === 0) return;
      const receivers = new Map((await receiversByIds(tx, [...new Set(routes.map((r) => r.receiverId))], null)).map((r) => [r.id, r]));
      const planned = routes.map((route) => plannedRoute(route, receivers.get(route.receiverId)!, settings));
      const stored = await listGroups(tx);
      const alerts = await alertsToNotify(tx, [...new Set(stored.flatMap((g) => g.notified))]);
      const silences = compileSilences(await activeSilences(tx, now));
      const candidates = alerts.map((alert) => ({
        id: alert.id,
        labels: labelsOf(alert),
        open: alert.status === 'FIRING' || alert.status === 'ACKNOWLEDGED',
        silenced: silences.of(alert).length > 0,
      }));
      const plans = planGroups(planned, candidates, stored, now);
      const byId = new Map(alerts.map((a) => [a.id, a]));
      const routesById = new Map(routes.map((r) => [r.id, r]));
      const kept = plans.filter((p) => p.state !== null);
      const existing = new Set(stored.map((g) => g.key));
      await saveGroups(tx, kept.map(({ key, route, labels, state }) => ({ key, routeId: route.id, labels, ...state!, notified: [...state!.notified] })));
      await deleteGroups(tx, plans.filter((p) => p.state === null && existing.has(p.key)).map((p) => p.key));
      const notifications = plans
        .filter((p) => p.notify)
        .map((p) => deliveryOf(p, receivers.get(routesById.get(p.route.id)!.receiverId)!, byId, now));
      await insertDeliveries(tx, notifications);
      if (notifications.length) log.debug({ notifications: notifications.length }, 'notifications planned');
    },

    deliverDue: delivery.deliverDue,

    /** The delivery log, newest first. */
    deliveries: (filter: DeliveryFilter, scope: NamespaceScope, afterSeq: number | null, limit: number) =>
      listDeliveries(deps.db, filter, scope, afterSeq, limit),
    deliveryExists: (seq: number, scope: NamespaceScope) => deliveryExists(deps.db, seq, scope),
    deliveriesByIds: (ids: readonly string[], scope: NamespaceScope) => deliveriesByIds(deps.db, ids, scope),
    latestDeliveriesOf: (alertIds: readonly string[], scope: NamespaceScope, limit: number) => latestDeliveriesOf(deps.db, alertIds, scope, limit),

    /** Retries on a timer, on the instance that runs the rounds (it planned within the last two intervals). */
    start() {
      timer = setInterval(() => {
        const leading = plannedAt !== null && clock.now().getTime() - plannedAt.getTime() <= 2 * config.alerts.intervalMs;
        if (leading) delivery.deliverDue().catch((error: unknown) => log.warn({ err: error }, 'delivering notifications failed; retrying'));
      }, settings.retryPollMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      await delivery.stop();
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
