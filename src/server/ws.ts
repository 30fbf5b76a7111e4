import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type execute, type ExecutionArgs, type ExecutionResult, type subscribe } from 'graphql';
import type { Context as SocketContext, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectionParamsToken, type Authenticator, type Principal, type RateLimiter } from '../auth/auth.js';
import type { ApiKeyService } from '../auth/keys.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createConnectionRegistry, type CloseReason } from './connections.js';
import { codedError, withDefaultCode } from './plugins/errors.js';
import { sharedStreamOf } from './plugins/shared-subscriptions.js';
import type { GraphQLServer } from './yoga.js';

/** Close codes clients treat as "reconnect and resume from your cursor". */
export const CLOSE_SERVICE_RESTART = 1012;
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** graphql-ws' own code for a refused connection_init; also used when a socket's key is revoked. */
export const CLOSE_FORBIDDEN = 4403;
/** The key already holds WS_MAX_SOCKETS_PER_KEY sockets. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

const CLOSES: Record<CloseReason, [code: number, reason: string]> = {
  slow: [CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and resume from your last cursor'],
  forbidden: [CLOSE_FORBIDDEN, 'Forbidden: API key revoked or expired'],
  restart: [CLOSE_SERVICE_RESTART, 'Server restarting'],
};
/** A socket told to close that has not finished its closing handshake by then is cut. */
const TERMINATE_AFTER_MS = 5_000;
const PIPELINE_LOW_WATER_BYTES = 64 * 1024;
/** graphql-ws' code for a message the protocol does not allow. */
export const CLOSE_BAD_REQUEST = 4400;
/** Types only a server may send; graphql-ws would answer them from a client with 4500 and an error log. */
const SERVER_ONLY_TYPE = /"type"\s*:\s*"(?:connection_ack|next|error)"/;

export interface WebSocketOptions {
  config: Pick<Config, 'connections' | 'auth' | 'limits'>;
  auth: { authenticator: Authenticator; rateLimiter: RateLimiter; keys: ApiKeyService };
  logger: Logger;
}

/**
 * Subscribers of the same event and operation share one result object (shared-subscriptions.ts),
 * but graphql-ws serialises every message itself, once per subscriber. A result is serialised once
 * instead: graphql-ws serialises a stand-in, whose toJSON hands the result's JSON to the send that
 * follows synchronously, and that send puts the JSON in the stand-in's place.
 */
const STAND_IN = '\u0000pre-serialised';
const STAND_IN_TAIL = `"payload":${JSON.stringify(STAND_IN)}}`;
const standIns = new WeakMap<ExecutionResult, { toJSON(): string }>();
let handedOver: string | null = null;

function preSerialised(result: ExecutionResult) {
  if (result.errors) return undefined; // graphql-ws formats errors itself
  let standIn = standIns.get(result);
  if (!standIn) {
    const json = JSON.stringify(result);
    standIn = { toJSON: () => ((handedOver = json), STAND_IN) };
    standIns.set(result, standIn);
  }
  return standIn as never;
}

function withPreSerialisedPayload(message: string) {
  const json = handedOver;
  if (json === null) return message;
  handedOver = null;
  return message.endsWith(STAND_IN_TAIL) ? `${message.slice(0, -STAND_IN_TAIL.length)}"payload":${json}}` : message;
}

/**
 * graphql-ws awaits each send before pulling the next event. Acknowledging a send as soon as it
 * is queued, while the socket's backlog is small, lets writes to one socket pipeline (fewer
 * syscalls); past the low-water mark a feed waits for the real flush, so memory stays bounded.
 * Messages sent to one socket in the same turn of the event loop leave in one write (writev).
 * Returns whether the socket is stuck: a send waiting and none flushed since the last look.
 */
