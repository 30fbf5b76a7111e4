/**
 * Notifications per second from the outbox to a local receiver (a bare node http server in its
 * own process, answering 200): `deliverDue` claiming, signing, POSTing and recording N
 * notifications, against the same N signed POSTs made directly with fetch at the same concurrency,
 * alternately, in the same run.
 *
 *   NODE_ENV=production DATABASE_URL=<loopback> npx tsx bench/notifications.ts   (BENCH_QUICK=1: fewer)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { alertDeliveries } from '../src/db/schema.js';
import { webhookBody } from '../src/domain/notification-payloads.js';
import { signatureOf } from '../src/services/deliveries.js';
import { alternate, benchDatabase, median, quick, ratio, report, startBenchServer } from './support.js';

const COUNT = quick ? 2_000 : 10_000;
const ROUNDS = quick ? 2 : 3;
const CONCURRENCY = 16;
const SECRET = 'a-benchmark-secret-0123456789';
const RECEIVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('ok')); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;

const receiverProcess = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => receiverProcess.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
const url = `http://127.0.0.1:${port}/hook`;

const database = await benchDatabase();
const server = await startBenchServer(database.url, { MONITOR_ENABLED: 'false', NOTIFY_CONCURRENCY: String(CONCURRENCY) });
const { db } = server.app.database;
const { notifications, receivers } = server.app.services;
const receiver = await receivers.createReceiver({ name: 'bench', kind: 'WEBHOOK', url, secret: SECRET }, { name: 'bench', namespaces: null });

const now = new Date();
const body = webhookBody(
  {
    receiver: 'bench',
    groupKey: 'bench:{namespace="payments",rule="HIGH_QUEUE_DEPTH"}',
    groupLabels: { namespace: 'payments', rule: 'HIGH_QUEUE_DEPTH' },
    alerts: [
      {
        alert: {
          id: randomUUID(), fingerprint: 'HIGH_QUEUE_DEPTH|payments|', rule: 'HIGH_QUEUE_DEPTH', severity: 'WARNING', status: 'FIRING',
          namespace: 'payments', workflow: null, subject: '', message: '240 executions are queued', value: 240, threshold: 100, firstSeenAt: now,
          lastSeenAt: now, clearSince: null, occurrences: 12, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null,
        },
        apiId: 'QWxlcnQ6YmVuY2g',
        labels: { rule: 'HIGH_QUEUE_DEPTH', namespace: 'payments', workflow: '', severity: 'WARNING', subject: '' },
        status: 'firing',
      },
    ],
  },
  { now, externalUrl: null, alertmanagerEndsInMs: 240_000 },
);

/** COUNT pending notifications, each of its own group (so none waits behind another). */
async function fillOutbox() {
  for (let offset = 0; offset < COUNT; offset += 1_000) {
    await db.insert(alertDeliveries).values(
      Array.from({ length: Math.min(1_000, COUNT - offset) }, (_, i) => ({
        id: randomUUID(), receiverId: receiver.id, namespace: null, groupKey: `bench:${offset + i}`, status: 'PENDING' as const,
        alertIds: [randomUUID()], firingCount: 1, resolvedCount: 0, body, nextAttemptAt: now, createdAt: now,
      })),
    );
  }
}

async function ours() {
  await db.delete(alertDeliveries);
  await fillOutbox();
  // As autovacuum would for a backlog this size; fresh statistics say "4 rows" and claims sort them all.
  await db.execute(sql`analyze alert_deliveries`);
  const started = performance.now();
  await notifications.deliverDue();
  return COUNT / ((performance.now() - started) / 1_000);
}

async function direct() {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < COUNT) {
      next++;
      const headers = { 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-runwatch-signature': signatureOf(SECRET, body) };
      const response = await fetch(url, { method: 'POST', headers, body });
      await response.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return COUNT / ((performance.now() - started) / 1_000);
}

try {
  await direct(); // warm-up of both paths' connections
  const results = await alternate(ROUNDS, { ours, direct });
  const delivered = (await db.select({ status: alertDeliveries.status }).from(alertDeliveries)).filter((d) => d.status === 'DELIVERED').length;
  if (delivered !== COUNT) throw new Error(`only ${delivered} of ${COUNT} delivered`);
  const oursPerSecond = median(results.ours);
  const directPerSecond = median(results.direct);
  report('notifications: outbox delivery to a local receiver', {
    notifications: COUNT,
    concurrency: CONCURRENCY,
    'ours (notifications/s, median)': Math.round(oursPerSecond),
    'direct fetch posts (/s, median)': Math.round(directPerSecond),
    'ratio ours / direct': ratio(oursPerSecond, directPerSecond),
  });
} finally {
  await server.stop();
  await database.drop();
  receiverProcess.kill();
}
