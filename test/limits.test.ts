import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, startServer, type TestServer } from './harness.js';
import { codeOf, createKey, post, rawSocket } from './security.js';

type Raw = Awaited<ReturnType<typeof rawSocket>>;
type Message = Record<string, unknown> & { id?: string; type?: string; payload?: unknown };

let server: TestServer;
let key: string;
let socket: Raw;
let opCounter = 0;

/** The healthy subscription every test checks on after tripping a limit on the same socket. */
const HEALTHY = 'healthy';
const healthyCount = () => socket.messages.filter((m) => m.id === HEALTHY && m.type === 'next').length;

async function expectHealthyStillFlows() {
  const before = healthyCount();
  await server.app.services.executions.createExecution({ workflow: 'heartbeat', namespace: 'healthy', steps: [] });
  await socket.until(() => healthyCount() > before, 10_000);
  expect(socket.closed).toBeNull();
}

/** Sends one operation on the shared socket and returns the first `next` or `error` for its id. */
async function wsOperation(query: string, variables?: Record<string, unknown>, on: Raw = socket): Promise<Message> {
  const id = `op-${++opCounter}`;
  on.send({ id, type: 'subscribe', payload: { query, variables } });
  return on.until((messages) => messages.find((m) => m.id === id && (m.type === 'next' || m.type === 'error')) as Message | undefined);
}

const wsCode = (message: Message) => {
  const errors = message.type === 'error' ? (message.payload as { extensions?: Record<string, unknown> }[]) : (message.payload as { errors?: { extensions?: Record<string, unknown> }[] }).errors;
  return { type: message.type, code: errors?.[0]?.extensions?.code, reason: errors?.[0]?.extensions?.reason, extensions: errors?.[0]?.extensions };
};

const LIMITS = {
  MAX_BODY_BYTES: '20000',
  MAX_QUERY_DEPTH: '5',
  MAX_QUERY_ALIASES: '5',
  MAX_QUERY_TOKENS: '400',
  MAX_QUERY_DIRECTIVES: '5',
  MAX_QUERY_COST: '1000',
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '4',
  WS_MAX_SOCKETS_PER_KEY: '3',
  WS_MAX_PAYLOAD_BYTES: '200000',
  RATE_LIMIT_PER_SECOND: '100000',
  RATE_LIMIT_BURST: '100000',
  INTROSPECTION: 'false',
};

beforeAll(async () => {
  server = await startServer({ env: LIMITS });
  key = (await createKey(server, { name: 'limits', scopes: ['admin'] })).key;
  socket = await rawSocket(server, { apiKey: key });
  socket.send({ id: HEALTHY, type: 'subscribe', payload: { query: 'subscription { events(filter: { namespace: "healthy" }) { id type } }' } });
  await eventually(async () => {
    await server.app.services.executions.createExecution({ workflow: 'warm-up', namespace: 'healthy', steps: [] });
    return healthyCount() > 0;
  }, 10_000, 'the healthy subscription to start');
});

/** A batch: each command costs 1 + its selection (15 here), like a mutation of its own; MAX_QUERY_COST is 1000. */
const INGEST = 'mutation($c: [IngestCommand!]!) { ingest(commands: $c) { ok execution { id steps { id } } } }';
const commands = (n: number) => ({ c: Array.from({ length: n }, () => ({ startExecution: { id: 'not-an-id' } })) });

