import { request as httpRequest } from 'node:http';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseId } from '../src/graphql/ids.js';
import { CompleteStep, EventsSubscription, ListEvents, StartStep } from './documents.js';
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
  });
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** An SSE stream read with a plain HTTP client (GET, as an EventSource does), parsed into events as they arrive. */
async function readStream(server: TestServer, variables: Record<string, unknown>, lastEventId?: string) {
  const url = new URL(server.url);
  url.searchParams.set('query', print(EventsSubscription));
  url.searchParams.set('variables', JSON.stringify(variables));
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: abort.signal });
  expect(response.status).toBe(200);
  const events: SseEvent[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = response.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += decoder.decode(chunk.value, { stream: true });
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const fields = block.split('\n').filter((line) => !line.startsWith(':') && line.includes(':'));
        if (fields.length) events.push(Object.fromEntries(fields.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()])));
      }
    }
  })().catch(() => {});
  const next = () => events.filter((e) => e.event === 'next');
  return {
    next,
    typesReceived: () => next().map((e) => (JSON.parse(e.data!) as { data: { events: { type: string } } }).data.events.type),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

describe('SSE resumes like an EventSource', () => {
  it("sends each event's cursor as its id, and a reconnect with Last-Event-ID resumes right after it", async () => {
    const server = await startServer();
    const execution = await runningExecution(server, { stepCount: 2 });
    const filter = { executionId: execution.id };
    const { events: log } = await server.data(ListEvents, { filter, first: 10 });
    const stream = await readStream(server, { filter, after: log.pageInfo.endCursor });
    await eventually(() => server.app.services.live.watcher.size > 0, 5_000, 'the stream subscribed');
    await server.data(StartStep, { stepId: execution.steps[0]!.id });
    await server.data(CompleteStep, { stepId: execution.steps[0]!.id });
    await eventually(() => stream.next().length >= 2, 5_000, 'two events');
    await stream.close();

    const { events: all } = await server.data(ListEvents, { filter, first: 10 });
    const cursors = all.edges.map((e) => e.cursor);
    expect(stream.next().map((e) => e.id)).toEqual(cursors.slice(2, 4));
    expect(stream.typesReceived()).toEqual(['STEP_STARTED', 'STEP_COMPLETED']);

    // The browser reconnects with the same URL (its stale `after`) and the id of the last event it read.
    await server.data(StartStep, { stepId: execution.steps[1]!.id });
    const resumed = await readStream(server, { filter, after: log.pageInfo.endCursor }, stream.next()[0]!.id);
    await eventually(() => resumed.next().length >= 2, 5_000, 'the replay');
    expect(resumed.typesReceived()).toEqual(['STEP_COMPLETED', 'STEP_STARTED']);
    expect(resumed.next()[1]!.id).toBe((await server.data(ListEvents, { filter, first: 10 })).events.edges[4]!.cursor);
    await resumed.close();

    const unknown = await readStream(server, { filter }, Buffer.from('ev:1:999999999').toString('base64url'));
    await eventually(() => unknown.next().length >= 1, 5_000, 'the answer to an unknown Last-Event-ID');
    expect(JSON.parse(unknown.next()[0]!.data!)).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_NOT_FOUND' } }] });
    await unknown.close();
  });
});
