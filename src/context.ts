import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { ANONYMOUS, type Authenticator, type Principal, type RateLimiter } from './auth/auth.js';
import type { ApiKeyService } from './auth/keys.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { NamespaceScope, Repository } from './db/repository.js';
import type { AlertRow, DeliveryRow, EventRow, ExecutionRow, ReceiverRow, StepRow } from './db/schema.js';
import type { Logger } from './logger.js';
import type { AlertService } from './services/alerts.js';
import type { EventBus } from './services/bus.js';
import type { LiveFeedOptions } from './services/events.js';
import type { HealthService } from './services/health.js';
import type { Clock, ExecutionService } from './services/executions.js';
import type { MetricsService } from './services/metrics.js';
import type { Notifier } from './services/notifications.js';
import type { ReceiverService } from './services/receivers.js';
import type { SilenceService } from './services/silences.js';
import type { ProgressService, QueueSnapshot } from './services/progress.js';
import type { RetentionService } from './services/retention.js';
import type { WorkflowHistory } from './domain/eta.js';

/** Long-lived parts of the app that every operation shares. */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  repository: Repository;
  /** Runs a read-only operation with its reads on the read replicas (the primary without any). */
  readFromReplicas: Database['readFromReplicas'];
  /** Runs reads on the primary, inside an operation whose other reads go to the replicas. */
  readFromPrimary: Database['readFromPrimary'];
  executions: ExecutionService;
  bus: EventBus;
  live: LiveFeedOptions;
  progress: ProgressService;
  metrics: MetricsService;
  health: HealthService;
  alerts: AlertService;
  retention: RetentionService;
  silences: SilenceService;
  receivers: ReceiverService;
  notifications: Notifier;
  auth: { keys: ApiKeyService; authenticator: Authenticator; rateLimiter: RateLimiter };
}

/** One per GraphQL operation, on HTTP, SSE and WebSocket alike. */
export interface Context {
  services: Services;
  requestId: string;
  scope: NamespaceScope;
  /** Who is asking; `scope` is their namespace list (null: all). */
  principal: Principal;
  loaders: ReturnType<typeof createLoaders>;
  logger: Logger;
  /** The Last-Event-ID of an SSE reconnect: the events feed resumes after it instead of its `after`. */
  lastEventId: string | null;
}

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupedByKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key)!);
}

/** Runs `load` once, on first use. */
const once = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
};

function createLoaders(services: Services, scope: NamespaceScope) {
  const { repository, progress, notifications, receivers } = services;
  const deliveryLoaders: Record<number, DataLoader<string, DeliveryRow[]>> = {};
  return {
    execution: new DataLoader<string, ExecutionRow | null>(async (ids) =>
      byKey(ids, await repository.executionsByIds(ids, scope), (row) => row.id),
    ),
    /** Keyed by execution id; the execution's createdAt narrows the partitions read. */
    stepsOfExecution: new DataLoader<Pick<ExecutionRow, 'id' | 'createdAt'>, StepRow[], string>(
      async (executions) => groupedByKey(executions.map((e) => e.id), await repository.stepsOfExecutions(executions), (row) => row.executionId),
      { cacheKeyFn: (execution) => execution.id },
    ),
    step: new DataLoader<string, StepRow | null>(async (ids) =>
      byKey(ids, await repository.stepsByIds(ids, scope), (row) => row.id),
    ),
    event: new DataLoader<number, EventRow | null>(async (ids) =>
      byKey(ids, await repository.eventsByIds(ids, scope), (row) => row.id),
    ),
    // Uncached per operation: the service keeps histories and checks them on every batch, and a long subscription must see updates.
    stepHistory: new DataLoader<string, WorkflowHistory>((keys) => progress.historiesOf(keys), { cache: false }),
    queue: new DataLoader<string, QueueSnapshot>((namespaces) => progress.queuesOf(namespaces), { cache: false }),
    alert: new DataLoader<string, AlertRow | null>(async (ids) => byKey(ids, await services.alerts.byIds(ids, scope), (row) => row.id)),
    activeSilences: once(() => services.silences.active()),
    receiver: new DataLoader<string, ReceiverRow | null>(async (ids) => byKey(ids, await receivers.receiversByIds(ids, scope), (row) => row.id)),
    /** Each alert's latest deliveries (`Alert.deliveries`), batched per page size. */
    alertDeliveries: (limit: number) =>
      (deliveryLoaders[limit] ??= new DataLoader<string, DeliveryRow[]>((ids) => notifications.latestDeliveriesOf(ids, scope, limit))),
  };
}

export function createContext(services: Services, scope: NamespaceScope = null, principal: Principal = ANONYMOUS, lastEventId: string | null = null): Context {
  const requestId = randomUUID();
  return {
    lastEventId,
    services,
    requestId,
    scope,
    principal,
    loaders: createLoaders(services, scope),
    logger: services.logger.child({ requestId }),
  };
}
