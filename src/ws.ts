import type { Server } from 'node:http';
import { GraphQLError, type execute, type ExecutionArgs, type subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { withCode } from './graphql/errors.js';
import type { Logger } from './logger.js';

/** Close codes clients treat as "reconnect and resume from your cursor". */
export const CLOSE_SERVICE_RESTART = 1012;
export const CLOSE_TRY_AGAIN_LATER = 1013;

export interface WebSocketOptions {
  keepAliveMs: number;
  /** A socket whose oldest unsent message is older than this is a slow consumer. */
  slowConsumerMs: number;
  maxBufferedBytes: number;
  maxPayloadBytes: number;
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => ReturnType<typeof execute>;
  subscribe: (args: ExecutionArgs) => ReturnType<typeof subscribe>;
}

/**
 * graphql-ws on the HTTP server's `/graphql`, running every operation through Yoga's envelop so
 * both transports share plugins, context and error masking. An error in one operation is sent as an
 * `error` message for that operation; the socket stays open.
 */
export function attachWebSockets(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Record<string, unknown>>,
  options: WebSocketOptions,
  logger: Logger,
) {
  const log = logger.child({ component: 'ws' });
  const wsServer = new WebSocketServer({ server, path: '/graphql', maxPayload: options.maxPayloadBytes });
  const stats = { slowConsumerCloses: 0 };
  const pendingSince = new WeakMap<WebSocket, number[]>();

  wsServer.on('connection', (socket) => {
    const pending: number[] = [];
    pendingSince.set(socket, pending);
    const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
    socket.send = ((data: unknown, cb?: (err?: Error) => void) => {
      pending.push(Date.now());
      send(data, (err) => {
        pending.shift();
        cb?.(err);
      });
    }) as WebSocket['send'];
  });

  // Each subscription awaits its previous send, so a client that stops reading stalls its own
  // feeds instead of filling memory; this closes it once the stall passes the bound.
  const guard = setInterval(() => {
    const now = Date.now();
    for (const socket of wsServer.clients) {
      const pending = pendingSince.get(socket);
      const stalledMs = pending?.length ? now - pending[0]! : 0;
      if (socket.readyState !== socket.OPEN) continue;
      if (stalledMs > options.slowConsumerMs || socket.bufferedAmount > options.maxBufferedBytes) {
        stats.slowConsumerCloses++;
        log.warn({ stalledMs, bufferedBytes: socket.bufferedAmount }, 'closing a slow consumer');
        socket.close(CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and resume from your last cursor');
        setTimeout(() => socket.terminate(), 5_000).unref();
      }
    }
  }, Math.max(50, Math.min(1_000, options.slowConsumerMs / 4)));
  guard.unref();

  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
        let document;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return [withCode(error, 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        return {
          schema: enveloped.schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
    },
    wsServer,
    options.keepAliveMs,
  );

  return {
    stats,
    get connections() {
      return wsServer.clients.size;
    },
    /** Tells every client to reconnect elsewhere (1012), then releases the server. */
    async close() {
      clearInterval(guard);
      for (const socket of wsServer.clients) socket.close(CLOSE_SERVICE_RESTART, 'Server restarting');
      await Promise.resolve(disposable.dispose()).catch(() => {});
    },
  };
}
