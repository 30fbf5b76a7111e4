import type { Context } from '../context.js';
import type { AlertRow, DeliveryRow, ReceiverRow, RouteRow } from '../db/schema.js';
import { invalidCursor } from '../domain/cursors.js';
import { RECEIVER_KINDS } from '../domain/notification-payloads.js';
import { redactUrl } from '../domain/notifications.js';
import { badInput } from '../errors.js';
import { AlertRef } from './alert.js';
import { builder } from './builder.js';
import { parseId } from './ids.js';
import { pageArgs, pageSize, rowsAfter, toConnection } from './pagination.js';
import { AlertLabelEnum, LabelMatcherInput, LabelMatcherRef } from './silence.js';

const ReceiverKindEnum = builder.enumType('ReceiverKind', {
  description: 'WEBHOOK: signed JSON (Alertmanager webhook format); SLACK: an incoming webhook; ALERTMANAGER: its v2 API, given by its base URL.',
  values: RECEIVER_KINDS,
});
const DeliveryStatusEnum = builder.enumType('DeliveryStatus', { values: ['PENDING', 'DELIVERED', 'FAILED'] as const });

const ReceiverRef = builder.objectRef<ReceiverRow>('AlertReceiver');
builder.node(ReceiverRef, {
  description: 'Where notifications go. Its secret and the credentials in its URL are never shown.',
  id: { resolve: (r) => r.id },
  loadOne: (id, ctx) => ctx.loaders.receiver.load(id),
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.field({ type: ReceiverKindEnum, resolve: (r) => r.kind }),
    url: t.string({ description: 'Scheme, host and port only: the path and query (where tokens live) show as ***.', resolve: (r) => redactUrl(r.url) }),
    hasSecret: t.boolean({ description: 'WEBHOOK bodies are signed (X-Runwatch-Signature) with it.', resolve: (r) => r.secret !== null }),
    timeoutMs: t.int({ resolve: (r, _args, ctx) => r.timeoutMs ?? ctx.services.config.notifications.timeoutMs }),
    namespace: t.exposeString('namespace', { nullable: true, description: 'null: system-wide.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const RouteRef = builder.objectRef<RouteRow>('AlertRoute');
builder.node(RouteRef, {
  description: 'Sends the alerts its matchers select to its receiver, grouped by `groupBy`. Routes are tried by position; the first match wins unless it says `continue`.',
  id: { resolve: (r) => r.id },
  loadOne: async (id, ctx) => (await ctx.services.receivers.listRoutes(ctx.scope)).find((r) => r.id === id) ?? null,
  fields: (t) => ({
    receiver: t.field({ type: ReceiverRef, resolve: async (r, _args, ctx) => (await ctx.loaders.receiver.load(r.receiverId))! }),
    matchers: t.field({ type: [LabelMatcherRef], resolve: (r) => r.matchers }),
    namespaces: t.exposeStringList('namespaces', { nullable: true, description: 'It only matches alerts of these namespaces; null: any.' }),
    groupBy: t.field({ type: [AlertLabelEnum], resolve: (r) => r.groupBy }),
    groupWaitMs: t.exposeInt('groupWaitMs', { description: 'A new group waits this long before its first notification.' }),
    groupIntervalMs: t.exposeInt('groupIntervalMs', { description: "A group's changes go out at most this often." }),
    repeatIntervalMs: t.exposeInt('repeatIntervalMs', { description: 'An unchanged firing group notifies again after this long.' }),
    sendResolved: t.exposeBoolean('sendResolved'),
    continue: t.exposeBoolean('continue'),
    position: t.exposeInt('position'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const DeliveryRef = builder.objectRef<DeliveryRow>('AlertDelivery');
builder.node(DeliveryRef, {
  description: 'One notification of one group to one receiver, and how sending it went.',
  id: { resolve: (d) => d.id },
  loadOne: async (id, ctx) => (await ctx.services.notifications.deliveriesByIds([id], ctx.scope))[0] ?? null,
  fields: (t) => ({
    receiver: t.field({ type: ReceiverRef, resolve: async (d, _args, ctx) => (await ctx.loaders.receiver.load(d.receiverId))! }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (d) => d.status }),
    idempotencyKey: t.string({ description: 'Sent as Idempotency-Key; the same on every attempt.', resolve: (d) => d.id }),
    groupKey: t.exposeString('groupKey'),
    firingCount: t.exposeInt('firingCount'),
    resolvedCount: t.exposeInt('resolvedCount'),
    attempts: t.exposeInt('attempts'),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'While PENDING.', resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    alerts: t.field({
      type: [AlertRef],
      description: 'The alerts it reported, firing ones first.',
      resolve: async (d, _args, ctx) => (await ctx.loaders.alert.loadMany(d.alertIds)).filter((a): a is AlertRow => a !== null && !(a instanceof Error)),
    }),
  }),
});

const DeliveryConnection = builder.connectionObject({ type: DeliveryRef, name: 'AlertDeliveryConnection' });
const encodeDeliveryCursor = (d: DeliveryRow) => Buffer.from(`dl:${d.seq}`).toString('base64url');
function decodeDeliveryCursor(cursor: string): number {
  const match = /^dl:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalidCursor(cursor);
  return Number(match[1]);
}

const AlertDeliveryFilter = builder.inputType('AlertDeliveryFilter', {
  fields: (t) => ({ alertId: t.id(), receiverId: t.id(), status: t.field({ type: [DeliveryStatusEnum] }) }),
});

const CreateReceiverInput = builder.inputType('CreateAlertReceiverInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: ReceiverKindEnum, required: true }),
    url: t.string({ required: true, description: 'ALERTMANAGER: its base URL. user:password@ in it becomes Basic auth.' }),
    secret: t.string({ description: 'At least 16 characters; WEBHOOK bodies are signed with it. Never shown again.' }),
    timeoutMs: t.int(),
    namespace: t.string({ description: 'Leave out for a system-wide receiver (keys without a namespace limit only).' }),
  }),
});
const UpdateReceiverInput = builder.inputType('UpdateAlertReceiverInput', {
  description: 'Fields left out stay as they are; secret: null removes the secret, timeoutMs: null restores the default.',
  fields: (t) => ({ name: t.string(), url: t.string(), secret: t.string(), timeoutMs: t.int() }),
});

const routeInputFields = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0]) => ({
  matchers: t.field({ type: [LabelMatcherInput], description: 'All must match; none: every alert.' }),
  groupBy: t.field({ type: [AlertLabelEnum], description: '[RULE, NAMESPACE] when left out.' }),
  groupWaitMs: t.int(),
  groupIntervalMs: t.int(),
  repeatIntervalMs: t.int(),
  sendResolved: t.boolean(),
  continue: t.boolean(),
  position: t.int({ description: 'After the last route when left out.' }),
});
const CreateRouteInput = builder.inputType('CreateAlertRouteInput', {
  fields: (t) => ({ receiverId: t.id({ required: true }), ...routeInputFields(t) }),
});
const UpdateRouteInput = builder.inputType('UpdateAlertRouteInput', {
  description: 'Fields left out stay as they are.',
  fields: (t) => ({ receiverId: t.id(), ...routeInputFields(t) }),
});

const adminOnly = { skipTypeScopes: true, authScopes: { admin: true } } as const;
const creatorOf = (ctx: Context) => ({ name: ctx.principal.name, namespaces: ctx.principal.namespaces });
/** GraphQL's null for a field left out of an update means "unchanged" unless the field allows clearing. */
const unlessNull = <T>(value: T | null | undefined) => (value === null ? undefined : value);
const receiverIdOf = (id: string | number | null | undefined) => (id == null ? undefined : parseId(String(id), 'AlertReceiver'));

builder.queryFields((t) => ({
  alertReceivers: t.field({ ...adminOnly, type: [ReceiverRef], description: 'By name (admin).', resolve: (_root, _args, ctx) => ctx.services.receivers.listReceivers(ctx.scope) }),
  alertRoutes: t.field({ ...adminOnly, type: [RouteRef], description: 'In the order they are tried (admin).', resolve: (_root, _args, ctx) => ctx.services.receivers.listRoutes(ctx.scope) }),
  alertDeliveries: t.field({
    type: DeliveryConnection,
    description: 'The delivery log, newest first.',
    args: { filter: t.arg({ type: AlertDeliveryFilter }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first, ctx.services.config);
      const { alertId, receiverId, status } = args.filter ?? {};
      const filter = { alertId: alertId == null ? null : parseId(String(alertId), 'Alert'), receiverId: receiverIdOf(receiverId), status };
      const { notifications } = ctx.services;
      const rows = await rowsAfter(ctx, args.after,
        decodeDeliveryCursor,
        (seq) => notifications.deliveryExists(seq, ctx.scope),
        (afterSeq) => notifications.deliveries(filter, ctx.scope, afterSeq, limit),
      );
      return toConnection(rows, limit, encodeDeliveryCursor, args.after);
    },
  }),
}));

builder.mutationFields((t) => ({
  createAlertReceiver: t.field({
    ...adminOnly,
    type: ReceiverRef,
    args: { input: t.arg({ type: CreateReceiverInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.receivers.createReceiver(input, creatorOf(ctx)),
  }),
  updateAlertReceiver: t.field({
    ...adminOnly,
    type: ReceiverRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateReceiverInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      ctx.services.receivers.updateReceiver(
        parseId(String(id), 'AlertReceiver'),
        { name: unlessNull(input.name), url: unlessNull(input.url), secret: input.secret, timeoutMs: input.timeoutMs },
        ctx.scope,
      ),
  }),
  deleteAlertReceiver: t.field({
    ...adminOnly,
    type: ReceiverRef,
    description: 'Deletes it with its delivery log; routes must not send to it any more.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.receivers.deleteReceiver(parseId(String(id), 'AlertReceiver'), ctx.scope),
  }),
  createAlertRoute: t.field({
    ...adminOnly,
    type: RouteRef,
    args: { input: t.arg({ type: CreateRouteInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.receivers.createRoute(routeChanges(input, receiverIdOf(input.receiverId)!), creatorOf(ctx), ctx.scope),
  }),
  updateAlertRoute: t.field({
    ...adminOnly,
    type: RouteRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateRouteInput, required: true }) },
    resolve: (_root, { id, input }, ctx) =>
      ctx.services.receivers.updateRoute(parseId(String(id), 'AlertRoute'), routeChanges(input, receiverIdOf(input.receiverId)), creatorOf(ctx), ctx.scope),
  }),
  deleteAlertRoute: t.field({
    ...adminOnly,
    type: RouteRef,
    description: 'Its open groups close without notifying.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.receivers.deleteRoute(parseId(String(id), 'AlertRoute'), ctx.scope),
  }),
}));

function routeChanges<R extends string | undefined>(input: Record<string, unknown>, receiverId: R) {
  const fields = ['matchers', 'groupBy', 'groupWaitMs', 'groupIntervalMs', 'repeatIntervalMs', 'sendResolved', 'continue', 'position'] as const;
  return { receiverId, ...Object.fromEntries(fields.map((f) => [f, unlessNull(input[f])])) } as { receiverId: R } & Partial<Omit<RouteRow, 'receiverId'>>;
}

builder.objectFields(AlertRef, (t) => ({
  deliveries: t.field({
    type: [DeliveryRef],
    description: "This alert's latest notifications, newest first (alertDeliveries pages through them all).",
    args: { first: t.arg.int({ defaultValue: 20, description: 'At most 100.' }) },
    resolve: (alert, args, ctx) => {
      const first = args.first ?? 20;
      if (first < 0 || first > 100) throw badInput(`first must be between 0 and 100, got ${first}`, { field: 'first' });
      return ctx.loaders.alertDeliveries(first).load(alert.id);
    },
  }),
}));
