import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelExecution, CompleteStep, FailStep, ReportStepProgress, RequestApproval, StartExecution, StartStep } from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer, type TestServer } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const AlertStatuses = graphql(`query BrowserAlerts { alerts(first: 50) { edges { node { id rule status acknowledgedBy } } } }`);
const ActiveSilences = graphql(`query BrowserSilences { silences(state: [ACTIVE]) { edges { node { id comment matchers { label value } } } } }`);

/** The page's width in CSS pixels, scrolled content included: more than the viewport means something is cut off. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Browser tests run once (in the PGlite project, the page does not depend on the driver), against a real Chromium. */
describe.runIf(!onPostgres && existsSync(CHROMIUM))('the dashboard in a real browser', () => {
  let browser: Browser;
  let page: Page;
  let server: TestServer;
  let origin: string;
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
    origin = server.url.replace('/graphql', '/');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(origin);
    await page.locator('#connection[data-state=live]').waitFor({ timeout: 10_000 });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads with no console errors and shows health; reports its size and first paint', async () => {
    await page.locator('#health li').first().waitFor();
    expect(await page.locator('#health li').count()).toBe(6);
    const html = Buffer.from(await (await fetch(origin)).arrayBuffer());
    const fresh = await browser.newPage();
    await fresh.goto(origin);
    await fresh.locator('#health li').first().waitFor();
    const paint = await fresh.evaluate(() => ({
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      overviewDrawn: performance.now(),
    }));
    await fresh.close();
    // Reported, not asserted (the machine is shared): see README, Dashboard.
    console.log(`dashboard page: ${html.length} bytes, ${gzipSync(html).length} gzipped; first contentful paint ${paint.firstContentfulPaint?.toFixed(0)} ms, overview with data by ${paint.overviewDrawn.toFixed(0)} ms`);
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
    // Event lines read as sentences, with the workflow and the step's name.
    await page.locator('#events li', { hasText: `${execution.workflow} ${execution.id.slice(-6)}: step s0 at 50%` }).waitFor({ timeout: 2_000 });
  });

  it('navigates by clicks and by URL; back, forward and reload keep the view', async () => {
    await page.locator('nav a[data-nav=executions]').click();
    await page.locator('#executions tbody tr').first().waitFor();
    await page.locator('nav a[data-nav=metrics]').click();
    await page.locator('#window button[data-window=hour]').click();
    await page.locator('#window button.on[data-window=hour]').waitFor();
    expect(new URL(page.url()).hash).toBe('#/metrics?window=hour');
    await page.goBack();
    await page.locator('main[data-view=executions] #executions').waitFor();
    await page.goForward();
    await page.locator('#window button.on[data-window=hour]').waitFor();
    await page.reload();
    await page.locator('#window button.on[data-window=hour]').waitFor({ timeout: 10_000 });
    await page.locator('#step-types').waitFor();
    await page.goto(`${origin}#/health`);
    await page.locator('main[data-view=health] #health li').first().waitFor();
  });

  it('narrows the executions list with its filters, and updates a row in view live', async () => {
    const tag = `filter-${Date.now()}`;
    const [alpha, beta] = [await createExecution(server, { workflow: `${tag}-alpha`, externalId: `${tag}-a1` }), await createExecution(server, { workflow: `${tag}-beta` })];
    await page.goto(`${origin}#/executions`);
    await page.locator(`#executions tr[data-id="${beta.id}"]`).waitFor();
    await page.locator('input[name=workflow]').fill(`${tag}-alpha`);
    await page.locator(`#executions tr[data-id="${beta.id}"]`).waitFor({ state: 'detached' });
    expect(await page.locator('#executions tbody tr').count()).toBe(1);
    expect(new URL(page.url()).hash).toContain(`workflow=${tag}-alpha`);
    await page.locator('input[name=workflow]').fill('');
    await page.locator('input[name=q]').fill(`${tag}-a1`);
    await page.locator(`#executions tr[data-id="${beta.id}"]`).waitFor({ state: 'detached' });
    await page.locator('button.chip[data-status=PENDING]').click();
    await page.locator(`#executions tr[data-id="${alpha.id}"][data-status=PENDING]`).waitFor();
    await page.locator('button.chip[data-status=PENDING]').click();

    await server.data(StartExecution, { id: alpha.id });
    await page.locator(`#executions tr[data-id="${alpha.id}"][data-status=RUNNING]`).waitFor({ timeout: 2_000 });

    // The search is the API's: it finds an execution behind more than the newest 200, in any case.
    const needle = await createExecution(server, { workflow: `${tag}-old`, externalId: `${tag}-Needle` });
    const newer = Array.from({ length: 210 }, () => ({ createExecution: { workflow: `${tag}-newer`, steps: [] } }));
    expect((await server.request('mutation($c: [IngestCommand!]!) { ingest(commands: $c) { ok } }', { c: newer })).errors).toBeUndefined();
    await page.locator('input[name=q]').fill(`${tag}-nEEDLE`);
    await page.locator(`#executions tr[data-id="${needle.id}"]`).waitFor({ timeout: 5_000 });
    expect(await page.locator('#executions tbody tr').count()).toBe(1);
    await page.locator('input[name=q]').fill('');
  });

  it('draws a retried step as two segments, the failure marked, and shows its event log live', async () => {
    const execution = await runningExecution(server, { stepCount: 2 });
    const [first, second] = execution.steps.map((s) => s.id) as [string, string];
    await server.data(StartStep, { stepId: first });
    await server.data(FailStep, { stepId: first, error: 'exit 1', retry: true });
    await server.data(StartStep, { stepId: first });
    await server.data(CompleteStep, { stepId: first });
    await page.goto(`${origin}#/executions/${encodeURIComponent(execution.id)}`);
    const lane = page.locator('#gantt .lane[data-step=s0] .seg');
    await lane.nth(1).waitFor();
    expect(await lane.evaluateAll((segments) => segments.map((s) => (s as HTMLElement).dataset.kind))).toEqual(['failed', 'completed']);
    await page.locator('#execution-events li', { hasText: 'step s0 failed: exit 1 (will retry)' }).waitFor();

    await server.data(StartStep, { stepId: second });
    await page.locator('#gantt .lane[data-step=s1] .seg[data-kind=running]').waitFor({ timeout: 2_000 });
    await page.locator('#execution-events li', { hasText: 'step s1 started' }).waitFor({ timeout: 2_000 });
    // The browser's width at 390 px: one column, nothing cut off.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${origin}#/`);
    await page.locator('#active li').first().waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a stopped run\'s progress where it stopped, its steps done and cancelled', async () => {
    const execution = await runningExecution(server, { stepCount: 3 });
    const [first, second] = execution.steps.map((s) => s.id) as [string, string];
    await server.data(StartStep, { stepId: first });
    await server.data(CompleteStep, { stepId: first });
    await server.data(StartStep, { stepId: second });
    await server.data(ReportStepProgress, { stepId: second, percent: 60 });
    await server.data(CancelExecution, { id: execution.id, reason: 'not needed' });
    await page.goto(`${origin}#/executions/${encodeURIComponent(execution.id)}`);
    await page.locator('#execution[data-status=CANCELLED]').waitFor();
    expect(await page.locator('#step-counts').textContent()).toBe('successful work by steps: 1/3 done, 2 cancelled');
    expect(await page.locator('#progress-steps').textContent()).toBe('53.3%');
  });

  it('approves a step waiting for approval with a comment, confirmed, and shows it live', async () => {
    const execution = await runningExecution(server, { stepCount: 1 });
    const stepId = execution.steps[0]!.id;
    await server.data(StartStep, { stepId });
    await server.data(RequestApproval, { stepId, message: 'go?' }); // no approvers list: anyone may decide (the dashboard decides as the key's name)
    await page.goto(`${origin}#/executions/${encodeURIComponent(execution.id)}`);
    await page.locator('.approval[data-step=s0] button[data-action=approve]').click();
    await page.locator('.confirm[data-confirm=approve] input.comment').fill('looks good');
    await page.locator('.confirm[data-confirm=approve] button.yes').click();
    await page.locator('#gantt .lane[data-step=s0][data-status=COMPLETED]').waitFor({ timeout: 5_000 });
    await page.locator('.decisions li', { hasText: 'approved by anonymous (protected loopback mode): “looks good”' }).waitFor();
  });

  it('acknowledges an alert and silences its kind, each after a confirmation', async () => {
    await createExecution(server, { stepCount: 0, queued: true });
    await createExecution(server, { stepCount: 0, queued: true });
    await page.goto(`${origin}#/alerts`);
    const firing = page.locator('#alerts li.alert[data-status=FIRING]', { has: page.locator('button[data-action=ack]') }).first();
    await firing.waitFor({ timeout: 10_000 });
    const id = await firing.getAttribute('data-id');
    const item = page.locator(`#alerts li[data-id="${id}"]`);
    await item.locator('button[data-action=ack]').click();
    await item.locator('.confirm[data-confirm=ack] button.yes').click();
    await eventually(async () => {
      const alerts = (await server.data(AlertStatuses, undefined as never)).alerts.edges.map((e) => e.node);
      return alerts.find((a) => a.id === id && a.status === 'ACKNOWLEDGED' && a.acknowledgedBy?.startsWith('anonymous'));
    }, 5_000, 'the alert acknowledged');
    const acknowledged = page.locator(`#alerts li[data-id="${id}"][data-status=ACKNOWLEDGED]`);
    await acknowledged.waitFor({ timeout: 5_000 });

    await acknowledged.locator('button[data-action=silence]').click();
    await acknowledged.locator('.confirm[data-confirm=silence] input.comment').fill('known, fixing');
    await acknowledged.locator('.confirm[data-confirm=silence] button.yes').click();
    await page.locator('#silences li.silence', { hasText: 'known, fixing' }).waitFor({ timeout: 5_000 });
    const silences = (await server.data(ActiveSilences, undefined as never)).silences.edges.map((e) => e.node);
    expect(silences.find((s) => s.comment === 'known, fixing')?.matchers.map((m) => m.label)).toContain('RULE');
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
    // The dashboard tab holds subscriptions too: wait for one more than it.
    const watching = server.app.services.live.watcher.size;
    await graphiql.locator('.graphiql-execute-button').first().click();
    await eventually(() => server.app.services.live.watcher.size > watching, 10_000, 'the GraphiQL subscription');
    await createExecution(server, { stepCount: 1, workflow: 'from-graphiql' });
    await graphiql.getByText('EXECUTION_CREATED').first().waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
    await graphiql.close();
  });

  it('catches up on its own after the server restarts, also a page that had received no live event', async () => {
    const port = Number(new URL(server.url).port);
    const execution = await runningExecution(server, { stepCount: 2 });
    await page.goto(origin);
    await page.locator(`li.execution[data-id="${execution.id}"]`).waitFor();
    // Opened last: it knows only the history it read on open, and resumes from that page's cursor.
    const quiet = await browser.newPage();
    await quiet.goto(origin);
    await quiet.locator('#events li', { hasText: `${execution.workflow} ${execution.id.slice(-6)}: started` }).waitFor();
    await server.stop();
    await page.locator('#connection[data-state=reconnecting]').waitFor({ timeout: 10_000 });
    await quiet.locator('#connection[data-state=reconnecting]').waitFor({ timeout: 10_000 });

    server = await startServer({ env, port });
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await server.data(ReportStepProgress, { stepId: execution.steps[0]!.id, percent: 80 });
    await page.locator('#connection[data-state=live]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (id) => (document.querySelector(`li.execution[data-id="${id}"] .fill`) as HTMLElement | null)?.style.width === '40%',
      execution.id,
      { timeout: 10_000 },
    );
    // The events written while they were away arrive through the resumed feeds, without a reload.
    for (const p of [page, quiet]) await p.locator('#events li', { hasText: 'step s0 at 80%' }).first().waitFor({ timeout: 10_000 });
    await quiet.close();
    expect(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });
});

