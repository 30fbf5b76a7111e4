import { request as httpRequest } from 'node:http';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseId } from '../src/graphql/ids.js';
import { EventsSubscription } from './documents.js';
import { floodEvents, runningExecution } from './fixtures.js';
import { eventually, startServer, type TestServer } from './harness.js';

/** Opens an SSE subscription; `ended` settles when the server closes the stream. */
async function openStream(server: TestServer, key?: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: print(EventsSubscription), variables }),
  });
  const reader = response.status === 200 ? response.body!.getReader() : null;
  const ended = (async () => {
    if (!reader) return;
    for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
  })();
  let closed = false;
  void ended.then(() => (closed = true));
  return { status: response.status, body: reader ? null : await response.json(), isClosed: () => closed };
}

describe('SSE streams follow the same rules as WebSockets', () => {
  it('closes a stream when its key is revoked, and when the first key ends anonymous mode', async () => {
    const server = await startServer();
    const anonymous = await openStream(server);
    expect(anonymous.status).toBe(200);
    const created = await server.app.services.auth.keys.create({ name: 'reader', scopes: ['read'] });
    await eventually(() => anonymous.isClosed(), 5_000, 'the anonymous stream closed');

    const keyed = await openStream(server, created.key);
    expect(keyed.status).toBe(200);
    await server.app.services.auth.keys.revoke(created.info.id);
    await eventually(() => keyed.isClosed(), 5_000, 'the revoked key\'s stream closed');
  });

  it('caps open streams per key', async () => {
    const server = await startServer({ env: { RUNWATCH_ADMIN_KEY: 's'.repeat(32), WS_MAX_SOCKETS_PER_KEY: '2' } });
    const { key } = await server.app.services.auth.keys.create({ name: 'dashboards', scopes: ['read'] });
    expect((await openStream(server, key)).status).toBe(200);
    expect((await openStream(server, key)).status).toBe(200);
    const third = await openStream(server, key);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED', reason: 'TOO_MANY_STREAMS' } }] });
  });

  it('closes a stream whose client stops reading, and keeps serving others', async () => {
    const server = await startServer({ env: { WS_SLOW_CONSUMER_MS: '1000' } });
    const execution = await runningExecution(server, { stepCount: 1 });
    const executionId = parseId(execution.id, 'Execution');
    const url = new URL(server.url);
    let resume = () => {};
    const closed = new Promise<void>((resolve) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } },
        (res) => {
          res.pause(); // a client that stops reading
          resume = () => res.resume();
          res.once('close', () => resolve());
        },
      );
      req.end(JSON.stringify({ query: print(EventsSubscription), variables: { filter: { executionId: execution.id } } }));
    });
    const healthy = await openStream(server, undefined, { filter: { executionId: execution.id } });
    await eventually(() => server.app.services.live.watcher.size >= 2, 5_000, 'both streams subscribed');
    await floodEvents(server, executionId, { count: 4_000, bytes: 4_000, firstSeq: 10_000 }); // 16 MB
    // The server drops the stalled stream (its feed unwinds); once the client reads again it sees the end.
    await eventually(() => server.app.services.live.watcher.size === 1, 25_000, 'the stalled stream dropped');
    resume();
    await closed;
    expect(healthy.isClosed()).toBe(false);
  }, 40_000);
});
