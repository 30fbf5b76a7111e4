import { loadConfigOrExit } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createLogger } from '../src/logger.js';
import { startOrExit } from '../src/startup.js';

const config = loadConfigOrExit();
const database = await startOrExit(() =>
  openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: 1, connectTimeoutMs: config.health.dbTimeoutMs, logger: createLogger(config) }),
);
await database.close();
