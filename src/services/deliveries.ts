/**
 * Delivery of the outbox written by planning: claim due notifications in one short statement
 * (leased, other instances skip them), POST each outside any transaction, record the outcome in
 * another. At least once: a notification whose sender died is claimed again after its lease, with
 * the same idempotency key. Secrets and URL credentials never reach a log line or a stored error.
 */
import { createHmac } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { claimDeliveries, pruneDeliveries, recordAttempts, type AttemptRecord, type ClaimedDelivery } from '../db/notifications.js';
import { deliveryUrl } from '../domain/notification-payloads.js';
import { outcomeOf, redactUrl, type AttemptResult, type RetryPolicy } from '../domain/notifications.js';
import type { Logger } from '../logger.js';
import type { Clock } from './executions.js';

/** `sha256=<hex>` of the exact body, keyed by the receiver's secret. */
export const signatureOf = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** The request for one notification: userinfo in the URL becomes Basic auth (fetch refuses URLs with credentials). */
function requestOf(delivery: ClaimedDelivery) {
  const { receiver } = delivery;
  const url = new URL(deliveryUrl(receiver.kind, receiver.url));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'runwatch',
    'idempotency-key': delivery.id,
    'x-runwatch-delivery-attempt': String(delivery.attempts),
  };
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (receiver.secret) headers['x-runwatch-signature'] = signatureOf(receiver.secret, delivery.body);
  return { url, headers };
}

/** Removes anything secret the text might quote: the receiver's secret and its URL's parts. */
function scrub(text: string, receiver: ClaimedDelivery['receiver']): string {
  const url = new URL(receiver.url);
  const secrets = [receiver.secret, receiver.url, url.username, url.password, url.pathname.length > 1 ? url.pathname : null, url.search || null];
  return secrets.filter((s): s is string => Boolean(s)).reduce((out, secret) => out.split(secret).join('***'), text).slice(0, 500);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return cause?.message ?? message ?? String(error);
}

const retryAfterMs = (header: string | null) => {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : null;
};

/**
 * Records outcomes as they come, in one statement for all that arrived while the previous one ran
 * (under load, one statement for many sends; alone, at once).
 */
function createRecorder(db: Db) {
  let queued: { record: AttemptRecord; done: (error?: unknown) => void }[] = [];
  let flushing: Promise<void> | null = null;
  async function flush() {
    while (queued.length) {
      const batch = queued;
      queued = [];
      const error = await recordAttempts(db, batch.map((q) => q.record)).then(() => undefined, (e: unknown) => e ?? new Error('recording failed'));
      for (const { done } of batch) done(error);
    }
    flushing = null;
  }
  return (record: AttemptRecord) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      flushing ??= flush();
    });
}

interface Deps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'notifications'>;
  logger: Logger;
  random?: () => number;
}

export function createDeliveryLoop(deps: Deps) {
  const { db, clock, config } = deps;
  const settings = config.notifications;
  const random = deps.random ?? Math.random;
  const log = deps.logger.child({ component: 'notifications' });
  const policy: RetryPolicy = { baseMs: settings.backoffBaseMs, capMs: settings.backoffCapMs, maxAttempts: settings.maxAttempts };
  const stopping = new AbortController();
  const record = createRecorder(db);

  async function post(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const timeoutMs = delivery.receiver.timeoutMs ?? settings.timeoutMs;
    const { url, headers } = requestOf(delivery);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
      });
      // Read what an error says (it helps whoever fixes the receiver); a success's body is not needed.
      const answer = response.ok ? await response.body?.cancel().then(() => '') ?? '' : (await response.text()).slice(0, 200);
      const error = response.ok ? null : scrub(`HTTP ${response.status}${answer ? `: ${answer}` : ''}`, delivery.receiver);
      return { statusCode: response.status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')), error };
    } catch (error) {
      return { statusCode: null, retryAfterMs: null, error: scrub(describeFailure(error, timeoutMs), delivery.receiver) };
    }
  }

  /** Sends one claimed notification and records how it went; true when it is delivered. */
  async function attempt(delivery: ClaimedDelivery): Promise<boolean> {
    const result = await post(delivery);
    const outcome = outcomeOf(result, delivery.attempts, policy, random(), clock.now());
    await record({ id: delivery.id, attempts: delivery.attempts, ...outcome });
    const { receiver } = delivery;
    const fields = { delivery: delivery.id, receiver: receiver.name, kind: receiver.kind, url: redactUrl(receiver.url), attempt: delivery.attempts };
    if (outcome.status === 'DELIVERED') log.debug(fields, 'notification delivered');
    else log.warn({ ...fields, statusCode: result.statusCode, error: outcome.lastError, status: outcome.status, nextAttemptAt: outcome.nextAttemptAt }, 'notification not delivered');
    return outcome.status === 'DELIVERED';
  }

  /** Claims and sends until nothing is due; each notification is tried at most once per run. */
  async function run(): Promise<void> {
    const failed: string[] = [];
    const sending = new Set<Promise<void>>();
    while (!stopping.signal.aborted) {
      // Claims in batches (half the slots at least), not one statement per finished send.
      const free = settings.concurrency - sending.size;
      const claimed =
        free >= Math.ceil(settings.concurrency / 2) || sending.size === 0
          ? await claimDeliveries(db, { now: clock.now(), limit: free, tried: failed, timeoutMs: settings.timeoutMs, marginMs: settings.leaseMarginMs })
          : [];
      for (const delivery of claimed) {
        const sent: Promise<void> = attempt(delivery)
          .then((delivered) => void (delivered || failed.push(delivery.id)))
          .catch((error: unknown) => log.warn({ err: error, delivery: delivery.id }, 'could not record a delivery; it is retried after its lease'))
          .finally(() => sending.delete(sent));
        sending.add(sent);
      }
      if (sending.size === 0) return;
      if (claimed.length === 0 || settings.concurrency - sending.size < Math.ceil(settings.concurrency / 2)) await Promise.race(sending);
    }
    await Promise.all(sending);
  }

  let prunedAt = 0;
  /** At most once a minute, the delivery log loses what is older than NOTIFY_RETENTION_MS (a bounded batch at a time). */
  async function prune() {
    const now = clock.now();
    if (now.getTime() - prunedAt < 60_000) return;
    prunedAt = now.getTime();
    const deleted = await pruneDeliveries(db, new Date(now.getTime() - settings.retentionMs), 1_000);
    if (deleted) log.debug({ deleted }, 'old notifications pruned from the delivery log');
  }

  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  /**
   * Delivers what is due now. While a run is going, the call waits for it and then for one more
   * run, so whatever was committed before the call is tried by the time it resolves.
   */
  function deliverDue(): Promise<void> {
    if (!current) return (current = run().then(prune).finally(() => (current = null)));
    return (next ??= current
      .catch(() => {})
      .then(() => {
        next = null;
        return deliverDue();
      }));
  }

  return {
    deliverDue,

    /** Aborts the sends in flight (they are retried later, with the same key) and waits for the run to end. */
    async stop() {
      stopping.abort();
      await current?.catch(() => {});
    },
  };
}
