import { z } from 'zod';
import { StartupError } from './startup.js';

const bool = z.preprocess(
  (v) => (typeof v === 'string' ? ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);
const percent = z.coerce.number().min(0).max(100);

/** One setting: the environment variable it is read from and its schema (with its default). */
interface Setting<T> {
  variable: string;
  schema: z.ZodType<T>;
}
const env = <T>(variable: string, schema: z.ZodType<T>): Setting<T> => ({ variable, schema });

/**
 * Every setting, grouped by the part of the server it configures; each part gets its group
 * (`config.ws`, `config.limits`, ...) as it is. The variables are documented in the README.
 */
const settings = {
  nodeEnv: env('NODE_ENV', z.enum(['development', 'production', 'test']).default('development')),
  http: {
    port: env('PORT', z.coerce.number().int().min(0).max(65535).default(4000)),
    host: env('HOST', z.string().min(1).default('127.0.0.1')),
    shutdownGraceMs: env('SHUTDOWN_GRACE_MS', positiveInt.default(10_000)),
    corsOrigins: env(
      'CORS_ORIGINS',
      z
        .string()
        .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^https?:\/\/[^/*\s]+$/, 'each origin must be a full http(s)://host[:port] origin, no wildcard')))
        .default([]),
    ),
    graphiql: env('GRAPHIQL', bool.optional()),
    introspection: env('INTROSPECTION', bool.optional()),
  },
  database: {
    url: env('DATABASE_URL', z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional()),
    poolSize: env('DATABASE_POOL_SIZE', positiveInt.default(10)),
    /** Read replicas of DATABASE_URL: see README "Read replicas". */
    replicaUrls: env(
      'DATABASE_REPLICA_URL',
      z
        .string()
        .transform((v) => v.split(',').map((url) => url.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\//, 'each replica must be a postgres:// or postgresql:// URL')))
        .default([]),
    ),
    replicaMaxLagMs: env('DATABASE_REPLICA_MAX_LAG_MS', positiveInt.default(5_000)),
    replicaCheckMs: env('DATABASE_REPLICA_CHECK_MS', positiveInt.default(1_000)),
    dataDir: env('DATA_DIR', z.string().min(1).default('./.runwatch/data')),
  },
  log: {
    level: env('LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    pretty: env('LOG_PRETTY', bool.optional()),
  },
  /** API keys and rate limits: see README "Security". */
  auth: {
    adminKey: env('RUNWATCH_ADMIN_KEY', z.string().min(20, 'must be at least 20 characters (use a random key)').optional()),
    cacheMs: env('AUTH_CACHE_MS', positiveInt.default(2_000)),
    recheckMs: env('WS_AUTH_RECHECK_MS', positiveInt.default(2_000)),
    rateLimitPerSecond: env('RATE_LIMIT_PER_SECOND', positiveInt.default(100)),
    rateLimitBurst: env('RATE_LIMIT_BURST', positiveInt.default(200)),
  },
  /** What one operation may ask for, on every transport alike. */
  limits: {
    maxBodyBytes: env('MAX_BODY_BYTES', positiveInt.default(1024 * 1024)),
    maxDepth: env('MAX_QUERY_DEPTH', positiveInt.default(12)),
    maxAliases: env('MAX_QUERY_ALIASES', positiveInt.default(30)),
    maxTokens: env('MAX_QUERY_TOKENS', positiveInt.default(5_000)),
    maxDirectives: env('MAX_QUERY_DIRECTIVES', positiveInt.default(50)),
    maxCost: env('MAX_QUERY_COST', positiveInt.default(100_000)),
    maxIngestCommands: env('MAX_INGEST_COMMANDS', positiveInt.default(500)),
    defaultPageSize: env('DEFAULT_PAGE_SIZE', positiveInt.default(50)),
    maxPageSize: env('MAX_PAGE_SIZE', positiveInt.default(500)),
  },
  /** Long-lived connections: WebSockets and SSE streams. */
  connections: {
    keepAliveMs: env('WS_KEEPALIVE_MS', positiveInt.default(12_000)),
    maxBufferedBytes: env('WS_MAX_BUFFERED_BYTES', positiveInt.default(4 * 1024 * 1024)),
    slowConsumerMs: env('WS_SLOW_CONSUMER_MS', positiveInt.default(10_000)),
    maxPayloadBytes: env('WS_MAX_PAYLOAD_BYTES', positiveInt.default(1024 * 1024)),
    maxSubscriptionsPerSocket: env('WS_MAX_SUBSCRIPTIONS_PER_SOCKET', positiveInt.default(100)),
    maxSocketsPerKey: env('WS_MAX_SOCKETS_PER_KEY', positiveInt.default(50)),
  },
  /** Live feeds. */
  live: {
    batchSize: env('SUBSCRIPTION_BATCH_SIZE', positiveInt.default(500)),
    pollMs: env('SUBSCRIPTION_POLL_MS', positiveInt.default(1_000)),
  },
  metrics: {
    maxWindowDays: env('METRICS_MAX_WINDOW_DAYS', positiveInt.default(93)),
    maxBuckets: env('METRICS_MAX_BUCKETS', positiveInt.default(2_500)),
    /** Windows up to this long are answered from the raw rows unless `exact: false`. */
    exactWindowMinutes: env('METRICS_EXACT_WINDOW_MINUTES', nonNegativeInt.default(60)),
  },
  /** Health components and their thresholds: see README "Monitoring". */
  health: {
    cacheMs: env('HEALTH_CACHE_MS', positiveInt.default(2_000)),
    dbTimeoutMs: env('HEALTH_DB_TIMEOUT_MS', positiveInt.default(2_000)),
    dbLatencyMs: env('HEALTH_DB_LATENCY_MS', positiveInt.default(250)),
    engineUnhealthyCount: env('HEALTH_ENGINE_UNHEALTHY_COUNT', positiveInt.default(10)),
    wakeUpLagMs: env('HEALTH_WAKE_UP_LAG_MS', positiveInt.default(500)),
    heldBackMs: env('HEALTH_HELD_BACK_MS', positiveInt.default(5_000)),
    stuckExecutionMs: env('STUCK_EXECUTION_MS', positiveInt.default(10 * 60_000)),
    queueDepthThreshold: env('QUEUE_DEPTH_THRESHOLD', positiveInt.default(100)),
    queueAgeDegradedMs: env('QUEUE_AGE_DEGRADED_MS', positiveInt.default(5 * 60_000)),
    queueAgeUnhealthyMs: env('QUEUE_AGE_UNHEALTHY_MS', positiveInt.default(30 * 60_000)),
  },
  /** The alert loop and its rules' defaults. */
  alerts: {
    enabled: env('MONITOR_ENABLED', bool.default(true)),
    intervalMs: env('MONITOR_INTERVAL_MS', positiveInt.default(15_000)),
    pendingMs: env('ALERT_PENDING_MS', nonNegativeInt.default(30_000)),
    holdMs: env('ALERT_HOLD_MS', nonNegativeInt.default(60_000)),
    rateWindowMs: env('ALERT_RATE_WINDOW_MS', positiveInt.default(15 * 60_000)),
    minSample: env('ALERT_MIN_SAMPLE', positiveInt.default(10)),
    timeoutRate: env('ALERT_TIMEOUT_RATE', percent.default(10)),
    failureRate: env('ALERT_FAILURE_RATE', percent.default(20)),
  },
  /** How long data is kept (defaults; namespaces may override them): see README "Retention". */
  retention: {
    rawDays: env('RETENTION_RAW_DAYS', positiveInt.default(30)),
    rollupDays: env('RETENTION_ROLLUP_DAYS', positiveInt.default(400)),
    minuteRollupDays: env('RETENTION_MINUTE_ROLLUP_DAYS', positiveInt.default(3)),
    partitionsAhead: env('RETENTION_PARTITIONS_AHEAD', positiveInt.default(3)),
    intervalMs: env('RETENTION_INTERVAL_MS', positiveInt.default(60 * 60_000)),
    lockTimeoutMs: env('RETENTION_LOCK_TIMEOUT_MS', positiveInt.default(5_000)),
  },
  /** Receivers, routes and the delivery of notifications: see README "Notifications". */
  notifications: {
    timeoutMs: env('NOTIFY_TIMEOUT_MS', positiveInt.default(10_000)),
    backoffBaseMs: env('NOTIFY_BACKOFF_BASE_MS', positiveInt.default(1_000)),
    backoffCapMs: env('NOTIFY_BACKOFF_CAP_MS', positiveInt.default(5 * 60_000)),
    maxAttempts: env('NOTIFY_MAX_ATTEMPTS', positiveInt.default(12)),
    concurrency: env('NOTIFY_CONCURRENCY', positiveInt.default(16)),
    retryPollMs: env('NOTIFY_RETRY_POLL_MS', positiveInt.default(1_000)),
    leaseMarginMs: env('NOTIFY_LEASE_MARGIN_MS', positiveInt.default(5_000)),
    groupWaitMs: env('NOTIFY_GROUP_WAIT_MS', nonNegativeInt.default(30_000)),
    groupIntervalMs: env('NOTIFY_GROUP_INTERVAL_MS', positiveInt.default(5 * 60_000)),
    repeatIntervalMs: env('NOTIFY_REPEAT_INTERVAL_MS', positiveInt.default(4 * 60 * 60_000)),
    alertmanagerResendMs: env('NOTIFY_ALERTMANAGER_RESEND_MS', positiveInt.default(60_000)),
    retentionMs: env('NOTIFY_RETENTION_MS', positiveInt.default(7 * 24 * 60 * 60_000)),
    externalUrl: env('NOTIFY_EXTERNAL_URL', z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s):// URL').optional()),
  },
};

type Resolved<S> = S extends Setting<infer T> ? T : { [K in keyof S]: Resolved<S[K]> };

/** Validated runtime configuration, grouped by concern; `loadConfig` is the only reader of `process.env`. */
export type Config = Resolved<typeof settings>;

export class ConfigError extends StartupError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const isSetting = (value: object): value is Setting<unknown> => 'variable' in value && 'schema' in value;

/**
 * Reads configuration from an environment-like record (default: `process.env`).
 * Empty strings count as unset. Throws a `ConfigError` naming every bad variable at once.
 */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const read = (group: object): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(group).map(([key, setting]: [string, object]) => {
        if (!isSetting(setting)) return [key, read(setting)];
        const raw = environment[setting.variable];
        const parsed = setting.schema.safeParse(raw === '' ? undefined : raw);
        if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${setting.variable}: ${issue.message}`));
        return [key, parsed.data];
      }),
    );
  const config = read(settings) as Config;
  if (config.database.replicaUrls?.length && !config.database.url) {
    problems.push('DATABASE_REPLICA_URL: read replicas need DATABASE_URL (their primary); the embedded PGlite database has none');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** For entry points: the configuration, or every problem on stderr and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** GRAPHIQL when set; otherwise only in protected (anonymous, loopback) mode outside production. */
export function graphiqlEnabled(config: Config, anonymousMode = true): boolean {
  return config.http.graphiql ?? (anonymousMode && config.nodeEnv !== 'production');
}

/**
 * INTROSPECTION when set (true: every caller, false: none); otherwise callers with the read scope,
 * which anonymous ones have only in protected (anonymous, loopback) mode.
 */
export function introspectionEnabled(config: Config, callerMayRead: boolean): boolean {
  return config.http.introspection ?? callerMayRead;
}