describe.runIf(!onPostgres && existsSync(CHROMIUM))('the dashboard on a protected server', () => {
  it('says why a wrong key is refused, goes live with a good one, and offers a read-only key only what it may do', async () => {
    const admin = 'd'.repeat(32);
    const server = await startServer({ env: { RUNWATCH_ADMIN_KEY: admin, MONITOR_INTERVAL_MS: '300', ALERT_PENDING_MS: '0', QUEUE_DEPTH_THRESHOLD: '1' } });
    const origin = server.url.replace('/graphql', '/');
    const asAdmin = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await server.request<Record<string, any>, Record<string, unknown>>(query, variables, { authorization: `Bearer ${admin}` });
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return result.data!;
    };
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(origin);
      await page.locator('#connection[data-state=locked]').waitFor({ timeout: 10_000 });
      await page.locator('#key-input').fill('rw_not-a-key-at-all-0000000000000');
      await page.locator('#key-form button').click();
      await page.locator('#key-error').waitFor({ timeout: 5_000 });
      expect((await page.locator('#key-error').textContent())?.length).toBeGreaterThan(5);
      await page.locator('#key-input').fill(admin);
      await page.locator('#key-form button').click();
      await page.locator('#connection[data-state=live]').waitFor({ timeout: 10_000 });
      await page.locator('#health li').first().waitFor({ timeout: 10_000 });

      const { createApiKey } = await asAdmin(`mutation { createApiKey(input: { name: "viewer", scopes: [READ] }) { key } }`);
      const steps = [{ name: 'gate', type: 'approval' }];
      const { createExecution: created } = await asAdmin(`mutation($steps: [StepInput!]!) { createExecution(input: { workflow: "gated", steps: $steps }) { id steps { id } } }`, { steps });
      await asAdmin(`mutation($id: ID!) { startExecution(id: $id) { id } }`, { id: created.id });
      await asAdmin(`mutation($s: ID!) { startStep(stepId: $s) { id } }`, { s: created.steps[0].id });
      await asAdmin(`mutation($s: ID!) { requestApproval(stepId: $s) { id } }`, { s: created.steps[0].id });
      for (let i = 0; i < 2; i++) await asAdmin(`mutation { createExecution(input: { workflow: "waiting", steps: [], queued: true }) { id } }`);

      const reader = await browser.newPage();
      await reader.addInitScript((key) => localStorage.setItem('runwatch.apiKey', key), createApiKey.key as string);
      await reader.goto(`${origin}#/alerts`);
      // acknowledgeAlert takes the read scope, so a reader may acknowledge; silencing needs alerts:write.
      const firing = reader.locator('#alerts li.alert[data-status=FIRING]').first();
      await firing.locator('button[data-action=ack]').waitFor({ timeout: 10_000 });
      expect(await reader.locator('button[data-action=silence], button[data-action=expire]').count()).toBe(0);
      await reader.goto(`${origin}#/executions/${encodeURIComponent(created.id)}`);
      await reader.locator('.approval[data-step=gate]').waitFor({ timeout: 10_000 });
      expect(await reader.locator('button[data-action=approve], button[data-action=reject], button[data-action=cancel]').count()).toBe(0);
      // The admin sees them.
      await page.goto(`${origin}#/executions/${encodeURIComponent(created.id)}`);
      await page.locator('.approval[data-step=gate] button[data-action=approve]').waitFor({ timeout: 10_000 });
      await page.locator('button[data-action=cancel]').waitFor();
      await page.goto(`${origin}#/alerts`);
      await page.locator('#alerts li.alert button[data-action=silence]').first().waitFor({ timeout: 10_000 });
    } finally {
      await browser.close();
    }
  });
});
