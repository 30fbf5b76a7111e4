import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiKeyService } from '../auth/keys.js';
import type { Authenticator, Principal } from '../auth/auth.js';
import { sendError } from './http-guard.js';
import type { Logger } from '../logger.js';
import { createStallMeter } from './connections.js';

export interface SseOptions {
  authenticator: Authenticator;
  keys: ApiKeyService;
  recheckMs: number;
  maxStreamsPerKey: number;
  slowConsumerMs: number;
  maxBufferedBytes: number;
}

export const isEventStream = (req: IncomingMessage) => String(req.headers.accept ?? '').includes('text/event-stream');

/**
 * Long-lived SSE responses under the same rules as WebSockets: a cap per key, keys re-checked
 * (revocation, expiry, the end of anonymous mode close the stream within `recheckMs`), and a
 * client that stops reading closed once its backlog is older or larger than the bound.
 */
export function createSseStreams(options: SseOptions, logger: Logger) {
  const log = logger.child({ component: 'sse' });
  const streams = new Map<ServerResponse, { principal: Principal }>();
  const stalls = createStallMeter(Math.max(50, Math.min(options.recheckMs, options.slowConsumerMs / 4)));
  const perKey = new Map<string, number>();

  const forget = (res: ServerResponse) => {
    const stream = streams.get(res);
    if (!stream) return;
    streams.delete(res);
    const left = (perKey.get(stream.principal.id) ?? 1) - 1;
    if (left > 0) perKey.set(stream.principal.id, left);
    else perKey.delete(stream.principal.id);
  };

  let checking: Promise<void> | null = null;
  const check = () =>
    (checking ??= (async () => {
      const elapsed = stalls.startRound();
      for (const [res, stream] of [...streams]) {
        const stalledMs = stalls.observe(res, res.writableNeedDrain, elapsed);
        const slow = stalledMs > options.slowConsumerMs || res.writableLength > options.maxBufferedBytes;
        const valid = slow || (await options.authenticator.stillValid(stream.principal).catch(() => true));
        if (!slow && valid) continue;
        log.info({ key: stream.principal.name, slow }, slow ? 'closing a slow SSE consumer' : 'closing an SSE stream whose API key is no longer valid');
        forget(res);
        res.destroy();
      }
    })().finally(() => (checking = null)));
  const timer = setInterval(() => void check(), stalls.intervalMs);
  timer.unref();
  const stopWatchingKeys = options.keys.onChange(({ kind }) => {
    if (kind === 'revoked' || kind === 'created') void Promise.resolve().then(check);
  });

  return {
    /** Registers a stream; false (and a 429 sent) when its key already holds the most allowed. */
    track(res: ServerResponse, principal: Principal): boolean {
      const open = perKey.get(principal.id) ?? 0;
      if (principal.kind !== 'anonymous' && open >= options.maxStreamsPerKey) {
        sendError(res, 429, 'RATE_LIMITED', `Too many open event streams for this API key (at most ${options.maxStreamsPerKey})`, {}, {
          reason: 'TOO_MANY_STREAMS',
          limit: options.maxStreamsPerKey,
        });
        return false;
      }
      streams.set(res, { principal });
      perKey.set(principal.id, open + 1);
      res.once('close', () => forget(res));
      return true;
    },
    get size() {
      return streams.size;
    },
    /** Ends every stream now, so shutdown need not wait for them. */
    close() {
      clearInterval(timer);
      stopWatchingKeys();
      for (const res of streams.keys()) res.destroy();
      streams.clear();
      perKey.clear();
    },
  };
}
