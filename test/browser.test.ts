import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportStepProgress, StartStep } from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer, type TestServer } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const AlertStatuses = graphql(`query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }`);

/** Browser tests run once (in the PGlite project), against a real Chromium. */
describe.runIf(!onPostgres && existsSync(CHROMIUM))('the dashboard in a real browser', () => {
  let browser: Browser;
  let page: Page;
  let server: TestServer;
  const consoleErrors: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'runwatch-browser-'));
  const env = {
    DATA_DIR: dataDir,
    MONITOR_INTERVAL_MS: '300',
    ALERT_PENDING_MS: '0',
    QUEUE_DEPTH_THRESHOLD: '1',
    HEALTH_CACHE_MS: '100',
  };

  beforeAll(async () => {
    server = await startServer({ env, databaseUrl: onPostgres ? await freshDatabaseUrl() : undefined });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(server.url.replace('/graphql', '/'));
    await page.locator('#connection[data-state=live]').waitFor({ timeout: 10_000 });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads with no console errors and shows health', async () => {
    await page.locator('#health li').first().waitFor();
    expect(await page.locator('#health li').count()).toBe(5);
    expect(consoleErrors).toEqual([]);
  });

  it('moves a progress bar within a second of a mutation', async () => {
    const execution = await runningExecution(server, { stepCount: 2 });
    const bar = page.locator(`li.execution[data-id="${execution.id}"] .fill`);
    await bar.waitFor({ state: 'attached', timeout: 5_000 });
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: execution.steps[0]!.id, percent: 50 });
    const sent = Date.now();
    await page.waitForFunction(
      (id) => (document.querySelector(`li.execution[data-id="${id}"] .fill`) as HTMLElement | null)?.style.width === '25%',
      execution.id,
      { timeout: 1_000 },
    );
    expect(Date.now() - sent).toBeLessThan(1_000);
  });

  it('acknowledges an alert with its button', async () => {
    await createExecution(server, { stepCount: 0, queued: true });
    await createExecution(server, { stepCount: 0, queued: true });
    const button = page.locator('button.ack').first();
    await button.waitFor({ timeout: 10_000 });
    const id = await button.getAttribute('data-id');
    await button.click();
    await eventually(async () => {
      const alerts = (await server.data(AlertStatuses, undefined as never)).alerts.edges.map((e) => e.node);
      return alerts.find((a) => a.id === id && a.status === 'ACKNOWLEDGED' && a.acknowledgedBy === 'dashboard');
    }, 5_000, 'the alert acknowledged');
    await page.locator(`#alerts li[data-id="${id}"] .status.ACKNOWLEDGED`).waitFor({ timeout: 5_000 });
  });

  it('serves GraphiQL (offline, its Monaco workers included) with the example operations, and runs a subscription over WebSocket', async () => {
    const graphiql = await browser.newPage();
    const problems: string[] = [];
    const workers: string[] = [];
    const origin = new URL(server.url).origin;
    graphiql.on('pageerror', (error) => problems.push(error.message));
    graphiql.on('console', (message) => ['error', 'warning'].includes(message.type()) && problems.push(message.text()));
    graphiql.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
    graphiql.on('request', (request) => !request.url().startsWith(origin) && !request.url().startsWith('data:') && problems.push(`left the origin: ${request.url()}`));
    await graphiql.goto(server.url, { waitUntil: 'load' });
    await graphiql.locator('.graphiql-container').first().waitFor({ timeout: 15_000 });
    await graphiql.getByText('mutation CreateExecution').first().waitFor({ timeout: 10_000 });
    const page = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('subscription LiveEvents');
    // Monaco runs the GraphQL language service and the editor's own in workers served from here.
    await eventually(() => workers.includes('/graphiql/graphql.worker.js') && workers.includes('/graphiql/editor.worker.js'), 10_000, 'the Monaco workers');

    const query = 'subscription { events { type seq } }';
    await graphiql.goto(`${server.url}?query=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await graphiql.locator('.graphiql-execute-button').first().waitFor({ timeout: 15_000 });
    await graphiql.getByText('subscription { events').first().waitFor({ timeout: 10_000 });
    // The dashboard tab holds a subscription too: wait for one more than it.
    const watching = server.app.services.live.watcher.size;
    await graphiql.locator('.graphiql-execute-button').first().click();
    await eventually(() => server.app.services.live.watcher.size > watching, 10_000, 'the GraphiQL subscription');
    await createExecution(server, { stepCount: 1, workflow: 'from-graphiql' });
    await graphiql.getByText('EXECUTION_CREATED').first().waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
    await graphiql.close();
  });

  it('catches up on its own after the server restarts', async () => {
    const port = Number(new URL(server.url).port);
    const execution = await runningExecution(server, { stepCount: 2 });
    await page.locator(`li.execution[data-id="${execution.id}"]`).waitFor();
    await server.stop();
    await page.locator('#connection[data-state=reconnecting]').waitFor({ timeout: 10_000 });

    server = await startServer({ env, port });
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: execution.steps[0]!.id, percent: 80 });
    await page.locator('#connection[data-state=live]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (id) => (document.querySelector(`li.execution[data-id="${id}"] .fill`) as HTMLElement | null)?.style.width === '40%',
      execution.id,
      { timeout: 10_000 },
    );
    // The events written while it was away arrive through the resumed feed, without a reload.
    await page.locator('#events li .type', { hasText: 'STEP_PROGRESS' }).first().waitFor({ timeout: 5_000 });
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});

describe.runIf(!onPostgres && existsSync(CHROMIUM))('the dashboard on a protected server', () => {
  it('asks for an API key, then goes live with it', async () => {
    const admin = 'd'.repeat(32);
    const server = await startServer({ env: { RUNWATCH_ADMIN_KEY: admin } });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      await page.goto(server.url.replace('/graphql', '/'));
      await page.locator('#connection[data-state=locked]').waitFor({ timeout: 10_000 });
      await page.locator('#key-input').fill(admin);
      await page.locator('#key-form button').click();
      await page.locator('#connection[data-state=live]').waitFor({ timeout: 10_000 });
      await page.locator('#health li').first().waitFor({ timeout: 10_000 });
    } finally {
      await browser.close();
    }
  });
});
