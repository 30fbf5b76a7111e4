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
  METRICS_MAX_WINDOW_DAYS: positiveInt.default(93),
  METRICS_MAX_BUCKETS: positiveInt.default(2_500),
  METRICS_EXACT_WINDOW_MINUTES: z.coerce.number().int().min(0).default(60),
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

export function graphiqlEnabled(config: Config): boolean {
  return config.GRAPHIQL ?? config.NODE_ENV !== 'production';
}
