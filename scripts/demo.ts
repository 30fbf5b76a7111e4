import { buildApp } from '../src/app.js';
import { createRunwatchClient } from '../src/client/index.js';
import { loadConfigOrExit } from '../src/config.js';
import { startDemoEngine } from '../src/demo/engine.js';
import { createLogger } from '../src/logger.js';
import { startOrExit } from '../src/startup.js';

const config = loadConfigOrExit();
const logger = createLogger(config);
const { app, port } = await startOrExit(async () => {
  const built = await buildApp(config, { logger });
  return { app: built, port: await built.start() };
});
const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
const client = createRunwatchClient({
  url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/graphql`,
  apiKey: process.env.RUNWATCH_DEMO_KEY || config.auth.adminKey || undefined,
});
const engine = startDemoEngine({ client, logger, speed: Number(process.env.DEMO_SPEED ?? 1) });
logger.info(`Demo running: open http://${host}:${port}/ for the dashboard and /graphql for GraphiQL`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void engine
      .stop()
      .then(() => app.stop())
      .then(() => process.exit(0));
  });
}
