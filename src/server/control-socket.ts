import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DataDirLock } from '../db/data-dir-lock.js';

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * A local door into a running server for other processes on the same PGlite folder (the keys CLI):
 * PGlite allows one process per folder, so they ask the server instead of opening the folder.
 * An HTTP server on a Unix socket inside the data folder, mode 0600: whoever can use it can read
 * the folder's files anyway. Resolves to a closer, or null when the path is too long for a socket.
 */
export async function serveControlSocket(path: string, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return null;
  // The folder's lock is ours: a socket file left there belongs to a process that died.
  await unlink(path).catch(() => {});
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/graphql') handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path, readableAll: false, writableAll: false }, () => resolve());
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * The control socket of the PGlite folder this server holds (`DATA_DIR/runwatch.sock`), advertised
 * in its lock. Resolves to a closer, or null with no folder (in memory, Postgres) or no socket.
 */
export async function openControlSocket(lock: DataDirLock | null, handle: (req: IncomingMessage, res: ServerResponse) => void) {
  if (!lock) return null;
  const path = join(dirname(lock.path), 'runwatch.sock');
  const close = await serveControlSocket(path, handle);
  if (close) lock.advertise(path);
  return close;
}

/** One GraphQL request through a server's control socket; rejects with the server's first error. */
export function askControlSocket<T>(socketPath: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            const result = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
            const [error] = result.errors ?? [];
            if (error) reject(Object.assign(new Error(error.message), { code: error.extensions?.code }));
            else resolve(result.data as T);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
