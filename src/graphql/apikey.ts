import { API_KEY_SCOPES, scopeEnumName, type ApiKeyInfo } from '../auth/keys.js';
import type { Context } from '../context.js';
import { DomainError } from '../errors.js';
import { builder } from './builder.js';

const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  description:
    'read: queries and subscriptions; ingest: engine mutations; alerts:write (ALERTS_WRITE): alert rule settings and silences; ' +
    'admin: everything, including keys.',
  values: Object.fromEntries(API_KEY_SCOPES.map((s) => [scopeEnumName(s), { value: s }])) as Record<
    'READ' | 'INGEST' | 'ALERTS_WRITE' | 'ADMIN',
    { value: (typeof API_KEY_SCOPES)[number] }
  >,
});

const ApiKeyRef = builder.objectRef<ApiKeyInfo>('ApiKey').implement({
  description: 'An API key as listings show it: never the secret.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to recognise it.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (k) => k.scopes }),
    namespaces: t.exposeStringList('namespaces', { nullable: true, description: 'null: every namespace.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CreatedApiKeyRef = builder.objectRef<{ key: string; info: ApiKeyInfo }>('CreatedApiKey').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The bearer secret. Shown only this once: store it now.' }),
    apiKey: t.field({ type: ApiKeyRef, resolve: (created) => created.info }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
    namespaces: t.stringList({ description: 'Leave out for every namespace.' }),
    expiresAt: t.field({ type: 'DateTime' }),
  }),
});

/** A key limited to namespaces could otherwise mint itself an unlimited one. */
function requireUnrestrictedAdmin(ctx: Context) {
  if (ctx.principal.namespaces !== null) {
    throw new DomainError('FORBIDDEN', 'Managing API keys needs an admin key that is not limited to namespaces');
  }
}

const adminOnly = { skipTypeScopes: true, authScopes: { admin: true } } as const;

const ViewerRef = builder.objectRef<Context['principal']>('Viewer').implement({
  description: 'The caller: what its key may do, so a client can offer only the actions that would succeed.',
  fields: (t) => ({
    name: t.exposeString('name'),
    scopes: t.field({ type: [ApiKeyScopeEnum], description: 'As granted; admin implies every other scope.', resolve: (p) => [...p.scopes] }),
    namespaces: t.exposeStringList('namespaces', { nullable: true, description: 'null: every namespace.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({ type: ViewerRef, description: 'The key this request authenticated with.', resolve: (_root, _args, ctx) => ctx.principal }),
  apiKeys: t.field({
    ...adminOnly,
    type: [ApiKeyRef],
    description: 'Every API key, newest first (admin).',
    resolve: (_root, _args, ctx) => {
      requireUnrestrictedAdmin(ctx);
      return ctx.services.auth.keys.list();
    },
  }),
}));

builder.mutationFields((t) => ({
  createApiKey: t.field({
    ...adminOnly,
    type: CreatedApiKeyRef,
    description: 'Creates an API key (admin); the secret is returned only here.',
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      requireUnrestrictedAdmin(ctx);
      return ctx.services.auth.keys.create(input);
    },
  }),
  revokeApiKey: t.field({
    ...adminOnly,
    type: ApiKeyRef,
    description: "Revokes a key by id or prefix (admin); its open WebSockets close within seconds.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => {
      requireUnrestrictedAdmin(ctx);
      return ctx.services.auth.keys.revoke(String(args.id));
    },
  }),
}));
