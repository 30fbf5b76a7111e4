import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, type execute, type ExecutionArgs, type ExecutionResult, type subscribe } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectionParamsToken, type Authenticator, type Principal, type RateLimiter } from '../auth/auth.js';
import type { ApiKeyService } from '../auth/keys.js';
import type { ErrorCode } from '../errors.js';
import { withCode } from './plugins/errors.js';
import { sharedStreamOf } from './plugins/shared-subscriptions.js';
import type { Logger } from '../logger.js';
import { createStallMeter } from './connections.js';

/** Close codes clients treat as "reconnect and resume from your cursor". */
export const CLOSE_SERVICE_RESTART = 1012;
const PIPELINE_LOW_WATER_BYTES = 64 * 1024;
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** graphql-ws' own code for a refused connection_init; also used when a socket's key is revoked. */
export const CLOSE_FORBIDDEN = 4403;
/** The key already holds WS_MAX_SOCKETS_PER_KEY sockets. */
export const CLOSE_TOO_MANY_SOCKETS = 4429;

export interface WebSocketAuth {
  authenticator: Authenticator;
  rateLimiter: RateLimiter;
  keys: ApiKeyService;
  maxSubscriptionsPerSocket: number;
  maxSocketsPerKey: number;
  /** How often open sockets' keys are checked again (revocation, expiry, the first key created). */
  recheckMs: number;
  /** Largest subscribe payload (query + variables) in bytes; larger gets an error for that id. */
  maxOperationBytes?: number;
}

export interface WebSocketOptions {
  keepAliveMs: number;
  /** A socket with a send waiting and none completing for this long is a slow consumer. */
  slowConsumerMs: number;
  maxBufferedBytes: number;
  maxPayloadBytes: number;
  auth: WebSocketAuth;
}

