import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors.js';
import { StartupError } from '../startup.js';

/** A GraphQL-shaped JSON error answer for requests refused before Yoga sees them. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
) {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }));
}

const LISTEN_FAILURES: Record<string, (port: number, host: string) => string> = {
  EADDRINUSE: (port, host) => `PORT=${port} on ${host} is in use by another process: stop it, or set PORT to a free port.`,
  EACCES: (port) => `PORT=${port} needs privileges this user lacks: set PORT to 1024 or above.`,
  EADDRNOTAVAIL: (_port, host) => `HOST=${host} is not an address of this machine: set HOST to one (127.0.0.1, or 0.0.0.0 for all).`,
  ENOTFOUND: (_port, host) => `HOST=${host} is not a known host name: set HOST to an address of this machine.`,
};

/** Listens on `port` (0: any free one) and resolves to the port bound. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const explain = LISTEN_FAILURES[error.code ?? ''];
      reject(explain ? new StartupError(explain(port, host)) : error);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export interface HttpServer {
  server: Server;
  /**
   * Stops accepting and lets every request already sent finish: each answer from now on carries
   * `Connection: close`, so a kept-alive client sends nothing more on its connection, and each
   * connection closes once its answer is out. Whatever is still open after `graceMs` is cut.
   */
  drain(graceMs: number): Promise<number>;
}

/** The HTTP server; `drain` resolves to how many connections it had to cut. */
export function createHttpServer(listener: RequestListener): HttpServer {
  const unanswered = new Set<ServerResponse>();
  let draining = false;
  const server = createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    unanswered.add(res);
    res.once('close', () => {
      unanswered.delete(res);
      // An answer whose headers left before the drain began kept its connection alive: close it now that it is idle.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    listener(req, res);
  });
  return {
    server,
    async drain(graceMs) {
      draining = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let cut = 0;
      const grace = setTimeout(() => {
        cut = unanswered.size;
        server.closeAllConnections();
      }, graceMs);
      await closed;
      clearTimeout(grace);
      return cut;
    },
  };
}
