/**
 * Three instances on one Postgres database, each running its round loop and its delivery timer:
 * every notification is planned once (the round's transaction) and sent once (claims are leased
 * and skip locked rows). Written against "whoever runs the round"; a single leader only narrows it.
 */
import { describe, expect, it } from 'vitest';
import { StartExecution } from './documents.js';
import { createExecution } from './fixtures.js';
import { eventually, freshDatabaseUrl, onPostgres, startServer } from './harness.js';
import { Deliveries, routeTo } from './notification-documents.js';
import { startReceiver } from './receiver.js';

describe.runIf(onPostgres)('three instances on one database', () => {
  it('send each notification once', async () => {
    const databaseUrl = await freshDatabaseUrl();
    const env = { MONITOR_INTERVAL_MS: '300', ALERT_PENDING_MS: '0', ALERT_HOLD_MS: '0', QUEUE_DEPTH_THRESHOLD: '1', HEALTH_CACHE_MS: '100', NOTIFY_RETRY_POLL_MS: '100' };
    const instances = [];
    for (let i = 0; i < 3; i++) instances.push(await startServer({ databaseUrl, env }));
    const [a] = instances;
    const receiver = await startReceiver();
    const { receiver: created } = await routeTo(a!, { url: receiver.url }, { namespace: 'shared', groupIntervalMs: 500, repeatIntervalMs: 1_000 });
    const queued = [];
    for (let i = 0; i < 2; i++) queued.push(await createExecution(a!, { namespace: 'shared', stepCount: 0, queued: true }));
    await eventually(() => receiver.received.length >= 5, 30_000, 'five notifications (the first and its repeats)');
    for (const execution of queued) await a!.data(StartExecution, { id: execution.id });
    // Resolved, the group sends its last notification and closes: then everything sent is in the log.
    const log = await eventually(async () => {
      const rows = (await a!.data(Deliveries, { filter: { receiverId: created.id }, first: 500 })).alertDeliveries.edges.map((e) => e.node);
      const settled = rows[0]?.resolvedCount === 1 && rows.every((d) => d.status === 'DELIVERED') && rows.length === receiver.received.length;
      return settled ? rows : null;
    }, 30_000, 'the resolution delivered');
    for (const instance of instances) await instance.stop();

    const keys = receiver.received.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(keys.length);
    expect(log.every((d) => d.attempts === 1)).toBe(true);
    expect(log.map((d) => d.idempotencyKey).sort()).toEqual([...keys].sort());
    const delivered = log.filter((d) => d.firingCount === 1);
    // Repeats follow the route's interval, not the number of instances: no two within it.
    const times = delivered.map((d) => new Date(d.createdAt).getTime()).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });
});
