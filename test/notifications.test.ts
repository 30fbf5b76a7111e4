/** Notifications end to end: real server, a real HTTP receiver, a manual clock driving the rounds. */
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompleteExecution, StartExecution } from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { manualClock, startServer, type TestServer } from './harness.js';
import { AlertRules, CreateSilence, Deliveries, ExpireSilence, NotifiedAlerts, routeTo } from './notification-documents.js';
import { startReceiver, type TestReceiver } from './receiver.js';

const SECRET = 'a-receiver-secret-of-some-length';
const env = {
  MONITOR_ENABLED: 'false',
  ALERT_PENDING_MS: '0',
  ALERT_HOLD_MS: '0',
  QUEUE_DEPTH_THRESHOLD: '1',
  HEALTH_CACHE_MS: '1',
  NOTIFY_BACKOFF_BASE_MS: '1000',
  NOTIFY_BACKOFF_CAP_MS: '5000',
  NOTIFY_MAX_ATTEMPTS: '50',
};

interface WebhookBody {
  status: 'firing' | 'resolved';
  groupKey: string;
  alerts: { status: string; id: string; labels: Record<string, string> }[];
}

/** Two queued executions in `namespace` open its HIGH_QUEUE_DEPTH alert (threshold 1); `drain` closes it. */
async function queueUp(server: TestServer, namespace: string) {
  const queued: { id: string }[] = [];
  for (let i = 0; i < 2; i++) queued.push(await createExecution(server, { namespace, stepCount: 0, queued: true }));
  return {
    async drain() {
      for (const execution of queued) {
        await server.data(StartExecution, { id: execution.id });
        await server.data(CompleteExecution, { id: execution.id });
      }
    },
  };
}

function setup(extraEnv: Record<string, string> = {}) {
  const clock = manualClock(new Date('2026-05-01T12:00:00.000Z'));
  const context = { clock } as { clock: typeof clock; server: TestServer };
  beforeAll(async () => {
    context.server = await startServer({ clock, env: { ...env, ...extraEnv } });
  });
  /** One round at the current time, then its deliveries. */
  const round = async (advanceMs = 0) => {
    clock.advance(advanceMs);
    expect(await context.server.app.services.alerts.evaluate()).toBe(true);
    await context.server.app.services.notifications.deliverDue();
  };
  return { context, round };
}

const deliveriesOf = async (server: TestServer, receiverId: string) =>
  (await server.data(Deliveries, { filter: { receiverId }, first: 100 })).alertDeliveries.edges.map((e) => e.node).reverse();

