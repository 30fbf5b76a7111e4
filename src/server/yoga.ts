import type { IncomingMessage, ServerResponse } from 'node:http';
import { createYoga, type YogaServerOptions } from 'graphql-yoga';
import { hasScope, type Principal } from '../auth/auth.js';
import { graphiqlEnabled, introspectionEnabled, type Config } from '../config.js';
import { createContext, type Services } from '../context.js';
import { DomainError } from '../errors.js';
import { eventResultExtensions } from '../graphql/event.js';
import { schema } from '../graphql/schema.js';
import type { Logger } from '../logger.js';
import { GRAPHIQL_OPTIONS, renderGraphiQL } from './graphiql.js';
import { useCompiledExecution } from './plugins/compiled-execution.js';
import { maskError, useStableErrorCodes } from './plugins/errors.js';
import { useQueryLimits } from './plugins/limits.js';
import { useReplicaReads } from './plugins/replica-reads.js';
import { useSharedSubscriptionResults } from './plugins/shared-subscriptions.js';
import { isEventStreamRequest, useSseEventIds } from './sse.js';

/** What the HTTP guard or a WebSocket's connection_init puts in Yoga's server context. */
export interface ServerContext {
  req?: IncomingMessage;
  res?: ServerResponse;
  principal?: Principal;
}

/**
 * Yoga for `/graphql` over HTTP and SSE, and the envelop that graphql-ws runs operations through:
 * the schema, the plugins (stable codes, shared subscription results, compiled execution, queries
 * on the read replicas, limits),
 * CORS, GraphiQL, a context per operation and error masking.
 */
export function createGraphQLServer(services: Services) {
  const { config, logger } = services;
  const { authenticator } = services.auth;
  const mask = (error: unknown) => maskError(error, logger);
  return createYoga<ServerContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    graphiql: () => (graphiqlEnabled(config, authenticator.anonymousMode) ? GRAPHIQL_OPTIONS : false),
    renderGraphiQL,
    cors: corsPolicy(config.http),
    logging: yogaLogger(logger),
    // Parses are cached. Validation is cached by useQueryLimits, which splits the rules that depend
    // on variables and on the caller from the ones that do not; Yoga's cache cannot.
    parserAndValidationCache: { validationCache: false },
    // The HTTP guard has already read the body within MAX_BODY_BYTES; Yoga's own limit would pipe
    // every body through a TransformStream a second time.
    maxRequestBodySize: false,
    plugins: [
      useStableErrorCodes(),
      useSharedSubscriptionResults(mask, eventResultExtensions),
      useSseEventIds(),
      useCompiledExecution(),
      useReplicaReads(services.readFromReplicas),
      useQueryLimits(config.limits, ({ principal }: ServerContext) => introspectionEnabled(config, principal !== undefined && hasScope(principal, 'read'))),
    ],
    context: ({ principal, request }: ServerContext & { request?: Request }) => {
      if (!principal) throw new DomainError('UNAUTHENTICATED', 'An API key is required: send `Authorization: Bearer <key>`');
      const lastEventId = request && isEventStreamRequest(request) ? request.headers.get('last-event-id') || null : null;
      return createContext(services, principal.namespaces, principal, lastEventId);
    },
    maskedErrors: { maskError: mask },
  });
}

export type GraphQLServer = ReturnType<typeof createGraphQLServer>;

/** Yoga's request listener with the principal put in its server context. */
export function answerAs(yoga: GraphQLServer, req: IncomingMessage, res: ServerResponse, principal: Principal | undefined) {
  // requestListener merges extra arguments into the server context (its typings omit them).
  return (yoga.requestListener as (...args: unknown[]) => Promise<void>)(req, res, { principal });
}

/** Allow-listed origins only; never reflect an arbitrary Origin (Yoga's default). */
function corsPolicy(http: Config['http']): YogaServerOptions<ServerContext, object>['cors'] {
  if (http.corsOrigins.length === 0) return false;
  return (request) => {
    const origin = request.headers.get('origin');
    return origin && http.corsOrigins.includes(origin)
      ? { origin: [origin], credentials: false, allowedHeaders: ['authorization', 'content-type', 'accept'], methods: ['GET', 'POST'] }
      : (false as never);
  };
}

/** Yoga's own logger: errors are already logged (with their id) by `maskError`, so keep these quiet. */
function yogaLogger(logger: Logger) {
  const log = logger.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => log.debug({ args }, 'yoga'),
    info: (...args: unknown[]) => log.info({ args }, 'yoga'),
    warn: (...args: unknown[]) => log.warn({ args }, 'yoga'),
    error: (...args: unknown[]) => log.debug({ args }, 'yoga error'),
  };
}