function pipelineSends(socket: WebSocket): () => boolean {
  const counts = { queued: 0, flushed: 0, flushedAtLastLook: 0 };
  const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
  const transport = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  let corked = false;
  socket.send = ((data: unknown, cb?: (err?: Error) => void) => {
    if (transport && !corked) {
      corked = true;
      transport.cork();
      setImmediate(() => {
        corked = false;
        transport.uncork();
      });
    }
    counts.queued++;
    // Inline callbacks: a named closure per message costs a defineProperty under tsx's keepNames.
    let pipelined = false;
    send(typeof data === 'string' ? withPreSerialisedPayload(data) : data, (err) => {
      counts.flushed++;
      if (!pipelined) cb?.(err);
    });
    if (socket.bufferedAmount < PIPELINE_LOW_WATER_BYTES) {
      pipelined = true;
      cb?.();
    }
  }) as WebSocket['send'];
  return () => {
    const stuck = counts.flushed < counts.queued && counts.flushed === counts.flushedAtLastLook;
    counts.flushedAtLastLook = counts.flushed;
    return stuck;
  };
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => ReturnType<typeof execute>;
  subscribe: (args: ExecutionArgs) => ReturnType<typeof subscribe>;
}

/**
 * graphql-ws on the HTTP server's `/graphql`, running every operation through Yoga's envelop so
 * both transports share plugins, context and error masking. An error in one operation is sent as an
 * `error` message for that operation; the socket stays open. Per-key caps, key re-checks and slow
 * consumers are connections.ts'.
 */
export function attachWebSockets(server: Server, yoga: GraphQLServer, options: WebSocketOptions) {
  const { config, auth } = options;
  const log = options.logger.child({ component: 'ws' });
  // Upgrades handed over by hand: attached with `{ server }`, ws would re-emit the HTTP server's own
  // errors (a port in use) as graphql-ws "internal errors".
  const wsServer = new WebSocketServer({ noServer: true, path: '/graphql', maxPayload: config.connections.maxPayloadBytes });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  server.on('upgrade', upgrade);
  const stuck = new WeakMap<WebSocket, () => boolean>();
  const sockets = createConnectionRegistry<WebSocket>(
    {
      isOpen: (socket) => socket.readyState === socket.OPEN,
      isStuck: (socket) => stuck.get(socket)?.() ?? false,
      bufferedBytes: (socket) => socket.bufferedAmount,
      close(socket, reason) {
        socket.close(...CLOSES[reason]);
        if (reason !== 'restart') setTimeout(() => socket.terminate(), TERMINATE_AFTER_MS).unref();
      },
    },
    { config, auth, logger: log },
  );
  wsServer.on('connection', (socket) => {
    refuseServerOnlyMessages(socket);
    stuck.set(socket, pipelineSends(socket));
    sockets.watch(socket);
    socket.once('close', () => sockets.forget(socket));
  });

  /** connection_init: the key, and room for one more socket of it. */
  const admit = async (ctx: SocketContext<Record<string, unknown> | undefined, Extra>) => {
    const { socket } = ctx.extra;
    let result;
    try {
      result = await auth.authenticator.authenticate(connectionParamsToken(ctx.connectionParams));
    } catch (error) {
      log.warn({ err: error }, 'could not authenticate a socket');
      socket.close(CLOSE_TRY_AGAIN_LATER, 'Authentication unavailable; try again later');
      return false;
    }
    if (!result.ok || socket.readyState !== socket.OPEN) return false;
    if (!sockets.claim(socket, result.principal)) {
      const most = config.connections.maxSocketsPerKey;
      socket.close(CLOSE_TOO_MANY_SOCKETS, `Too many sockets for this API key (at most ${most})`);
      return false;
    }
    return true;
  };

  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      onNext: (_ctx, _id, _payload, _args, result) => preSerialised(result),
      // The shared stream, not envelop's per-subscriber wrappers of it (see sharedStreamOf).
      subscribe: async (args) => {
        const result = await (args.rootValue as EnvelopedRoot).subscribe(args);
        return sharedStreamOf(args.contextValue) ?? result;
      },
      onConnect: admit,
      // Every rejection here is an `error` for this operation id only; the socket stays up.
      onSubscribe: async (ctx, _id, payload) => {
        const principal = sockets.principalOf(ctx.extra.socket);
        if (!principal) return [codedError('UNAUTHENTICATED', 'This socket is not authenticated')];
        const refused = refusal(options, ctx, payload, principal);
        if (refused) return [refused];
        try {
          return await prepareOperation(yoga, ctx, payload, principal);
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code) return [error];
          const errorId = randomUUID();
          log.error({ err: error, errorId }, 'operation setup failed');
          return [codedError('INTERNAL', `Unexpected error. Reference: ${errorId}`, { extensions: { errorId } })];
        }
      },
    },
    wsServer,
    config.connections.keepAliveMs,
  );

  return {
    stats: sockets.stats,
    get connections() {
      return wsServer.clients.size;
    },
    get sockets(): ReadonlySet<WebSocket> {
      return wsServer.clients;
    },
    /** Tells every client to reconnect elsewhere (1012), then releases the server. */
    async close() {
      server.off('upgrade', upgrade);
      sockets.closeAll();
      await Promise.resolve(disposable.dispose()).catch(() => {});
    },
  };
}

