import { createAuthenticator, createRateLimiter, LOCAL_ADMIN } from './auth/auth.js';
import { createApiKeyService } from './auth/keys.js';
import { graphiqlEnabled, type Config } from './config.js';
import type { Services } from './context.js';
import { LEADER_LOCK } from './db/alerts.js';
import { openDatabase, type Database } from './db/client.js';
import { createRepository } from './db/repository.js';
import { encodeGlobalId } from './graphql/ids.js';
import { createLogger, type Logger } from './logger.js';
import { createAlertService } from './services/alerts.js';
import { createEventBus } from './services/bus.js';
import { createFeedWatcher } from './services/events.js';
import { createExecutionService, systemClock, type Clock } from './services/executions.js';
import { createMetricsService } from './services/metrics.js';
import { createNotifier } from './services/notifications.js';
import { createReceiverService } from './services/receivers.js';
import { createSilenceService } from './services/silences.js';
import { createHealthService } from './services/health.js';
import { createProgressService } from './services/progress.js';
import { createRetentionService } from './services/retention.js';
import { openControlSocket } from './server/control-socket.js';
import { createHttpGuard } from './server/http-guard.js';
import { createHttpServer, listen } from './server/http.js';
import { httpRoutes, routeRequests } from './server/routes.js';
import { createSseStreams } from './server/sse.js';
import { attachWebSockets } from './server/ws.js';
import { answerAs, createGraphQLServer } from './server/yoga.js';

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
  const database = await openDatabase({ ...config.database, connectTimeoutMs: config.health.dbTimeoutMs, logger });
  const services = createServices(config, database, logger, options.clock ?? systemClock);
  const { authenticator } = services.auth;
  let protectedMode: { anonymous: boolean };
  try {
    protectedMode = await authenticator.prepare();
  } catch (error) {
    await database.close();
    throw error;
  }

  const yoga = createGraphQLServer(services);
  const graphiql = () => graphiqlEnabled(config, authenticator.anonymousMode);
  const guard = createHttpGuard({ auth: services.auth, limits: config.limits, graphiql });
  const sse = createSseStreams({ config, auth: services.auth, logger });
  const http = createHttpServer(routeRequests(httpRoutes({ services, database, yoga, guard, sse, graphiql })));
  const { server } = http;
  const webSockets = attachWebSockets(server, yoga, { config, auth: services.auth, logger });

  const log = logger.child({ component: 'http' });
  let closeControlSocket: (() => Promise<void>) | null = null;
  let listening = false;
  return {
    services,
    database,
    webSockets,
    async start(port = config.http.port) {
      await startServices(services);
      const bound = await listen(server, port, config.http.host);
      listening = true;
      closeControlSocket = await openControlSocket(database.dataDirLock, (req, res) => void answerAs(yoga, req, res, LOCAL_ADMIN));
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
      sse.close();
      if (listening) {
        const cut = await http.drain(config.http.shutdownGraceMs);
        if (cut > 0) log.warn({ cut, graceMs: config.http.shutdownGraceMs }, 'requests still unanswered when the shutdown grace ended were cut');
        listening = false;
      }
      await stopServices(services);
      await database.close();
      log.info('Runwatch stopped');
    },
  };
}

/** The long-lived services every operation shares (context.ts `Services`), built on one database. */
function createServices(config: Config, database: Database, logger: Logger, clock: Clock): Services {
  const bus = createEventBus(database.notifications, logger);
  const repository = createRepository(database.db);
  const watcher = createFeedWatcher({ repository, bus, pollMs: config.live.pollMs, logger });
  const keys = createApiKeyService({ db: database.uncountedDb });
  const health = createHealthService({
    database,
    clock,
    config,
    live: { listening: () => bus.listening, wakeUpLagMs: () => bus.ping(config.health.wakeUpLagMs * 4) },
  });
  const executions = createExecutionService({ db: database.db, bus, clock });
  const retention = createRetentionService({ db: database.db, clock, config, logger });
  const notifications = createNotifier({ db: database.db, clock, config, logger, apiIdOf: (id) => encodeGlobalId('Alert', id) });
  return {
    config,
    logger,
    clock,
    repository,
    readFromReplicas: database.readFromReplicas,
    readFromPrimary: database.readFromPrimary,
    executions,
    bus,
    health,
    alerts: createAlertService({ db: database.db, bus, clock, config, logger, health, executions, leadership: database.sessionLock(LEADER_LOCK), notifier: notifications, retention }),
    retention,
    silences: createSilenceService({ db: database.db, clock }),
    receivers: createReceiverService({ db: database.db, clock, config }),
    notifications,
    live: { repository, watcher, batchSize: config.live.batchSize, logger: logger.child({ component: 'live' }) },
    auth: {
      keys,
      authenticator: createAuthenticator({ keys, config, logger }),
      rateLimiter: createRateLimiter({ perSecond: config.auth.rateLimitPerSecond, burst: config.auth.rateLimitBurst }),
    },
    progress: createProgressService({ db: database.db, clock }),
    metrics: createMetricsService({ db: database.db, clock, limits: config.metrics, liveSubscriptions: () => watcher.size, retention }),
  };
}

/** The services' background work: feeds, wake-ups, the alert loop. */
async function startServices(services: Services) {
  await services.live.watcher.start();
  await services.bus.start();
  if (services.config.alerts.enabled) {
    services.alerts.start();
    services.notifications.start();
  }
}

async function stopServices(services: Services) {
  await services.alerts.stop();
  await services.notifications.stop();
  await services.live.watcher.stop();
  await services.bus.stop();
}
