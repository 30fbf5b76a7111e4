import { buildApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { startOrExit } from './startup.js';

const config = loadConfigOrExit();

const logger = createLogger(config);
// A stray rejection (a client gone mid-write, a database blip) must not take every other client down.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
const app = await startOrExit(async () => {
  const built = await buildApp(config, { logger });
  await built.start();
  return built;
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
