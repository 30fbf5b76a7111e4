/**
 * At least once across a crash: the server, a real process, is SIGKILLed while its notification is
 * committed and being sent (the receiver hangs); after a restart on the same data the notification
 * is delivered, with the idempotency key of the attempt before the kill.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driver, eventually, freshDatabaseUrl, onPostgres } from './harness.js';
import { runScript } from './processes.js';
import { startReceiver } from './receiver.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function storage(): Promise<Record<string, string>> {
  if (onPostgres) return { DATABASE_URL: (await freshDatabaseUrl())! };
  const dir = await mkdtemp(join(tmpdir(), 'runwatch-notify-'));
  dirs.push(dir);
  return { DATA_DIR: dir };
}

async function graphql<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!;
}

describe(`a notification across a crash (${driver})`, () => {
  it('is delivered after a SIGKILL between commit and a completed send, with the same idempotency key', async () => {
    const receiver = await startReceiver();
    receiver.mode = 'hang';
    const env = {
      ...(await storage()),
      PORT: '0',
      LOG_LEVEL: 'info',
      MONITOR_INTERVAL_MS: '200',
      ALERT_PENDING_MS: '0',
      ALERT_HOLD_MS: '0',
      QUEUE_DEPTH_THRESHOLD: '1',
      NOTIFY_LEASE_MARGIN_MS: '500',
      NOTIFY_RETRY_POLL_MS: '200',
    };
    const first = runScript('src/main.ts', [], env);
    const url = await first.listening;
    const { createAlertReceiver } = await graphql<{ createAlertReceiver: { id: string } }>(
      url,
      'mutation ($input: CreateAlertReceiverInput!) { createAlertReceiver(input: $input) { id } }',
      { input: { name: 'crash', kind: 'WEBHOOK', url: receiver.url, timeoutMs: 3_000 } },
    );
    await graphql(url, 'mutation ($input: CreateAlertRouteInput!) { createAlertRoute(input: $input) { id } }', {
      input: { receiverId: createAlertReceiver.id, matchers: [{ label: 'NAMESPACE', value: 'crash' }], groupWaitMs: 0 },
    });
    for (let i = 0; i < 2; i++) {
      await graphql(url, 'mutation ($input: CreateExecutionInput!) { createExecution(input: $input) { id } }', {
        input: { namespace: 'crash', workflow: 'deploy', steps: [], queued: true },
      });
    }
    await eventually(() => receiver.received.length === 1, 20_000, 'the first attempt, hanging');
    await first.stop('SIGKILL');
    receiver.mode = 'ok';

    const second = runScript('src/main.ts', [], env);
    const again = await second.listening;
    await eventually(() => receiver.received.length >= 2, 30_000, 'the notification delivered after the restart');
    const [before, after] = receiver.received;
    expect(after!.headers['idempotency-key']).toBe(before!.headers['idempotency-key']);
    expect([before!.headers['x-runwatch-delivery-attempt'], after!.headers['x-runwatch-delivery-attempt']]).toEqual(['1', '2']);
    expect(after!.body).toBe(before!.body);
    type Deliveries = { alertDeliveries: { edges: { node: { status: string; attempts: number; idempotencyKey: string } }[] } };
    // The receiver has the request before the server has recorded its answer: wait for the record.
    const deliveries = await eventually(async () => {
      const { alertDeliveries } = await graphql<Deliveries>(again, '{ alertDeliveries { edges { node { status attempts idempotencyKey } } } }');
      const nodes = alertDeliveries.edges.map((e) => e.node);
      return nodes.every((node) => node.status !== 'PENDING') && nodes;
    }, 20_000, 'the delivery recorded');
    expect(deliveries).toEqual([{ status: 'DELIVERED', attempts: 2, idempotencyKey: before!.headers['idempotency-key'] }]);
    expect((await second.stop()).code).toBe(0);
    expect(receiver.received).toHaveLength(2);
  });
});