describe('a webhook receiver', () => {
  const { context, round } = setup();
  let receiver: TestReceiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });

  it('gets each firing and each resolved notification exactly once, signed, with a stable idempotency key', async () => {
    const { server } = context;
    const { receiver: created } = await routeTo(server, { url: receiver.url, secret: SECRET }, { namespace: 'hooks' });
    const queue = await queueUp(server, 'hooks');
    await round();
    for (let i = 0; i < 5; i++) await round(2_000);
    expect(receiver.received).toHaveLength(1);
    const [firing] = receiver.received;
    const body = firing!.json as WebhookBody;
    expect(body).toMatchObject({ status: 'firing', receiver: 'hook-hooks', groupLabels: { namespace: 'hooks', rule: 'HIGH_QUEUE_DEPTH' } });
    expect(body.alerts).toEqual([expect.objectContaining({ status: 'firing', labels: expect.objectContaining({ rule: 'HIGH_QUEUE_DEPTH', namespace: 'hooks' }) })]);
    const signature = `sha256=${createHmac('sha256', SECRET).update(firing!.body).digest('hex')}`;
    expect(firing!.headers['x-runwatch-signature']).toBe(signature);
    expect(firing!.headers['x-runwatch-delivery-attempt']).toBe('1');

    await queue.drain();
    await round(1_000);
    for (let i = 0; i < 5; i++) await round(2_000);
    expect(receiver.received).toHaveLength(2);
    const resolved = receiver.received[1]!;
    expect(resolved.json).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', id: body.alerts[0]!.id }] });
    expect(resolved.headers['x-runwatch-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(resolved.body).digest('hex')}`);

    const log = await deliveriesOf(server, created.id);
    expect(log.map((d) => [d.status, d.attempts, d.firingCount, d.resolvedCount])).toEqual([
      ['DELIVERED', 1, 1, 0],
      ['DELIVERED', 1, 0, 1],
    ]);
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual(log.map((d) => d.idempotencyKey));
    expect(log[0]!.alerts).toEqual([expect.objectContaining({ id: body.alerts[0]!.id, rule: 'HIGH_QUEUE_DEPTH' })]);
    const alert = (await server.data(NotifiedAlerts, { status: ['RESOLVED'] })).alerts.edges.find((e) => e.node.id === body.alerts[0]!.id)!;
    expect(alert.node.deliveries.map((d) => d.idempotencyKey)).toEqual(log.map((d) => d.idempotencyKey).reverse());
  });

  it('down (connection refused) for 30 s gets every notification afterwards, in order per alert', async () => {
    const { server } = context;
    const { receiver: created } = await routeTo(server, { url: receiver.url, name: 'down' }, { namespace: 'down' });
    const seen = receiver.received.length;
    await receiver.stop();
    let queue = await queueUp(server, 'down');
    await round();
    for (let second = 1; second <= 30; second++) {
      if (second === 10) await queue.drain();
      if (second === 20) queue = await queueUp(server, 'down');
      await round(1_000);
    }
    const waiting = await deliveriesOf(server, created.id);
    expect(waiting.map((d) => [d.status, d.firingCount, d.resolvedCount])).toEqual([
      ['PENDING', 1, 0],
      ['PENDING', 0, 1],
      ['PENDING', 1, 0],
    ]);
    // Only the first is tried: the others of its group wait behind it.
    expect(waiting[0]!.attempts).toBeGreaterThan(2);
    expect(waiting[0]).toMatchObject({ lastError: 'connection refused', lastStatusCode: null });
    expect(waiting[0]!.nextAttemptAt).not.toBeNull();
    expect(waiting.slice(1).map((d) => d.attempts)).toEqual([0, 0]);

    await receiver.start();
    for (let i = 0; i < 10 && receiver.received.length < seen + 3; i++) await round(5_000);
    const bodies = receiver.received.slice(seen).map((r) => r.json as WebhookBody);
    expect(bodies.map((b) => [b.status, b.alerts.map((a) => a.status)])).toEqual([
      ['firing', ['firing']],
      ['resolved', ['resolved']],
      ['firing', ['firing']],
    ]);
    expect(bodies[1]!.alerts[0]!.id).toBe(bodies[0]!.alerts[0]!.id);
    expect(bodies[2]!.alerts[0]!.id).not.toBe(bodies[0]!.alerts[0]!.id);
    const delivered = await deliveriesOf(server, created.id);
    expect(delivered.map((d) => d.status)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
    expect(receiver.received.slice(seen).map((r) => r.headers['idempotency-key'])).toEqual(delivered.map((d) => d.idempotencyKey));
    await queue.drain();
  });

  it('with a silence matching its rule stays quiet until the silence ends, then hears of the still-firing alert again', async () => {
    const { server, clock } = context;
    await routeTo(server, { url: receiver.url, name: 'quiet' }, { namespace: 'quiet', groupIntervalMs: 5_000 });
    const queue = await queueUp(server, 'quiet');
    const quiet = () => receiver.bodies<WebhookBody>((b) => b.groupKey.includes('"quiet"'));
    await round();
    expect(quiet()).toHaveLength(1);
    const endsAt = new Date(clock.now().getTime() + 60_000);
    const { createSilence } = await server.data(CreateSilence, {
      input: { matchers: [{ label: 'RULE', operator: 'EQUAL', value: 'HIGH_QUEUE_DEPTH' }, { label: 'NAMESPACE', operator: 'EQUAL', value: 'quiet' }], endsAt: endsAt.toISOString(), comment: 'deploying' },
    });
    expect(createSilence).toMatchObject({ state: 'ACTIVE', comment: 'deploying', namespaces: null });
    const alert = () => server.data(NotifiedAlerts, {}).then((r) => r.alerts.edges.map((e) => e.node).find((a) => a.namespace === 'quiet' && a.status === 'FIRING')!);
    expect(await alert()).toMatchObject({ silenced: true, silencedBy: [{ id: createSilence.id }] });
    for (let i = 0; i < 11; i++) await round(5_000);
    expect(quiet()).toHaveLength(1);
    // The silence has ended: a change, and the group's interval since its last notification has passed.
    await round(5_000);
    expect(await alert()).toMatchObject({ silenced: false, silencedBy: [] });
    expect(quiet()).toHaveLength(2);
    expect(quiet()[1]).toMatchObject({ status: 'firing', alerts: [{ status: 'firing' }] });

    const again = await server.data(CreateSilence, {
      input: { matchers: [{ label: 'NAMESPACE', operator: 'EQUAL', value: 'quiet' }], endsAt: new Date(clock.now().getTime() + 3_600_000).toISOString() },
    });
    await queue.drain();
    await round(5_000);
    expect(quiet()).toHaveLength(2); // resolved while silenced: its resolution is not sent either
    expect((await server.data(ExpireSilence, { id: again.createSilence.id })).expireSilence).toMatchObject({ state: 'EXPIRED' });
  });
});

describe('a Slack receiver', () => {
  const { context, round } = setup();

  it('gets an incoming-webhook message: a title and a line per alert', async () => {
    const slack = await startReceiver({ path: '/services/T000/B000/XXXX' });
    await routeTo(context.server, { url: slack.url, kind: 'SLACK', name: 'chat' }, { namespace: 'chat' });
    const queue = await queueUp(context.server, 'chat');
    await round();
    expect(slack.bodies()).toEqual([
      {
        text: '[FIRING:1] namespace=chat rule=HIGH_QUEUE_DEPTH',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: '[FIRING:1] namespace=chat rule=HIGH_QUEUE_DEPTH' } },
          { type: 'section', text: { type: 'mrkdwn', text: ':red_circle: *FIRING* WARNING HIGH_QUEUE_DEPTH in chat: 2 executions are queued' } },
        ],
      },
    ]);
    await queue.drain();
  });
});

