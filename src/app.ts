import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createYoga } from 'graphql-yoga';
import { createAuthenticator, createRateLimiter, hasScope, LOCAL_ADMIN, type Principal } from './auth/auth.js';
import { createHttpGuard } from './auth/http.js';
import { createApiKeyService } from './auth/keys.js';
import { graphiqlEnabled, introspectionEnabled, type Config } from './config.js';
import { createContext, type Services } from './context.js';
import { createDashboard } from './dashboard/page.js';
import { openDatabase, type Database } from './db/client.js';
import { createRepository } from './db/repository.js';
import { maskError, useStableErrorCodes, yogaLogger } from './graphql/errors.js';
import { GRAPHIQL_EXAMPLE } from './graphql/examples.js';
import { GRAPHIQL_ASSET_PREFIX, renderGraphiQL, serveGraphiQLAsset } from './graphql/graphiql.js';
import { useSharedSubscriptionResults } from './graphql/shared-subscriptions.js';
import { useCompiledExecution } from './graphql/compiled-execution.js';
import { useQueryLimits } from './graphql/limits.js';
import { schema } from './graphql/schema.js';
import { DomainError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createEventBus } from './services/bus.js';
import { createFeedWatcher } from './services/events.js';
import { createMonitor } from './services/monitoring.js';
import { createExecutionService, systemClock, type Clock } from './services/executions.js';
import { createSseStreams, isEventStream } from './sse.js';
import { createMetricsService } from './services/metrics.js';
import { createPrometheusExporter } from './services/prometheus.js';
import { createProgressService } from './services/progress.js';
import { attachWebSockets } from './ws.js';
import { serveControlSocket } from './server/control-socket.js';

export interface AppOptions {
  logger?: Logger;
  clock?: Clock;
}

export interface App {
  services: Services;
  database: Database;
  webSockets: ReturnType<typeof attachWebSockets>;
  /** Starts listening; resolves to the bound URL's port. */
  start(port?: number): Promise<number>;
  /** Closes WebSockets (1012), drains HTTP, stops listeners and closes the database. */
  stop(): Promise<void>;
}

