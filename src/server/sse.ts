import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/auth.js';
import { createConnectionRegistry, type ConnectionRegistryOptions } from './connections.js';
import { sendError } from './http.js';

export const isEventStream = (req: IncomingMessage) => String(req.headers.accept ?? '').includes('text/event-stream');
export const isEventStreamRequest = (request: Request) => (request.headers.get('accept') ?? '').includes('text/event-stream');

/**
 * Each SSE event whose result carries `extensions.cursor` gets it as its `id:`, so an EventSource
 * (or any client) resumes with `Last-Event-ID`. Yoga writes `data: <the result's stringify>` and a
 * blank line; the id line goes right after the data, which the SSE format allows.
 */
export function useSseEventIds(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (!isAsyncIterable(result) || !isEventStreamRequest(request)) return;
      setResult(
        mapAsyncIterator(result, (value) => {
          const cursor = (value.extensions as { cursor?: unknown } | undefined)?.cursor;
          return typeof cursor === 'string' ? { ...value, stringify: (sanitized: unknown) => `${JSON.stringify(sanitized)}\nid: ${cursor}` } : value;
        }),
      );
    },
  };
}

/**
 * Long-lived SSE responses (Yoga writes them) under the same rules as WebSockets
 * (connections.ts); a stream is ended when its key is no longer valid or its client stops reading.
 */
export function createSseStreams(options: ConnectionRegistryOptions) {
  const { maxSocketsPerKey } = options.config.connections;
  const streams = createConnectionRegistry<ServerResponse>(
    {
      isOpen: (res) => !res.destroyed,
      isStuck: (res) => res.writableNeedDrain,
      bufferedBytes: (res) => res.writableLength,
      close: (res) => res.destroy(),
    },
    { ...options, logger: options.logger.child({ component: 'sse' }) },
  );

  return {
    /** Registers a stream; false (and a 429 sent) when its key already holds the most allowed. */
    track(res: ServerResponse, principal: Principal): boolean {
      if (!streams.claim(res, principal)) {
        sendError(res, 429, 'RATE_LIMITED', `Too many open event streams for this API key (at most ${maxSocketsPerKey})`, {}, {
          reason: 'TOO_MANY_STREAMS',
          limit: maxSocketsPerKey,
        });
        return false;
      }
      res.once('close', () => streams.forget(res));
      return true;
    },
    /** Ends every stream now, so shutdown need not wait for them. */
    close: streams.closeAll,
  };
}

export type SseStreams = ReturnType<typeof createSseStreams>;
