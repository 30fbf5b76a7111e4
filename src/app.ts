import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { graphiqlEnabled, type Config } from './config.js';
import { createContext, type Services } from './context.js';
import { openDatabase, type Database } from './db/client.js';
import { createRepository } from './db/repository.js';
import { maskError, useStableErrorCodes, yogaLogger } from './graphql/errors.js';
import { GRAPHIQL_EXAMPLE } from './graphql/examples.js';
import { schema } from './graphql/schema.js';
import { createLogger, type Logger } from './logger.js';
import { createEventBus } from './services/bus.js';
import { createFeedWatcher } from './services/events.js';
import { createExecutionService, systemClock, type Clock } from './services/executions.js';
import { createMetricsService } from './services/metrics.js';
import { createPrometheusExporter } from './services/prometheus.js';
import { createProgressService } from './services/progress.js';
import { attachWebSockets } from './ws.js';

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
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  });
  const bus = createEventBus(database.notifications, logger);
  const repository = createRepository(database.db);
  const watcher = createFeedWatcher({ repository, bus, pollMs: config.SUBSCRIPTION_POLL_MS, logger });
  const services: Services = {
    config,
    logger,
    clock,
    repository,
    executions: createExecutionService({ db: database.db, bus, clock, crossInstance: database.notifications !== null }),
    bus,
    live: { repository, watcher, batchSize: config.SUBSCRIPTION_BATCH_SIZE },
    progress: createProgressService({ db: database.db, clock }),
    metrics: createMetricsService({
      db: database.db,
      clock,
      limits: {
        maxWindowDays: config.METRICS_MAX_WINDOW_DAYS,
        maxBuckets: config.METRICS_MAX_BUCKETS,
        exactWindowMinutes: config.METRICS_EXACT_WINDOW_MINUTES,
      },
      liveSubscriptions: () => watcher.size,
    }),
  };
  const prometheus = createPrometheusExporter(services.metrics);
  const log = logger.child({ component: 'http' });

  const yoga = createYoga<{ req?: IncomingMessage; res?: ServerResponse }>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    healthCheckEndpoint: '/healthz',
    graphiql: graphiqlEnabled(config)
      ? { title: 'Runwatch', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_EXAMPLE }
      : false,
    logging: yogaLogger(logger),
    plugins: [useStableErrorCodes()],
    context: () => createContext(services),
    maskedErrors: { maskError: (error) => maskError(error, logger) },
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/readyz') {
      void readiness(database).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      prometheus.scrape().then(
        (text) => res.writeHead(200, { 'content-type': prometheus.contentType }).end(text),
        (error: unknown) => {
          log.error({ err: error }, 'metrics scrape failed');
          res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
      return;
    }
    void yoga.requestListener(req, res);
  });

  const webSockets = attachWebSockets(
    server,
    yoga as never,
    {
      keepAliveMs: config.WS_KEEPALIVE_MS,
      slowConsumerMs: config.WS_SLOW_CONSUMER_MS,
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
      maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
    },
    logger,
  );

  let listening = false;
  return {
    services,
    database,
    webSockets,
    async start(port = config.PORT) {
      await watcher.start();
      await bus.start();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, config.HOST, () => resolve());
      });
      listening = true;
      const bound = (server.address() as AddressInfo).port;
      log.info({ url: `http://${config.HOST}:${bound}/graphql` }, 'Runwatch listening');
      return bound;
    },
    async stop() {
      await webSockets.close();
      if (listening) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
        await closed;
        clearTimeout(grace);
        listening = false;
      }
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
