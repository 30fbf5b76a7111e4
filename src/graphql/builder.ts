import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { hasScope } from '../auth/auth.js';
import type { Context } from '../context.js';
import { DomainError } from '../errors.js';

type Failure = { kind: string; scope?: string; failures?: Failure[] };
/** The scopes as keys name them (the auth scope `alertsWrite` is the key scope `alerts:write`). */
const missingScopes = (failure: Failure): string[] =>
  failure.scope ? [failure.scope === 'alertsWrite' ? 'alerts:write' : failure.scope] : [...new Set((failure.failures ?? []).flatMap(missingScopes))];
import { decodeGlobalId, encodeGlobalId } from './ids.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  AuthScopes: { read: boolean; ingest: boolean; alertsWrite: boolean; admin: boolean };
}>({
  // Scope-auth first, so the relay plugin's node/nodes fields are guarded like every other field.
  plugins: [ScopeAuthPlugin, RelayPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      read: hasScope(ctx.principal, 'read'),
      ingest: hasScope(ctx.principal, 'ingest'),
      alertsWrite: hasScope(ctx.principal, 'alerts:write'),
      admin: hasScope(ctx.principal, 'admin'),
    }),
    unauthorizedError: (_parent, _ctx, info, result) => {
      const needed = missingScopes(result.failure);
      return new DomainError(
        'FORBIDDEN',
        `${info.parentType.name}.${info.fieldName} needs an API key with the ${needed.join(' or ') || 'right'} scope`,
        { needed },
      );
    },
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
  },
});

/*
 * Access rules, fail-closed for every field added later: queries and subscriptions need `read`,
 * engine mutations need `ingest`, key management needs `admin` (`admin` implies every scope).
 * A mutation that only records a reader's reaction (acknowledging an alert) takes
 * `skipTypeScopes: true, authScopes: { read: true }`. Namespaces are enforced by `ctx.scope`.
 */
builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { ingest: true } });
builder.subscriptionType({ authScopes: { read: true } });
