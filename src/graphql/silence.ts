import type { AlertRow, SilenceRow } from '../db/schema.js';
import { ALERT_LABEL_NAMES, MATCH_OPERATORS, SILENCE_STATES, type Matcher } from '../domain/notifications.js';
import type { Context } from '../context.js';
import { silenceVisibleTo } from '../services/silences.js';
import { AlertRef } from './alert.js';
import { builder } from './builder.js';
import { parseId } from './ids.js';
import { pageArgs, pageSize, rowsAfter, timeAndIdCursor, toConnection } from './pagination.js';

export const AlertLabelEnum = builder.enumType('AlertLabel', {
  description: 'The labels of an alert that silences and routes match on.',
  values: Object.fromEntries(ALERT_LABEL_NAMES.map((name) => [name.toUpperCase(), { value: name }])) as Record<
    'RULE' | 'NAMESPACE' | 'WORKFLOW' | 'SEVERITY' | 'SUBJECT',
    { value: (typeof ALERT_LABEL_NAMES)[number] }
  >,
});

const MatchOperatorEnum = builder.enumType('MatchOperator', {
  description: "Alertmanager's =, !=, =~ and !~. Regexes use RE2 syntax and must match the whole value.",
  values: MATCH_OPERATORS,
});

export const LabelMatcherRef = builder.objectRef<Matcher>('LabelMatcher').implement({
  fields: (t) => ({
    label: t.field({ type: AlertLabelEnum, resolve: (m) => m.label }),
    operator: t.field({ type: MatchOperatorEnum, resolve: (m) => m.operator }),
    value: t.exposeString('value'),
  }),
});

export const LabelMatcherInput = builder.inputType('LabelMatcherInput', {
  fields: (t) => ({
    label: t.field({ type: AlertLabelEnum, required: true }),
    operator: t.field({ type: MatchOperatorEnum, defaultValue: 'EQUAL', description: 'EQUAL when left out.' }),
    value: t.string({ required: true }),
  }),
});

const SilenceStateEnum = builder.enumType('SilenceState', { values: SILENCE_STATES });

const SilenceRef = builder.objectRef<SilenceRow>('Silence');

builder.node(SilenceRef, {
  description: 'While ACTIVE, the alerts its matchers select (all of them) are recorded as usual but notify no one.',
  id: { resolve: (s) => s.id },
  loadOne: async (id, ctx) => (await ctx.services.silences.byIds([id], ctx.scope))[0] ?? null,
  fields: (t) => ({
    matchers: t.field({ type: [LabelMatcherRef], resolve: (s) => s.matchers }),
    state: t.field({ type: SilenceStateEnum, resolve: (s, _args, ctx) => ctx.services.silences.state(s) }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    comment: t.exposeString('comment', { nullable: true }),
    createdBy: t.exposeString('createdBy', { description: 'The name of the API key that created it.' }),
    namespaces: t.exposeStringList('namespaces', {
      nullable: true,
      description: 'The namespaces it is confined to (it was made by a key limited to them); null: any.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const SilenceConnection = builder.connectionObject({ type: SilenceRef, name: 'SilenceConnection' });
const silenceCursor = timeAndIdCursor('si');

const CreateSilenceInput = builder.inputType('CreateSilenceInput', {
  fields: (t) => ({
    matchers: t.field({ type: [LabelMatcherInput], required: true, description: 'All must match; at least one must not match the empty string.' }),
    startsAt: t.field({ type: 'DateTime', description: 'Now when left out (or in the past).' }),
    endsAt: t.field({ type: 'DateTime', required: true }),
    comment: t.string(),
  }),
});

const creatorOf = (ctx: Context) => ({ name: ctx.principal.name, namespaces: ctx.principal.namespaces });
const alertsWrite = { skipTypeScopes: true, authScopes: { alertsWrite: true } } as const;

builder.queryFields((t) => ({
  silences: t.field({
    type: SilenceConnection,
    description: 'Newest first; every state when `state` is left out.',
    args: { state: t.arg({ type: [SilenceStateEnum] }), ...pageArgs },
    resolve: async (_root, args, ctx) => {
      const limit = pageSize(args.first, ctx.services.config);
      const { silences } = ctx.services;
      const rows = await rowsAfter(ctx, args.after,
        silenceCursor.decode,
        async ({ at, id }) => (await silences.byIds([id], ctx.scope))[0]?.createdAt.getTime() === at.getTime(),
        (after) => silences.list(args.state ?? [], ctx.scope, after && { createdAt: after.at, id: after.id }, limit),
      );
      return toConnection(rows, limit, (s) => silenceCursor.encode(s.createdAt, s.id), args.after);
    },
  }),
}));

builder.mutationFields((t) => ({
  createSilence: t.field({
    ...alertsWrite,
    type: SilenceRef,
    description: 'Needs alerts:write. A key limited to namespaces must give a namespace matcher (EQUAL or REGEX) naming them.',
    args: { input: t.arg({ type: CreateSilenceInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.silences.create(input, creatorOf(ctx)),
  }),
  expireSilence: t.field({
    ...alertsWrite,
    type: SilenceRef,
    description: 'Ends the silence now (a pending one never starts); an ended one is returned as it is. Needs alerts:write.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.silences.expire(parseId(String(args.id), 'Silence'), ctx.scope),
  }),
}));

const silencesOf = async (alert: AlertRow, ctx: Context) => (await ctx.loaders.activeSilences()).of(alert);

builder.objectFields(AlertRef, (t) => ({
  silenced: t.boolean({
    description: 'A silence in force selects this alert: it notifies no one (not even of its resolution).',
    resolve: async (alert, _args, ctx) => (await silencesOf(alert, ctx)).length > 0,
  }),
  silencedBy: t.field({
    type: [SilenceRef],
    description: 'The silences in force that select this alert (those the caller may see).',
    resolve: async (alert, _args, ctx) => (await silencesOf(alert, ctx)).filter((s) => silenceVisibleTo(s, ctx.scope)),
  }),
}));
