import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** Structured JSON logs; pretty output only when asked for (LOG_PRETTY) or on a terminal in development. */
export function createLogger(config: { log: Pick<Config['log'], 'level'> & Partial<Config['log']>; nodeEnv: Config['nodeEnv'] }): Logger {
  const pretty = config.log.pretty ?? (process.stdout.isTTY && config.nodeEnv === 'development');
  return pino({
    level: config.log.level,
    redact: ['req.headers.authorization', '*.apiKey', '*.password'],
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
