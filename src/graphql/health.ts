import { HEALTH_STATUSES, healthSeenBy, type SeenComponentHealth, type SeenHealth, type SystemHealth } from '../domain/health.js';
import { builder } from './builder.js';
import { abortable } from './live.js';
import { StorageRef } from './retention.js';

const HealthStatusEnum = builder.enumType('HealthStatus', { values: HEALTH_STATUSES });

const ComponentHealthRef = builder.objectRef<SeenComponentHealth>('ComponentHealth').implement({
  description: 'One checked part of the system: database, engine, queue, events, monitor, retention (and replicas when configured).',
  fields: (t) => ({
    component: t.exposeString('component'),
    status: t.field({ type: HealthStatusEnum, resolve: (c) => c.status }),
    message: t.exposeString('message'),
    latencyMs: t.exposeFloat('latencyMs', { nullable: true }),
    observedValue: t.exposeFloat('observedValue', {
      nullable: true,
      description:
        'What the check measured against threshold. The engine (executions late: stuck or past their timeout, each counted once) ' +
        'and queue (executions queued) figures count every namespace: a key limited to some namespaces, and GET /health, get ' +
        'null here and a message without them (the status still is the system\'s).',
    }),
    threshold: t.exposeFloat('threshold', { nullable: true }),
    since: t.expose('since', { type: 'DateTime', description: 'When the component entered this status.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
  }),
});

const SystemHealthRef = builder.objectRef<SeenHealth>('SystemHealth').implement({
  description: 'The worst component status is the overall status.',
  fields: (t) => ({
    status: t.field({ type: HealthStatusEnum, resolve: (h) => h.status }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime' }),
    components: t.field({ type: [ComponentHealthRef], resolve: (h) => h.components }),
    storage: t.field({ type: StorageRef, nullable: true, description: 'Table sizes and the oldest data kept; null while the database cannot say.', resolve: (h) => h.storage ?? null }),
  }),
});

builder.queryFields((t) => ({
  health: t.field({
    type: SystemHealthRef,
    description: 'Cached for a few seconds: a burst of reads costs one check.',
    resolve: async (_root, _args, ctx) => healthSeenBy(await ctx.services.health.current(), ctx.scope === null),
  }),
}));

builder.subscriptionFields((t) => ({
  health: t.field({
    type: SystemHealthRef,
    description: 'The current health, then again whenever the overall or any component status changes.',
    subscribe: (_root, _args, ctx) => abortable((signal) => ctx.services.health.changes(signal)),
    resolve: (health: SystemHealth, _args, ctx) => healthSeenBy(health, ctx.scope === null),
  }),
}));