/**
 * A client sending a message of a type only servers send gets 4400, as the protocol says, before
 * graphql-ws sees it (its `message` listener comes after this one, so the frame is held back here).
 */
function refuseServerOnlyMessages(socket: WebSocket) {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message' && isServerOnlyMessage(String(args[0]))) {
      socket.close(CLOSE_BAD_REQUEST, 'Invalid message received');
      return true;
    }
    return emit(event, ...args);
  }) as WebSocket['emit'];
}

function isServerOnlyMessage(data: string): boolean {
  if (!SERVER_ONLY_TYPE.test(data)) return false;
  try {
    const type = (JSON.parse(data) as { type?: unknown } | null)?.type;
    return type === 'connection_ack' || type === 'next' || type === 'error';
  } catch {
    return false;
  }
}

/** The limits an operation must pass before it runs: operations per socket, the key's rate, its size. */
function refusal(
  { config, auth }: WebSocketOptions,
  ctx: SocketContext<Record<string, unknown> | undefined, Extra>,
  payload: SubscribePayload,
  principal: Principal,
): GraphQLError | null {
  const { maxSubscriptionsPerSocket } = config.connections;
  if (Object.keys(ctx.subscriptions).length > maxSubscriptionsPerSocket) {
    return codedError('RATE_LIMITED', `At most ${maxSubscriptionsPerSocket} operations may run at once on one socket`, {
      reason: 'TOO_MANY_OPERATIONS',
      extensions: { limit: maxSubscriptionsPerSocket },
    });
  }
  const retryAfterMs = auth.rateLimiter.take(principal);
  if (retryAfterMs > 0) {
    return codedError('RATE_LIMITED', `Too many requests for this API key; retry in ${retryAfterMs} ms`, { extensions: { retryAfterMs } });
  }
  const { maxBodyBytes } = config.limits;
  const size = Buffer.byteLength(payload.query) + (payload.variables ? Buffer.byteLength(JSON.stringify(payload.variables)) : 0);
  if (size > maxBodyBytes) {
    return codedError('BAD_USER_INPUT', `Operation larger than ${maxBodyBytes} bytes`, {
      reason: 'BODY_TOO_LARGE',
      extensions: { maxBytes: maxBodyBytes },
    });
  }
  return null;
}

/** Parses and validates through Yoga's envelop and builds the operation's context, as HTTP does. */
async function prepareOperation(
  yoga: GraphQLServer,
  ctx: SocketContext<Record<string, unknown> | undefined, Extra>,
  payload: SubscribePayload,
  principal: Principal,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const enveloped = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload, principal });
  let document;
  try {
    document = enveloped.parse(payload.query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return [withDefaultCode(error, 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED')];
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
}
