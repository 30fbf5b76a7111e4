/** Takes docs/dashboard.png: the dashboard while the demo engine runs (Debian's Chromium). */
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';
import { createRunwatchClient } from '../src/client/index.js';
import { loadConfig } from '../src/config.js';
import { startDemoEngine } from '../src/demo/engine.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig({ DATA_DIR: 'memory://', PORT: '0', LOG_LEVEL: 'warn', MONITOR_INTERVAL_MS: '2000', ALERT_PENDING_MS: '0', QUEUE_DEPTH_THRESHOLD: '5' });
const logger = createLogger(config);
const app = await buildApp(config, { logger });
const port = await app.start(0);
const engine = startDemoEngine({ client: createRunwatchClient({ url: `http://127.0.0.1:${port}/graphql` }), logger, speed: 4, seed: 11 });
await new Promise((resolve) => setTimeout(resolve, Number(process.env.DEMO_SECONDS ?? 40) * 1000));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
await page.goto(`http://127.0.0.1:${port}/`);
await page.locator('#connection[data-state=live]').waitFor();
await new Promise((resolve) => setTimeout(resolve, 4_000));
await page.screenshot({ path: new URL('../docs/dashboard.png', import.meta.url).pathname });
await browser.close();
await engine.stop();
await app.stop();
console.log('docs/dashboard.png written');
