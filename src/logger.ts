import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Structured JSON logs; pretty output only when asked for (LOG_PRETTY) or on a terminal in development. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_PRETTY' | 'NODE_ENV'>): Logger {
  const pretty = config.LOG_PRETTY ?? (process.stdout.isTTY && config.NODE_ENV === 'development');
  return pino({
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', '*.apiKey', '*.password'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
