/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager, started here on a loopback
 * port) shows our alert through its own API, and then its resolution. Skipped where the binary is
 * missing (.ci/run installs it). The delivery path is the same on both drivers: PGlite only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteExecution, StartExecution } from './documents.js';
import { createExecution } from './fixtures.js';
import { eventually, manualClock, onPostgres, startServer, type TestServer } from './harness.js';
import { Deliveries, routeTo } from './notification-documents.js';

const BINARY = '/usr/bin/prometheus-alertmanager';
const installed = existsSync(BINARY);
if (!installed && !onPostgres) console.warn(`${BINARY} is missing (apt-get install prometheus-alertmanager): the Alertmanager test is skipped`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

describe.runIf(installed && !onPostgres)('a real Alertmanager', () => {
  let alertmanager: ChildProcess;
  let base: string;
  let dir: string;
  let server: TestServer;
  const RESEND_MS = 600_000;
  // Alertmanager judges endsAt by its own (real) clock: ours starts a little behind it.
  const clock = manualClock(new Date(Date.now() - 15 * 60_000));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runwatch-am-'));
    writeFileSync(join(dir, 'alertmanager.yml'), "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    alertmanager = spawn(
      BINARY,
      [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
      { stdio: 'ignore' },
    );
    await eventually(async () => (await fetch(`${base}/-/ready`)).ok, 20_000, 'Alertmanager ready');
    server = await startServer({
      clock,
      env: { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: '0', ALERT_HOLD_MS: '0', QUEUE_DEPTH_THRESHOLD: '1', HEALTH_CACHE_MS: '1', NOTIFY_ALERTMANAGER_RESEND_MS: String(RESEND_MS) },
    });
  });
  afterAll(() => {
    alertmanager?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const round = async (advanceMs = 0) => {
    clock.advance(advanceMs);
    await server.app.services.alerts.evaluate();
    await server.app.services.notifications.deliverDue();
  };
  const ours = async () => {
    const response = await fetch(`${base}/api/v2/alerts?filter=${encodeURIComponent('source="runwatch"')}`);
    return ((await response.json()) as AmAlert[]).filter((a) => a.labels.namespace === 'am');
  };

  it('shows the alert with our labels, hears of it again while it fires, and sees it resolved', async () => {
    const { receiver } = await routeTo(server, { url: base, kind: 'ALERTMANAGER', name: 'alertmanager' }, { namespace: 'am', repeatIntervalMs: 3_600_000 });
    const queued = [];
    for (let i = 0; i < 2; i++) queued.push(await createExecution(server, { namespace: 'am', stepCount: 0, queued: true }));
    await round();
    const [active] = await eventually(async () => ((await ours()).length ? ours() : null), 10_000, 'the alert in Alertmanager');
    expect(active).toMatchObject({
      labels: { alertname: 'HIGH_QUEUE_DEPTH', namespace: 'am', severity: 'WARNING', source: 'runwatch' },
      annotations: { summary: 'WARNING HIGH_QUEUE_DEPTH in am', description: '2 executions are queued' },
      status: { state: 'active' },
    });
    expect(active!.labels.workflow).toBeUndefined();

    // Alertmanager forgets alerts it is not told about: they are pushed again well before their endsAt.
    await round(RESEND_MS);
    const deliveries = async () => (await server.data(Deliveries, { filter: { receiverId: receiver.id } })).alertDeliveries.edges.map((e) => e.node);
    expect((await deliveries()).map((d) => [d.status, d.lastStatusCode, d.firingCount])).toEqual([
      ['DELIVERED', 200, 1],
      ['DELIVERED', 200, 1],
    ]);

    for (const execution of queued) {
      await server.data(StartExecution, { id: execution.id });
      await server.data(CompleteExecution, { id: execution.id });
    }
    await round(1_000);
    await eventually(async () => (await ours()).length === 0, 10_000, 'the alert resolved in Alertmanager');
    expect((await deliveries())[0]).toMatchObject({ status: 'DELIVERED', firingCount: 0, resolvedCount: 1 });
  });
});