const operationError = (code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extensions } });

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
  // Sends queued and flushed per socket: a socket is stuck while a send waits and none completes.
  const flow = new WeakMap<WebSocket, { queued: number; flushed: number; flushedAtLastCheck: number }>();
  const stalls = createStallMeter(Math.max(50, Math.min(1_000, options.slowConsumerMs / 4)));

  wsServer.on('connection', (socket) => {
    const counts = { queued: 0, flushed: 0, flushedAtLastCheck: 0 };
    flow.set(socket, counts);
    const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
    // graphql-ws awaits each send before pulling the next event. Acknowledging a send as soon as it
    // is queued, while the socket's backlog is small, lets writes to one socket pipeline (fewer
    // syscalls); past the low-water mark a feed waits for the real flush, so memory stays bounded.
    // Messages sent to one socket in the same turn of the event loop leave in one write (writev).
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
  });

  // Each subscription awaits its previous send, so a client that stops reading stalls its own
  // feeds instead of filling memory; this closes it once the stall passes the bound.
  const guard = setInterval(() => {
    const elapsed = stalls.startRound();
    for (const socket of wsServer.clients) {
      const counts = flow.get(socket);
      if (!counts || socket.readyState !== socket.OPEN) continue;
      const stuck = counts.flushed < counts.queued && counts.flushed === counts.flushedAtLastCheck;
      counts.flushedAtLastCheck = counts.flushed;
      const stalledMs = stalls.observe(socket, stuck, elapsed);
      if (stalledMs > options.slowConsumerMs || socket.bufferedAmount > options.maxBufferedBytes) {
        stats.slowConsumerCloses++;
        log.warn({ stalledMs, bufferedBytes: socket.bufferedAmount }, 'closing a slow consumer');
        socket.close(CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and resume from your last cursor');
        setTimeout(() => socket.terminate(), 5_000).unref();
      }
    }
  }, stalls.intervalMs);
  guard.unref();

  // Who each socket is (set by connection_init), and how many sockets each key holds.
  const { auth } = options;
  const principals = new Map<WebSocket, Principal>();
  const socketsPerKey = new Map<string, number>();
  const forget = (socket: WebSocket) => {
    const principal = principals.get(socket);
    if (!principal) return;
    principals.delete(socket);
    const left = (socketsPerKey.get(principal.id) ?? 1) - 1;
    if (left > 0) socketsPerKey.set(principal.id, left);
    else socketsPerKey.delete(principal.id);
  };

  // Revocation, expiry and the end of anonymous mode reach open sockets within `recheckMs`, and
  // at once when the key is revoked in this process.
  let rechecking: Promise<void> | null = null;
  const recheck = () =>
    (rechecking ??= (async () => {
      for (const [socket, principal] of [...principals]) {
        if (socket.readyState !== socket.OPEN) continue;
        if (await auth.authenticator.stillValid(principal).catch(() => true)) continue;
        log.info({ key: principal.name }, 'closing a socket whose API key is no longer valid');
        forget(socket);
        socket.close(CLOSE_FORBIDDEN, 'Forbidden: API key revoked or expired');
        setTimeout(() => socket.terminate(), 5_000).unref();
      }
    })().finally(() => (rechecking = null)));
  const recheckTimer = setInterval(() => void recheck(), auth.recheckMs);
  recheckTimer.unref();
  const stopWatchingKeys = auth.keys.onChange(({ kind }) => {
    // The cache entry of a revoked key is dropped synchronously; re-check right after.
    if (kind === 'revoked' || kind === 'created') void Promise.resolve().then(recheck);
  });
  wsServer.on('connection', (socket) => socket.once('close', () => forget(socket)));

  const maxOperationBytes = auth.maxOperationBytes ?? Infinity;

  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      onNext: (_ctx, _id, _payload, _args, result) => preSerialised(result),
      // The shared stream, not envelop's per-subscriber wrappers of it (see sharedStreamOf).
      subscribe: async (args) => {
        const result = await (args.rootValue as EnvelopedRoot).subscribe(args);
        return sharedStreamOf(args.contextValue) ?? result;
      },
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        let result;
        try {
          result = await auth.authenticator.authenticate(connectionParamsToken(ctx.connectionParams));
        } catch (error) {
          log.warn({ err: error }, 'could not authenticate a socket');
          socket.close(CLOSE_TRY_AGAIN_LATER, 'Authentication unavailable; try again later');
          return false;
        }
        if (!result.ok) return false;
        const { principal } = result;
        if (principal.kind !== 'anonymous' && (socketsPerKey.get(principal.id) ?? 0) >= auth.maxSocketsPerKey) {
          socket.close(CLOSE_TOO_MANY_SOCKETS, `Too many sockets for this API key (at most ${auth.maxSocketsPerKey})`);
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        principals.set(socket, principal);
        socketsPerKey.set(principal.id, (socketsPerKey.get(principal.id) ?? 0) + 1);
        return true;
      },
      // Every rejection here is an `error` for this operation id only; the socket stays up.
      onSubscribe: async (ctx, _id, payload) => {
        const principal = principals.get(ctx.extra.socket);
        if (!principal) return [operationError('UNAUTHENTICATED', 'This socket is not authenticated')];
        const active = Object.keys(ctx.subscriptions).length; // includes this one
        if (active > auth.maxSubscriptionsPerSocket) {
          return [
            operationError('RATE_LIMITED', `At most ${auth.maxSubscriptionsPerSocket} operations may run at once on one socket`, {
              reason: 'TOO_MANY_OPERATIONS',
              limit: auth.maxSubscriptionsPerSocket,
            }),
          ];
        }
        const retryAfterMs = auth.rateLimiter.take(principal);
        if (retryAfterMs > 0) {
          return [operationError('RATE_LIMITED', `Too many requests for this API key; retry in ${retryAfterMs} ms`, { retryAfterMs })];
        }
        const size = Buffer.byteLength(payload.query) + (payload.variables ? Buffer.byteLength(JSON.stringify(payload.variables)) : 0);
        if (size > maxOperationBytes) {
          return [
            operationError('BAD_USER_INPUT', `Operation larger than ${maxOperationBytes} bytes`, {
              reason: 'BODY_TOO_LARGE',
              maxBytes: maxOperationBytes,
            }),
          ];
        }
        try {
          const enveloped = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            socket: ctx.extra.socket,
            params: payload,
            principal,
          });
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
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code) return [error];
          const errorId = randomUUID();
          log.error({ err: error, errorId }, 'operation setup failed');
          return [operationError('INTERNAL', `Unexpected error. Reference: ${errorId}`, { errorId })];
        }
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
    get sockets(): ReadonlySet<WebSocket> {
      return wsServer.clients;
    },
    /** Tells every client to reconnect elsewhere (1012), then releases the server. */
    async close() {
      clearInterval(guard);
      clearInterval(recheckTimer);
      stopWatchingKeys();
      for (const socket of wsServer.clients) socket.close(CLOSE_SERVICE_RESTART, 'Server restarting');
      await Promise.resolve(disposable.dispose()).catch(() => {});
    },
  };
}