const complexity: [string, string, Record<string, unknown> | undefined, string][] = [
  ['depth', '{ executions { edges { node { progress { currentStep { id } } } } } }', undefined, 'MAX_DEPTH'],
  ['aliases', `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: activeExecutions { executionId }`).join(' ')} }`, undefined, 'MAX_ALIASES'],
  ['tokens', `{ ${'__typename '.repeat(450)}}`, undefined, 'MAX_TOKENS'],
  ['directives', `{ ${'... @include(if: true) { __typename } '.repeat(6)}}`, undefined, 'MAX_DIRECTIVES'],
  ['cost, literal first', '{ executions(first: 500) { edges { node { id } } } }', undefined, 'MAX_COST'],
  ['cost, first from a variable', 'query($n: Int) { executions(first: $n) { edges { node { id } } } }', { n: 500 }, 'MAX_COST'],
  ['cost, first from a default value', 'query($n: Int = 400) { executions(first: $n) { edges { node { id } } } }', undefined, 'MAX_COST'],
  ['cost, nested lists', '{ executions(first: 30) { edges { node { id steps { id name type status } } } } }', undefined, 'MAX_COST'],
  ['cost, commands of a batch', INGEST, commands(100), 'MAX_COST'],
];

describe('query complexity limits (QUERY_TOO_COMPLEX), HTTP and WebSocket alike', () => {
  it.each(complexity)('%s', async (_name, query, variables, reason) => {
    const http = await post(server, query, variables, { key });
    expect(http.status).toBeLessThan(500);
    expect(codeOf(http), http.text).toBe('QUERY_TOO_COMPLEX');
    expect(http.body!.errors![0]!.extensions!.reason).toBe(reason);

    const ws = wsCode(await wsOperation(query, variables));
    expect(ws).toMatchObject({ type: 'error', code: 'QUERY_TOO_COMPLEX', reason });
    await expectHealthyStillFlows();
  });

  it('lets the same shapes through under the limits', async () => {
    for (const [query, variables] of [
      ['{ executions { edges { node { id } } } }', undefined],
      ['query($n: Int) { executions(first: $n) { edges { node { id } } } }', { n: 100 }],
      [`{ ${Array.from({ length: 5 }, (_, i) => `a${i}: activeExecutions { executionId }`).join(' ')} }`, undefined],
      ['{ executions(first: 20) { edges { node { id steps { id name type status } } } } }', undefined],
      [INGEST, commands(50)],
    ] as const) {
      const http = await post(server, query, variables, { key });
      expect(http.body?.errors, http.text).toBeUndefined();
      expect(wsCode(await wsOperation(query, variables)).type).toBe('next');
    }
  });

  it('checks the same document against each request\'s own variables (document checks are cached, these are not)', async () => {
    const query = 'query($n: Int, $w: String) { executions(first: $n, filter: { workflow: $w }) { edges { node { id } } } }';
    for (const [variables, expected] of [
      [{ n: 100 }, undefined],
      [{ n: 500 }, 'MAX_COST'],
      [{ n: 100, w: 'a\u0000b' }, 'NUL_CHARACTER'],
      [{ n: 100 }, undefined],
      [undefined, undefined],
    ] as const) {
      const http = await post(server, query, variables, { key });
      expect(http.body?.errors?.[0]?.extensions?.reason, http.text).toBe(expected);
      const ws = await wsOperation(query, variables);
      expect(ws.type === 'error' ? wsCode(ws).reason : undefined).toBe(expected);
    }
    const literal = await post(server, '{ executions(filter: { workflow: "a\\u0000b" }) { edges { node { id } } } }', null, { key });
    expect(codeOf(literal)).toBe('BAD_USER_INPUT');
    expect(literal.body!.errors![0]!.extensions!.reason).toBe('NUL_CHARACTER');
  });

  it('page size above MAX_PAGE_SIZE is BAD_USER_INPUT, not a silent cut', async () => {
    const query = '{ executions(first: 501) { __typename } }';
    expect(codeOf(await post(server, query, null, { key }))).toBe('BAD_USER_INPUT');
    const ws = wsCode(await wsOperation(query));
    expect(ws.code).toBe('BAD_USER_INPUT');
    await expectHealthyStillFlows();
  });

  it('INTROSPECTION=false refuses introspection even to an admin key (FORBIDDEN), over WebSocket too', async () => {
    expect(codeOf(await post(server, '{ __schema { types { name } } }', null, { key }))).toBe('FORBIDDEN');
    expect(wsCode(await wsOperation('{ __type(name: "Query") { name } }'))).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    await expectHealthyStillFlows();
  });
});

describe('size limits', () => {
  it('HTTP: a body over MAX_BODY_BYTES is 413, declared or streamed', async () => {
    const big = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(25_000)}` });
    const declared = await post(server, '', null, { key, body: big });
    expect(declared.status).toBe(413);
    expect(codeOf(declared)).toBe('BAD_USER_INPUT');

    // Chunked, with no content-length: counted as it streams.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(4_000));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).errors[0].extensions.reason).toBe('BODY_TOO_LARGE');

    const fine = await post(server, `{ __typename } # ${'x'.repeat(15_000)}`, null, { key });
    expect(fine.status).toBe(200);
  });

  it('WebSocket: an operation over MAX_BODY_BYTES gets an error for its id only', async () => {
    const ws = wsCode(await wsOperation(`{ __typename } # ${'x'.repeat(25_000)}`));
    expect(ws).toMatchObject({ type: 'error', code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' });
    await expectHealthyStillFlows();
  });

  it('WebSocket: a frame over WS_MAX_PAYLOAD_BYTES cannot be read at all, so that socket alone closes with 1009', async () => {
    const other = await rawSocket(server, { apiKey: key });
    other.send({ id: 'huge', type: 'subscribe', payload: { query: `{ __typename } # ${'x'.repeat(250_000)}` } });
    expect((await other.waitClosed()).code).toBe(1009);
    await expectHealthyStillFlows();
  });
});

