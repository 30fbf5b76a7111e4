/**
 * Shared by graphql-overhead.ts and best-sql.ts (which seed with seed.ts): the `executions(first: N)` page
 * query, and the SQL the server issues for it (captured through its Drizzle logger).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBenchServer } from './support.js';

export const pageQuery = (first: number) =>
  `query Page { executions(first: ${first}) { edges { node { id workflow status steps { id name status progressPercent } ` +
  `progress { progressPercent completedSteps totalSteps currentStep { name } } } } } }`;

export const requestBody = (first: number) => JSON.stringify({ query: pageQuery(first), operationName: 'Page' });

export interface Captured {
  text: string;
  params: unknown[];
}

/** Starts the real server and records the statements one page request issues once caches are warm. */
export async function startServerAndCapture(databaseUrl: string, first: number) {
  // The monitoring loop's own statements would mix into the capture; it is off here.
  const server = await startBenchServer(databaseUrl, { MONITOR_ENABLED: 'false' });
  const post = async (body: string) => {
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    return Buffer.from(await response.arrayBuffer());
  };
  await post(requestBody(first)); // warm the history cache
  const captured: Captured[] = [];
  server.app.database.statements.onQuery = (text, params) => captured.push({ text, params });
  const body = await post(requestBody(first));
  server.app.database.statements.onQuery = undefined;
  return { server, post, captured, body };
}

export function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` })),
  );
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');

/** Numbers equal within 1e-9 (floats summed in another order), everything else structurally. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.join() === kb.join() && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}
