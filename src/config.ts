import { z } from 'zod';

const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);
const bool = z.preprocess(
  (v) => (typeof v === 'string' ? ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()) : v),
  z.boolean(),
);
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  DATA_DIR: z.string().min(1).default('./.runwatch/data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  GRAPHIQL: bool.optional(),
  MAX_PAGE_SIZE: positiveInt.default(500),
  DEFAULT_PAGE_SIZE: positiveInt.default(50),
  WS_KEEPALIVE_MS: positiveInt.default(12_000),
  SUBSCRIPTION_BATCH_SIZE: positiveInt.default(500),
  WS_MAX_BUFFERED_BYTES: positiveInt.default(4 * 1024 * 1024),
  WS_SLOW_CONSUMER_MS: positiveInt.default(10_000),
  WS_MAX_PAYLOAD_BYTES: positiveInt.default(1024 * 1024),
  SUBSCRIPTION_POLL_MS: positiveInt.default(1_000),
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  // Monitoring: health thresholds and alert rules (see README "Monitoring").
  MONITOR_ENABLED: bool.default(true),
  MONITOR_INTERVAL_MS: positiveInt.default(15_000),
  HEALTH_CACHE_MS: positiveInt.default(2_000),
  HEALTH_DB_TIMEOUT_MS: positiveInt.default(2_000),
  HEALTH_DB_LATENCY_MS: positiveInt.default(250),
  HEALTH_ENGINE_UNHEALTHY_COUNT: positiveInt.default(10),
  HEALTH_WAKE_UP_LAG_MS: positiveInt.default(500),
  HEALTH_HELD_BACK_MS: positiveInt.default(5_000),
  STUCK_EXECUTION_MS: positiveInt.default(10 * 60_000),
  QUEUE_DEPTH_THRESHOLD: positiveInt.default(100),
  QUEUE_AGE_DEGRADED_MS: positiveInt.default(5 * 60_000),
  QUEUE_AGE_UNHEALTHY_MS: positiveInt.default(30 * 60_000),
  ALERT_PENDING_MS: z.coerce.number().int().min(0).default(30_000),
  ALERT_HOLD_MS: z.coerce.number().int().min(0).default(60_000),
  ALERT_RATE_WINDOW_MS: positiveInt.default(15 * 60_000),
  ALERT_MIN_SAMPLE: positiveInt.default(10),
  ALERT_TIMEOUT_RATE: z.coerce.number().min(0).max(100).default(10),
  ALERT_FAILURE_RATE: z.coerce.number().min(0).max(100).default(20),
  ALERT_MAX_PER_RULE: positiveInt.default(100),
  METRICS_MAX_WINDOW_DAYS: positiveInt.default(93),
  METRICS_MAX_BUCKETS: positiveInt.default(2_500),
  METRICS_EXACT_WINDOW_MINUTES: z.coerce.number().int().min(0).default(60),
  // Security: see README "Security". Every limit applies to HTTP, SSE and WebSocket alike.
  RUNWATCH_ADMIN_KEY: z.string().min(20, 'must be at least 20 characters (use a random key)').optional(),
  AUTH_CACHE_MS: positiveInt.default(2_000),
  WS_AUTH_RECHECK_MS: positiveInt.default(2_000),
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/*\s]+$/, 'each origin must be a full http(s)://host[:port] origin, no wildcard')))
    .default([]),
  INTROSPECTION: bool.optional(),
  MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  MAX_QUERY_DEPTH: positiveInt.default(12),
  MAX_QUERY_ALIASES: positiveInt.default(30),
  MAX_QUERY_TOKENS: positiveInt.default(5_000),
  MAX_QUERY_DIRECTIVES: positiveInt.default(50),
  MAX_QUERY_COST: positiveInt.default(100_000),
  MAX_INGEST_COMMANDS: positiveInt.default(500),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt.default(100),
  WS_MAX_SOCKETS_PER_KEY: positiveInt.default(50),
  RATE_LIMIT_PER_SECOND: positiveInt.default(100),
  RATE_LIMIT_BURST: positiveInt.default(200),
});

/** Validated runtime configuration; `loadConfig` is the only reader of `process.env`. */
export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads configuration from an environment-like record (default: `process.env`).
 * Empty strings count as unset. Throws a `ConfigError` naming every bad variable at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) input[key] = emptyAsUnset(env[key]);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  return parsed.data;
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
  return config.GRAPHIQL ?? (anonymousMode && config.NODE_ENV !== 'production');
}

/** INTROSPECTION when set; otherwise only in protected (anonymous, loopback) mode. */
export function introspectionEnabled(config: Config, anonymousMode: boolean): boolean {
  return config.INTROSPECTION ?? anonymousMode;
}