/** Builds the whole server - database, services, Yoga, graphql-ws - without listening yet. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const database = await openDatabase({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolSize: config.database.poolSize,
    logger,
  });
  const bus = createEventBus(database.notifications, logger);
  const repository = createRepository(database.db);
  const watcher = createFeedWatcher({ repository, bus, pollMs: config.live.pollMs, logger });
  const keys = createApiKeyService({ db: database.uncountedDb });
  const authenticator = createAuthenticator({ keys, config, logger });
  let protectedMode: { anonymous: boolean };
  try {
    protectedMode = await authenticator.prepare();
  } catch (error) {
    await database.close();
    throw error;
  }
  const monitor = createMonitor({
    database,
    bus,
    clock,
    config,
    logger,
    live: { listening: () => bus.listening, wakeUpLagMs: () => bus.ping(config.health.wakeUpLagMs * 4) },
  });
  const services: Services = {
    config,
    logger,
    clock,
    repository,
    executions: createExecutionService({ db: database.db, bus, clock }),
    bus,
    monitor,
    live: { repository, watcher, batchSize: config.live.batchSize },
    auth: {
      keys,
      authenticator,
      rateLimiter: createRateLimiter({ perSecond: config.auth.rateLimitPerSecond, burst: config.auth.rateLimitBurst }),
    },
    progress: createProgressService({ db: database.db, clock }),
    metrics: createMetricsService({
      db: database.db,
      clock,
      limits: config.metrics,
      liveSubscriptions: () => watcher.size,
    }),
  };
  const prometheus = createPrometheusExporter(services.metrics);
  const dashboard = createDashboard();
  const log = logger.child({ component: 'http' });

  const yoga = createYoga<{ req?: IncomingMessage; res?: ServerResponse; principal?: Principal }>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    graphiql: () =>
      graphiqlEnabled(config, authenticator.anonymousMode)
        ? { title: 'Runwatch', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_EXAMPLE }
        : false,
    renderGraphiQL,
    // Allow-listed origins only; never reflect an arbitrary Origin (Yoga's default).
    cors: config.http.corsOrigins.length
      ? (request) => {
          const origin = request.headers.get('origin');
          return origin && config.http.corsOrigins.includes(origin)
            ? { origin: [origin], credentials: false, allowedHeaders: ['authorization', 'content-type', 'accept'], methods: ['GET', 'POST'] }
            : (false as never);
        }
      : false,
    logging: yogaLogger(logger),
    // Parses are cached. Validation is cached by useQueryLimits, which splits the rules that depend
    // on variables and on the caller from the ones that do not; Yoga's cache cannot.
    parserAndValidationCache: { validationCache: false },
    // The HTTP guard has already read the body within MAX_BODY_BYTES; Yoga's own limit would pipe
    // every body through a TransformStream again (5 % of a page request's CPU).
    maxRequestBodySize: false,
    plugins: [
      useStableErrorCodes(),
      useSharedSubscriptionResults((error) => maskError(error, logger)),
      useCompiledExecution(),
      useQueryLimits(config.limits, () => introspectionEnabled(config, authenticator.anonymousMode)),
    ],
    // The HTTP guard or the WebSocket's connection_init put the principal in the server context.
    context: ({ principal }: { principal?: Principal }) => {
      if (!principal) throw new DomainError('UNAUTHENTICATED', 'An API key is required: send `Authorization: Bearer <key>`');
      return createContext(services, principal.namespaces, principal);
    },
    maskedErrors: { maskError: (error) => maskError(error, logger) },
  });

  const guard = createHttpGuard({
    authenticator,
    rateLimiter: services.auth.rateLimiter,
    maxBodyBytes: config.limits.maxBodyBytes,
    graphiql: () => graphiqlEnabled(config, authenticator.anonymousMode),
  });

  const sseStreams = createSseStreams(
    {
      authenticator,
      keys,
      recheckMs: config.auth.recheckMs,
      maxStreamsPerKey: config.connections.maxSocketsPerKey,
      slowConsumerMs: config.connections.slowConsumerMs,
      maxBufferedBytes: config.connections.maxBufferedBytes,
    },
    logger,
  );

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/readyz') {
      void readiness(database).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      monitor.health().then(
        (health) => {
          const status = health.status === 'UNHEALTHY' ? 503 : 200;
          res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(health));
        },
        () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"UNHEALTHY"}'),
      );
      return;
    }
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      // Per-namespace figures are tenant data: the same key rules as the API (scrapers send a bearer key).
      guard(req, res)
        .then(async (principal) => {
          if (!principal) return; // the guard has answered (401, 429)
          if (!hasScope(principal, 'read')) {
            res.writeHead(403, { 'content-type': 'text/plain' }).end('the API key needs the read scope\n');
            return;
          }
          const text = await prometheus.scrape(principal.namespaces);
          res.writeHead(200, { 'content-type': prometheus.contentType }).end(text);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'metrics scrape failed');
          if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('metrics unavailable\n');
        });
      return;
    }
    if (path === '/healthz') {
      void yoga.requestListener(req, res);
      return;
    }
    if (path.startsWith(GRAPHIQL_ASSET_PREFIX) && req.method === 'GET' && graphiqlEnabled(config, authenticator.anonymousMode)) {
      if (serveGraphiQLAsset(path, res)) return;
    }
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      // The page holds no data: it asks the API with the key its user enters.
      dashboard.serve(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'dashboard bundle failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('dashboard unavailable\n');
      });
      return;
    }
    guard(req, res).then(
      (principal) => {
        if (principal === null) return;
        if (principal && isEventStream(req) && !sseStreams.track(res, principal)) return;
        // requestListener merges extra arguments into the server context (its typings omit them).
        void requestAs(req, res, { principal });
      },
      (error: unknown) => {
        log.error({ err: error }, 'request guard failed');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'Service unavailable', extensions: { code: 'INTERNAL' } }] }));
      },
    );
  });

  const webSockets = attachWebSockets(
    server,
    yoga as never,
    {
      keepAliveMs: config.connections.keepAliveMs,
      slowConsumerMs: config.connections.slowConsumerMs,
      maxBufferedBytes: config.connections.maxBufferedBytes,
      maxPayloadBytes: config.connections.maxPayloadBytes,
      auth: {
        authenticator,
        rateLimiter: services.auth.rateLimiter,
        keys,
        maxSubscriptionsPerSocket: config.connections.maxSubscriptionsPerSocket,
        maxSocketsPerKey: config.connections.maxSocketsPerKey,
        recheckMs: config.auth.recheckMs,
        maxOperationBytes: config.limits.maxBodyBytes,
      },
    },
    logger,
  );

  const requestAs = yoga.requestListener as (...args: unknown[]) => Promise<void>;
  let closeControlSocket: (() => Promise<void>) | null = null;
  let listening = false;
  return {
    services,
    database,
    webSockets,
    async start(port = config.http.port) {
      await watcher.start();
      await bus.start();
      if (config.alerts.enabled) monitor.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.http.host, () => resolve());
      });
      listening = true;
      const lock = database.dataDirLock;
      if (lock) {
        const path = join(dirname(lock.path), 'runwatch.sock');
        closeControlSocket = await serveControlSocket(path, (req, res) => void requestAs(req, res, { principal: LOCAL_ADMIN }));
        if (closeControlSocket) lock.advertise(path);
      }
      const bound = (server.address() as AddressInfo).port;
      log.info({ url: `http://${config.http.host}:${bound}/graphql` }, 'Runwatch listening');
      if (protectedMode.anonymous && authenticator.anonymousMode) {
        log.warn(
          { host: config.http.host },
          'Protected mode: no API keys exist, so anonymous clients get full access, on loopback only. ' +
            'Create a key (npm run keys -- create --name admin --scopes admin) to require keys.',
        );
      }
      return bound;
    },
    async stop() {
      await closeControlSocket?.();
      await webSockets.close();
      sseStreams.close();
      if (listening) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), config.http.shutdownGraceMs);
        await closed;
        clearTimeout(grace);
        listening = false;
      }
      await monitor.stop();
      await watcher.stop();
      await bus.stop();
      await database.close();
      log.info('Runwatch stopped');
    },
  };
}

async function readiness(database: Database) {
  try {
    const latencyMs = await database.ping();
    return { status: 200, body: { status: 'ready', database: { latencyMs } } };
  } catch (error) {
    return { status: 503, body: { status: 'unavailable', database: { error: (error as Error).message } } };
  }
}
