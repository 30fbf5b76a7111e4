import { randomUUID } from 'node:crypto';
import type { Notifications } from '../db/client.js';
import type { Logger } from '../logger.js';

/** "Something changed here": a wake-up, never a payload. Subscribers re-read the event log. */
export interface WakeUp {
  namespace: string;
  executionId: string | null;
}

export interface EventBus {
  /**
   * Wakes local subscribers now and other instances through NOTIFY. Call it after the commit that
   * wrote the events: the NOTIFY goes from a connection of its own, never inside an engine's
   * transaction (Postgres serialises every commit that carries a notification).
   */
  publish(wakeUp: WakeUp): void;
  /** `listener(null)` means "re-read everything": the cross-instance listener reconnected. */
  subscribe(listener: (wakeUp: WakeUp | null) => void): () => void;
  readonly listenerCount: number;
  /** null without a cross-instance listener (PGlite); else whether it is connected. */
  readonly listening: boolean | null;
  /** Sends a wake-up round trip (through NOTIFY when there is a listener) and returns its time in ms. */
  ping(timeoutMs: number): Promise<number>;
  /** Starts the cross-instance listener when the database offers one. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const WAKE_UP_CHANNEL = 'runwatch_events';
const PING = 'ping:';
/** Wake-ups published meanwhile travel in the next NOTIFY, sent at most this often per instance. */
const NOTIFY_INTERVAL_MS = 5;
/** Another instance wrote something: its feeds read the log to find out what. */
const SOMETHING_CHANGED: WakeUp = { namespace: '', executionId: null };

/** Creates the in-process wake-up bus, bridged to Postgres LISTEN/NOTIFY when available. */
export function createEventBus(notifications: Notifications | null, logger: Logger): EventBus {
  const listeners = new Set<(wakeUp: WakeUp | null) => void>();
  const log = logger.child({ component: 'bus' });
  let unlisten: (() => Promise<void>) | null = null;
  let listening = false;
  const pings = new Map<string, () => void>();
  let notifyPending = false;
  let notifying: Promise<void> | null = null;

  /** One NOTIFY for every wake-up published since the last one; one at a time, NOTIFY_INTERVAL_MS apart. */
  const notifyOthers = () => {
    notifyPending = true;
    notifying ??= (async () => {
      while (notifyPending) {
        notifyPending = false;
        await notifications!.notify(WAKE_UP_CHANNEL, '').catch((error: unknown) => log.debug({ err: error }, 'wake-up NOTIFY failed'));
        await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
      }
    })().finally(() => (notifying = null));
  };

  const emit = (wakeUp: WakeUp | null) => {
    for (const listener of listeners) {
      try {
        listener(wakeUp);
      } catch (error) {
        log.error({ err: error }, 'wake-up listener failed');
      }
    }
  };

  return {
    publish(wakeUp) {
      emit(wakeUp);
      if (notifications) notifyOthers();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listenerCount() {
      return listeners.size;
    },
    get listening() {
      return notifications ? listening : null;
    },
    async ping(timeoutMs) {
      const id = randomUUID();
      const started = performance.now();
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no wake-up within ${timeoutMs} ms`)), timeoutMs);
        pings.set(id, () => (clearTimeout(timer), resolve()));
      });
      arrived.catch(() => {}); // observed below; never an unhandled rejection if notify throws first
      try {
        if (notifications) await notifications.notify(WAKE_UP_CHANNEL, `${PING}${id}`);
        else pings.get(id)?.();
        await arrived;
        return performance.now() - started;
      } finally {
        pings.delete(id);
      }
    },
    async start() {
      if (!notifications) return;
      unlisten = await notifications.listen(
        WAKE_UP_CHANNEL,
        (payload) => (payload.startsWith(PING) ? pings.get(payload.slice(PING.length))?.() : emit(SOMETHING_CHANGED)),
        () => {
          if (listening) log.warn('listener reconnected; re-reading every live feed');
          listening = true;
          emit(null);
        },
      );
    },
    async stop() {
      listeners.clear();
      await notifying;
      await unlisten?.().catch(() => {});
      unlisten = null;
    },
  };
}
