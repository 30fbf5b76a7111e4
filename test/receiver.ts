/** A real HTTP receiver on a loopback port: records what it is sent, and can answer an error, hang, or refuse connections. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The exact body, as signed. */
  body: string;
  json: unknown;
  /** The status it was answered with (null while hanging). */
  answered: number | null;
}

/** ok: 200; a number: that status; hang: never answer (until the receiver stops). */
export type ReceiverMode = 'ok' | 'hang' | number;

const receivers = new Set<TestReceiver>();
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
});

export interface TestReceiver {
  url: string;
  port: number;
  received: Received[];
  mode: ReceiverMode;
  /** The requests whose JSON body passes `where`. */
  bodies<T>(where?: (json: T) => boolean): T[];
  /** Stops listening: connections are refused until `start` (on the same port). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startReceiver(options: { path?: string; port?: number } = {}): Promise<TestReceiver> {
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const entry: Received = { headers: request.headers, body, json, answered: null };
      receiver.received.push(entry);
      if (receiver.mode === 'hang') {
        hanging.add(response);
        return;
      }
      entry.answered = receiver.mode === 'ok' ? 200 : receiver.mode;
      response.writeHead(entry.answered, { 'content-type': 'text/plain' }).end(entry.answered === 200 ? 'ok' : 'not now');
    });
  });
  server.keepAliveTimeout = 1_000;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(options.port ?? 0);
  const receiver: TestReceiver = {
    url: `http://127.0.0.1:${port}${options.path ?? '/hook'}`,
    port,
    received: [],
    mode: 'ok',
    bodies: <T>(where: (json: T) => boolean = () => true) => receiver.received.map((r) => r.json as T).filter(where),
    async stop() {
      if (!server.listening) return;
      for (const response of hanging) response.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async start() {
      if (!server.listening) await listen(port);
    },
  };
  receivers.add(receiver);
  return receiver;
}