describe('per-socket and per-key limits', () => {
  it('subscriptions per socket: one over the limit gets an error for its id; the others live on', async () => {
    const idle = 'subscription { events(filter: { namespace: "idle" }) { id } }';
    const ids = ['s1', 's2', 's3']; // with the healthy one: 4 = the limit
    for (const id of ids) socket.send({ id, type: 'subscribe', payload: { query: idle } });
    const rejected = wsCode(await wsOperation(idle));
    expect(rejected).toMatchObject({ type: 'error', code: 'RATE_LIMITED', reason: 'TOO_MANY_OPERATIONS' });
    await expectHealthyStillFlows();
    // Completing one frees its slot.
    socket.send({ id: 's1', type: 'complete' });
    await eventually(async () => wsCode(await wsOperation('{ __typename }')).type === 'next', 5_000, 'a free slot');
    for (const id of ids.slice(1)) socket.send({ id, type: 'complete' });
  });

  it('sockets per key: the one over the limit is closed with 4429; the key works again once one closes', async () => {
    const { key: other } = await createKey(server, { name: 'sockets', scopes: ['read'] });
    const open = [await rawSocket(server, { apiKey: other }), await rawSocket(server, { apiKey: other }), await rawSocket(server, { apiKey: other })];
    const extra = await rawSocket(server);
    extra.send({ type: 'connection_init', payload: { apiKey: other } });
    expect((await extra.waitClosed()).code).toBe(4429);
    open[0]!.close();
    await eventually(async () => {
      const again = await rawSocket(server);
      again.send({ type: 'connection_init', payload: { apiKey: other } });
      try {
        await again.until((m) => m.some((x) => x.type === 'connection_ack'), 2_000);
        return true;
      } catch {
        return false;
      } finally {
        again.close();
      }
    }, 5_000, 'a free socket slot');
    for (const s of open) s.close();
    await expectHealthyStillFlows();
  });
});

describe('rate limit per key', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer({ env: { RATE_LIMIT_PER_SECOND: '2', RATE_LIMIT_BURST: '6' } });
  });

  it('HTTP: 429 with Retry-After and RATE_LIMITED { retryAfterMs } once the bucket is empty; other keys are unaffected', async () => {
    const { key: busy } = await createKey(limited, { name: 'busy', scopes: ['read'] });
    const { key: calm } = await createKey(limited, { name: 'calm', scopes: ['read'] });
    let response = await post(limited, '{ __typename }', null, { key: busy });
    for (let i = 0; i < 20 && response.status !== 429; i++) response = await post(limited, '{ __typename }', null, { key: busy });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(codeOf(response)).toBe('RATE_LIMITED');
    expect(response.body!.errors![0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    expect((await post(limited, '{ __typename }', null, { key: calm })).status).toBe(200);
    await eventually(async () => (await post(limited, '{ __typename }', null, { key: busy })).status === 200, 5_000, 'the bucket to refill');
  });

  it('WebSocket: an operation over the rate gets RATE_LIMITED for its id; the socket and its subscription live on', async () => {
    const { key: busy } = await createKey(limited, { name: 'busy-ws', scopes: ['read'] });
    const ws = await rawSocket(limited, { apiKey: busy });
    ws.send({ id: HEALTHY, type: 'subscribe', payload: { query: 'subscription { events(filter: { namespace: "rl" }) { id } }' } });
    const results: Message[] = [];
    for (let i = 0; i < 12; i++) results.push(await wsOperation('{ __typename }', undefined, ws));
    const limitedOps = results.map(wsCode).filter((r) => r.code === 'RATE_LIMITED');
    expect(limitedOps.length).toBeGreaterThan(0);
    expect(limitedOps[0]).toMatchObject({ type: 'error' });
    expect(limitedOps[0]!.extensions!.retryAfterMs).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300)); // the feed starts from "now"
    await limited.app.services.executions.createExecution({ workflow: 'w', namespace: 'rl', steps: [] });
    await ws.until((m) => m.some((x) => x.id === HEALTHY && x.type === 'next'));
    expect(ws.closed).toBeNull();
    ws.close();
  });
});

describe('CORS', () => {
  it('answers allow-listed origins only and never reflects others', async () => {
    const cors = await startServer({ env: { CORS_ORIGINS: 'https://dash.example.com, https://ops.example.com', RUNWATCH_ADMIN_KEY: 'z'.repeat(32) } });
    const preflight = (origin: string) =>
      fetch(cors.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://ops.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const denied = await preflight('https://evil.example.net');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await post(cors, '{ __typename }', null, { key: 'z'.repeat(32), headers: { origin: 'https://evil.example.net' } });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    // With no CORS_ORIGINS there is no CORS at all.
    const none = await post(server, '{ __typename }', null, { key, headers: { origin: 'https://dash.example.com' } });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});
