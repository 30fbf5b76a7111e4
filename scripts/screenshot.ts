/**
 * Takes docs/dashboard-*.png: each view of the dashboard while the demo engine runs (Debian's
 * Chromium), and a narrow (390 px) overview. DEMO_SECONDS (default 40) of demo traffic first.
 */
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
const origin = `http://127.0.0.1:${port}/`;
const errors: string[] = [];

/** Each view in a page of its own, so its first paint is its own. */
async function shot(name: string, hash: string, ready: string, viewport = { width: 1280, height: 860 }) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(`${origin}${hash}`);
  await page.locator(ready).first().waitFor();
  const [paint, shown] = await page.evaluate(() => [performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN, performance.now()]);
  console.log(`${name}: first contentful paint ${paint!.toFixed(0)} ms, its data shown by ${shown!.toFixed(0)} ms`);
  await page.waitForTimeout(1_500); // charts and live rows settle
  await page.screenshot({ path: new URL(`../docs/dashboard-${name}.png`, import.meta.url).pathname, fullPage: true });
  console.log(`docs/dashboard-${name}.png written`);
  await page.close();
}

await shot('overview', '#/', '#active li');
await shot('executions', '#/executions', '#executions tbody tr');
// An execution with a retried step shows best what the timeline draws; else the newest one.
const response = await fetch(`${origin}graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: '{ executions(first: 200) { edges { node { id steps { attempt } } } } }' }),
});
type Listed = { data: { executions: { edges: { node: { id: string; steps: { attempt: number }[] } }[] } } };
const nodes = ((await response.json()) as Listed).data.executions.edges.map((e) => e.node);
const retried = (nodes.find((n) => n.steps.some((s) => s.attempt > 1)) ?? nodes[0]!).id;
await shot('execution', `#/executions/${encodeURIComponent(retried)}`, '#gantt .seg');
await shot('metrics', '#/metrics?window=hour', '#metrics .chart canvas');
await shot('alerts', '#/alerts', '#alerts li');
await shot('health', '#/health', '#health li');
await shot('narrow', '#/', '#active li', { width: 390, height: 844 });
await browser.close();
await engine.stop();
await app.stop();
if (errors.length) console.log('console errors:', errors);
