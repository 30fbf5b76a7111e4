import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, type Authenticator, type Principal, type RateLimiter } from '../auth/auth.js';
import type { Config } from '../config.js';
import { sendError } from './http.js';

export interface HttpGuardOptions {
  auth: { authenticator: Authenticator; rateLimiter: RateLimiter };
  limits: Config['limits'];
  /** Whether a browser's GET for GraphiQL may load the page without a key (the page holds no data). */
  graphiql: () => boolean;
}

/** Reads at most `limit` bytes of the body; null (and the socket closed after the reply) when larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | null) => {
      if (done) return;
      done = true;
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onError = (error: Error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/**
 * Runs before Yoga for every GraphQL request (HTTP and SSE): body size (413), authentication (401
 * with `WWW-Authenticate: Bearer`) and the per-key rate limit (429 with `Retry-After`). Resolves to
 * the principal, `undefined` for requests that need none (CORS preflight, the GraphiQL page), or
 * `null` once it has answered the request itself.
 */
export function createHttpGuard(options: HttpGuardOptions) {
  const { authenticator, rateLimiter } = options.auth;
  const { maxBodyBytes } = options.limits;
  const tooLarge = (res: ServerResponse) =>
    sendError(res, 413, 'BAD_USER_INPUT', `Request body larger than ${maxBodyBytes} bytes`, { connection: 'close' }, {
      reason: 'BODY_TOO_LARGE',
      maxBytes: maxBodyBytes,
    });

  return async function guard(req: IncomingMessage, res: ServerResponse): Promise<Principal | null | undefined> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') return undefined;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/graphql' && method === 'GET' && String(req.headers.accept ?? '').includes('text/html') && options.graphiql()) {
      return undefined;
    }

    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      tooLarge(res);
      req.resume();
      res.on('finish', () => req.destroy());
      return null;
    }

    const header = req.headers.authorization;
    const secret = header === undefined ? null : (bearerToken(header) ?? '');
    const result = await authenticator.authenticate(secret);
    if (!result.ok) {
      const missing = result.reason === 'missing';
      sendError(
        res,
        401,
        'UNAUTHENTICATED',
        missing
          ? 'An API key is required: send `Authorization: Bearer <key>`'
          : 'The API key is unknown, revoked or expired',
        { 'www-authenticate': missing ? 'Bearer realm="runwatch"' : 'Bearer realm="runwatch", error="invalid_token"' },
      );
      req.resume();
      return null;
    }
    const retryAfterMs = rateLimiter.take(result.principal);
    if (retryAfterMs > 0) {
      sendError(
        res,
        429,
        'RATE_LIMITED',
        `Too many requests for this API key; retry in ${retryAfterMs} ms`,
        { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
        { retryAfterMs },
      );
      req.resume();
      return null;
    }

    if (method !== 'GET' && method !== 'HEAD') {
      let body: Buffer | null;
      try {
        body = await readBody(req, maxBodyBytes);
      } catch {
        req.destroy();
        return null;
      }
      if (body === null) {
        tooLarge(res);
        res.on('finish', () => req.destroy());
        return null;
      }
      // @whatwg-node reads a pre-read body from `req.body` instead of the (now consumed) stream.
      (req as IncomingMessage & { body?: Buffer | string }).body = body.length > 0 ? body : ' ';
    }
    return result.principal;
  };
}

export type HttpGuard = ReturnType<typeof createHttpGuard>;
