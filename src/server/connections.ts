import type { Authenticator, Principal } from '../auth/auth.js';
import type { ApiKeyService } from '../auth/keys.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** Why the registry closes a connection; each transport says how (a close code, a destroyed stream). */
export type CloseReason = 'slow' | 'forbidden' | 'restart';

/** What the registry asks of, and does to, one transport's connections. */
export interface ConnectionProbe<C> {
  isOpen(connection: C): boolean;
  /** Sends are waiting and none has completed since the last look. */
  isStuck(connection: C): boolean;
  bufferedBytes(connection: C): number;
  close(connection: C, reason: CloseReason): void;
}

export interface ConnectionRegistryOptions {
  config: Pick<Config, 'connections' | 'auth'>;
  auth: { authenticator: Authenticator; keys: ApiKeyService };
  logger: Logger;
}

/**
 * How long each consumer (a socket, a stream) has been stuck, counted only over time this process
 * was itself running. While the event loop is blocked (a long PGlite statement, a GC pause, a
 * starved CPU) no client can drain, and after such a pause timers run before the I/O callbacks
 * that would show the progress, so each check credits at most one interval of stall.
 */
function createStallMeter(intervalMs: number) {
  let lastCheck = performance.now();
  const stalledMs = new WeakMap<object, number>();
  return {
    intervalMs,
    /** Starts a round of checks; returns the time to credit to each stuck consumer. */
    startRound(): number {
      const now = performance.now();
      const elapsed = Math.min(now - lastCheck, intervalMs);
      lastCheck = now;
      return elapsed;
    },
    /** The consumer's stall so far: grown by `elapsed` while stuck, zero once it is not. */
    observe(consumer: object, stuck: boolean, elapsed: number): number {
      const stalled = stuck ? (stalledMs.get(consumer) ?? 0) + elapsed : 0;
      stalledMs.set(consumer, stalled);
      return stalled;
    },
  };
}

/**
 * The long-lived connections of one transport (WebSockets, SSE streams) under the same rules:
 * at most `WS_MAX_SOCKETS_PER_KEY` per key (anonymous access has no cap); keys re-checked every
 * `WS_AUTH_RECHECK_MS` and at once when a key is revoked or the first one created in this process
 * (revocation, expiry and the end of anonymous mode close them); and a consumer that stops reading
 * closed once its stall passes `WS_SLOW_CONSUMER_MS` or its backlog `WS_MAX_BUFFERED_BYTES`, so it
 * resumes from its cursor instead of filling memory.
 */
export function createConnectionRegistry<C extends object>(probe: ConnectionProbe<C>, options: ConnectionRegistryOptions) {
  const { connections: limits, auth: timing } = options.config;
  const { authenticator, keys } = options.auth;
  const log = options.logger;
  const watched = new Set<C>();
  const principals = new Map<C, Principal>();
  const perKey = new Map<string, number>();
  const stalls = createStallMeter(Math.max(50, Math.min(1_000, limits.slowConsumerMs / 4)));
  const stats = { slowConsumerCloses: 0 };

  const forget = (connection: C) => {
    watched.delete(connection);
    const principal = principals.get(connection);
    if (!principal) return;
    principals.delete(connection);
    const left = (perKey.get(principal.id) ?? 1) - 1;
    if (left > 0) perKey.set(principal.id, left);
    else perKey.delete(principal.id);
  };

  const closeSlowConsumers = () => {
    const elapsed = stalls.startRound();
    for (const connection of watched) {
      if (!probe.isOpen(connection)) continue;
      const stalledMs = stalls.observe(connection, probe.isStuck(connection), elapsed);
      const bufferedBytes = probe.bufferedBytes(connection);
      if (stalledMs <= limits.slowConsumerMs && bufferedBytes <= limits.maxBufferedBytes) continue;
      stats.slowConsumerCloses++;
      log.warn({ key: principals.get(connection)?.name, stalledMs, bufferedBytes }, 'closing a slow consumer');
      forget(connection);
      probe.close(connection, 'slow');
    }
  };

  let rechecking: Promise<void> | null = null;
  const recheckKeys = () =>
    (rechecking ??= (async () => {
      for (const [connection, principal] of [...principals]) {
        if (!probe.isOpen(connection)) continue;
        if (await authenticator.stillValid(principal).catch(() => true)) continue;
        log.info({ key: principal.name }, 'closing a connection whose API key is no longer valid');
        forget(connection);
        probe.close(connection, 'forbidden');
      }
    })().finally(() => (rechecking = null)));

  const stallTimer = setInterval(closeSlowConsumers, stalls.intervalMs);
  stallTimer.unref();
  const recheckTimer = setInterval(() => void recheckKeys(), timing.recheckMs);
  recheckTimer.unref();
  const stopWatchingKeys = keys.onChange(({ kind }) => {
    // The cache entry of a revoked key is dropped synchronously; re-check right after.
    if (kind === 'revoked' || kind === 'created') void Promise.resolve().then(recheckKeys);
  });

  return {
    stats,
    /** Watches a connection for stalls until it is forgotten. */
    watch(connection: C) {
      watched.add(connection);
    },
    /** Counts a connection against its principal's key (and watches it); false when the key holds its most. */
    claim(connection: C, principal: Principal): boolean {
      const open = perKey.get(principal.id) ?? 0;
      if (principal.kind !== 'anonymous' && open >= limits.maxSocketsPerKey) return false;
      principals.set(connection, principal);
      perKey.set(principal.id, open + 1);
      watched.add(connection);
      return true;
    },
    principalOf: (connection: C): Principal | undefined => principals.get(connection),
    /** For a connection that has closed. */
    forget,
    /** Stops the checks and closes every connection (clients reconnect elsewhere and resume). */
    closeAll() {
      clearInterval(stallTimer);
      clearInterval(recheckTimer);
      stopWatchingKeys();
      for (const connection of [...watched]) {
        forget(connection);
        probe.close(connection, 'restart');
      }
    },
  };
}