describe('a receiver that answers errors', () => {
  const { context, round } = setup({ NOTIFY_MAX_ATTEMPTS: '3' });

  it('is retried on 503 up to the attempt cap, then FAILED; a 400 is FAILED at once; both leave the log after the retention', async () => {
    const { server } = context;
    const unavailable = await startReceiver();
    unavailable.mode = 503;
    const refusing = await startReceiver();
    refusing.mode = 400;
    const first = await routeTo(server, { url: `${unavailable.url}?token=abc123`, name: 'busy' }, { namespace: 'busy' });
    const second = await routeTo(server, { url: refusing.url, name: 'strict' }, { namespace: 'strict' });
    const queues = [await queueUp(server, 'busy'), await queueUp(server, 'strict')];
    await round();
    for (let i = 0; i < 5; i++) await round(5_000);
    expect(unavailable.received.map((r) => r.headers['x-runwatch-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(unavailable.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const [busy] = await deliveriesOf(server, first.receiver.id);
    expect(busy).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: 503, nextAttemptAt: null });
    expect(busy!.lastError).toBe('HTTP 503: not now (gave up after 3 attempts)');
    expect(refusing.received).toHaveLength(1);
    const [strict] = await deliveriesOf(server, second.receiver.id);
    expect(strict).toMatchObject({ status: 'FAILED', attempts: 1, lastStatusCode: 400, lastError: 'HTTP 400: not now (not retried)' });
    for (const queue of queues) await queue.drain();
    await round(8 * 24 * 60 * 60_000); // past NOTIFY_RETENTION_MS (7 days): the log forgets the failed ones
    for (const { receiver } of [first, second]) {
      expect((await deliveriesOf(server, receiver.id)).map((d) => [d.firingCount, d.resolvedCount, d.createdAt])).toEqual([[0, 1, context.clock.now().toISOString()]]);
    }
  });
});

describe('grouping', () => {
  // A breach alert resolves once no new breach has come for the hold period: longer than the group's timings here.
  const { context, round } = setup({ ALERT_HOLD_MS: '600000' });

  it('200 executions breaching their SLA at once give one notification per group, repeated, then one resolved each', async () => {
    const { server } = context;
    const receiver = await startReceiver();
    const { receiver: created } = await routeTo(
      server,
      { url: receiver.url, name: 'sla' },
      { namespace: 'unused', matchers: [{ label: 'RULE', operator: 'EQUAL', value: 'SLA_VIOLATION' }], groupWaitMs: 30_000, groupIntervalMs: 60_000, repeatIntervalMs: 300_000 },
    );
    const namespaces = ['sla-east', 'sla-west'];
    const executions = [];
    for (let i = 0; i < 200; i++) executions.push(await runningExecution(server, { namespace: namespaces[i % 2], stepCount: 0, slaMs: 1_000 }));
    await round(2_000);
    const alerts = (await server.data(AlertRules, {})).alerts.edges.filter((e) => e.node.rule === 'SLA_VIOLATION');
    // One alert per workflow, and every execution here has a workflow of its own; routes group them by namespace.
    expect(alerts.length).toBe(200);
    await round(29_000);
    expect(receiver.received).toHaveLength(0);
    await round(1_000);
    const firing = receiver.bodies<WebhookBody>();
    expect(firing).toHaveLength(2);
    expect(firing.map((b) => b.groupKey.includes('sla-east') || b.groupKey.includes('sla-west'))).toEqual([true, true]);
    expect(firing.map((b) => b.alerts.length)).toEqual([100, 100]);
    // A page of 100 alerts with their silences and deliveries: a fixed number of statements, not one per alert.
    const statements = server.app.database.statements.count;
    const page = (await server.data(NotifiedAlerts, {})).alerts.edges;
    expect(page.filter((e) => e.node.deliveries.length === 1)).toHaveLength(100);
    expect(server.app.database.statements.count - statements).toBeLessThanOrEqual(4);
    await round(60_000);
    expect(receiver.received).toHaveLength(2);
    await round(240_000);
    expect(receiver.bodies<WebhookBody>().slice(2).map((b) => [b.status, b.alerts.length])).toEqual([
      ['firing', 100],
      ['firing', 100],
    ]);

    for (const execution of executions) await server.data(CompleteExecution, { id: execution.id });
    await round(16 * 60_000); // no new breach for the hold period: every alert resolves
    await round(60_000);
    const resolved = receiver.bodies<WebhookBody>().slice(4);
    expect(resolved.map((b) => [b.status, b.alerts.length, b.alerts.every((a) => a.status === 'resolved')])).toEqual([
      ['resolved', 100, true],
      ['resolved', 100, true],
    ]);
    for (let i = 0; i < 3; i++) await round(300_000);
    expect(receiver.received).toHaveLength(6);
    expect((await deliveriesOf(server, created.id)).every((d) => d.status === 'DELIVERED')).toBe(true);
  }, 120_000);
});
