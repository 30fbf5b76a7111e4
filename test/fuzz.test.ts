import { seededRandom } from '../src/domain/random.js';
/**
 * Seeded fuzzing of both transports: thousands of random, mutated and malformed documents,
 * variables, HTTP bodies and WebSocket frames. Never a 5xx, a crash or a hang; every GraphQL error
 * carries a code from API.md. Reproduce a failure with FUZZ_SEED=<the printed seed>.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
} from 'graphql';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { schema } from '../src/graphql/schema.js';
import { encodeGlobalId } from '../src/graphql/ids.js';
import { eventually, startServer, type TestServer } from './harness.js';
import { API_ERROR_CODES, createKey, rawSocket } from './security.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2026);
const HTTP_CASES = Number(process.env.FUZZ_HTTP_CASES ?? 2_000);
const WS_SOCKETS = Number(process.env.FUZZ_WS_SOCKETS ?? 40);
const WS_FRAMES_PER_SOCKET = Number(process.env.FUZZ_WS_FRAMES ?? 40);

/** Helpers over the shared seeded PRNG (mulberry32). */
function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    bool: (p = 0.5) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';
const WEIRD_STRINGS = ['', ' ', 'x', '\u0000', '💥', '"', '\\', '{}', 'null', '-1', '1e309', 'NaN', ZERO_UUID, 'a'.repeat(300), '<script>', "'; drop table executions; --"];
const NUMBERS = [0, -1, 1, 2, 49, 50, 500, 501, 1e9, -1e9, 2 ** 31, 2 ** 53, 1.5, -0.5, Number.MAX_SAFE_INTEGER];

function randomJson(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 4 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.pick(NUMBERS);
    case 2:
      return rng.pick(WEIRD_STRINGS);
    case 3:
      return rng.bool();
    case 4:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(4) }, () => [rng.pick(['id', 'first', 'input', 'x', 'namespace', '__proto__', 'constructor']), randomJson(rng, depth + 1)]));
  }
}

function literalFor(rng: Rng, type: GraphQLInputType, depth = 0): string {
  if (rng.bool(0.08)) return rng.pick(['null', '"oops"', '12', 'true', '[]', '{}', 'WRONG_ENUM', '$undeclared']);
  if (isNonNullType(type)) return literalFor(rng, type.ofType, depth);
  if (isListType(type)) return `[${Array.from({ length: rng.int(3) }, () => literalFor(rng, type.ofType, depth + 1)).join(', ')}]`;
  if (isEnumType(type)) return rng.pick(type.getValues()).name;
  if (isInputObjectType(type)) {
    if (depth > 3) return '{}';
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || rng.bool(0.4));
    return `{ ${fields.map((f) => `${f.name}: ${literalFor(rng, f.type, depth + 1)}`).join(', ')} }`;
  }
  switch ((type as GraphQLNamedType).name) {
    case 'Int':
      return String(rng.pick(NUMBERS.filter(Number.isInteger).filter((n) => Math.abs(n) < 2 ** 31)));
    case 'Float':
      return String(rng.pick([0, 1.5, -3, 100, 101, 1e300]));
    case 'Boolean':
      return String(rng.bool());
    case 'ID':
      return JSON.stringify(
        rng.pick([encodeGlobalId('Execution', ZERO_UUID), encodeGlobalId('StepProgress', ZERO_UUID), encodeGlobalId('ExecutionEvent', 1), 'bm9wZQ', ...WEIRD_STRINGS]),
      );
    case 'DateTime':
      return JSON.stringify(rng.pick(['2026-01-01T00:00:00Z', 'yesterday', '', '9999-99-99']));
    case 'JSON':
      return rng.pick(['{}', '{ a: 1 }', '[1, 2]', '"s"', '3']);
    default:
      return JSON.stringify(rng.pick(WEIRD_STRINGS));
  }
}

function selection(rng: Rng, type: GraphQLNamedType, depth: number): string {
  if (!(isObjectType(type) || isInterfaceType(type))) return '';
  const fields = Object.values(type.getFields());
  const count = 1 + rng.int(Math.min(4, fields.length));
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(field(rng, rng.pick(fields), depth + 1));
  if (rng.bool(0.1)) parts.push('__typename');
  if (rng.bool(0.05)) parts.push('doesNotExist');
  if (isInterfaceType(type) && rng.bool(0.5)) {
    const impl = rng.pick(schema.getPossibleTypes(type));
    parts.push(`... on ${impl.name} { ${selection(rng, impl, depth + 1) || '__typename'} }`);
  }
  return `{ ${parts.join(' ')} }`;
}

function field(rng: Rng, f: GraphQLField<unknown, unknown>, depth: number): string {
  const args = f.args
    .filter((a) => isNonNullType(a.type) || rng.bool(0.3))
    .map((a) => `${a.name}: ${a.name === 'first' && rng.bool(0.3) ? '$first' : literalFor(rng, a.type)}`);
  const alias = rng.bool(0.1) ? `a${rng.int(1000)}: ` : '';
  const directive = rng.bool(0.05) ? ` @include(if: ${rng.bool()})` : rng.bool(0.02) ? ' @skip(if: $flag)' : '';
  const named = getNamedType(f.type);
  const needsSelection = !isScalarType(named) && !isEnumType(named);
  const inner = needsSelection ? (depth > 7 ? '{ __typename }' : selection(rng, named, depth) || '{ __typename }') : rng.bool(0.03) ? '{ x }' : '';
  return `${alias}${f.name}${args.length ? `(${args.join(', ')})` : ''}${directive} ${inner}`;
}

function schemaDocument(rng: Rng): string {
  const kind = rng.pick(['query', 'query', 'query', 'mutation', 'subscription'] as const);
  const root = kind === 'query' ? schema.getQueryType()! : kind === 'mutation' ? schema.getMutationType()! : schema.getSubscriptionType()!;
  const fields = Object.values(root.getFields());
  const body = Array.from({ length: 1 + rng.int(2) }, () => field(rng, rng.pick(fields), 1)).join(' ');
  const vars = rng.bool(0.5) ? '($first: Int, $flag: Boolean)' : '';
  return `${kind} Fuzz${rng.int(5)}${vars} { ${body} }`;
}

const TOKENS = ['{', '}', '(', ')', '[', ']', ':', '!', '$', '@', '...', '=', '|', '&', 'query', 'mutation', 'subscription', 'fragment', 'on', 'executions', 'edges', 'node', 'id', 'first', '500', '"s"', '#', '\n', 'null', 'true', '__schema', '__type', '"""block"""', '1.5e3', '-0'];

function mutate(rng: Rng, text: string): string {
  const chars = [...text];
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits && chars.length; i++) {
    const at = rng.int(chars.length);
    const op = rng.int(4);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, rng.pick(TOKENS));
    else if (op === 2) chars[at] = String.fromCharCode(rng.int(0x3000));
    else chars.length = at;
  }
  return chars.join('');
}

function document(rng: Rng): unknown {
  const kind = rng.int(10);
  if (kind < 5) return schemaDocument(rng);
  if (kind < 7) return mutate(rng, schemaDocument(rng));
  if (kind < 8) return Array.from({ length: 1 + rng.int(40) }, () => rng.pick(TOKENS)).join(' ');
  if (kind < 9) return Array.from({ length: rng.int(200) }, () => String.fromCharCode(rng.int(0xffff))).join('');
  return randomJson(rng); // not even a string
}

/** Lone surrogates cannot be URI-encoded. */
const wellFormed = (text: string) => text.replace(/[\uD800-\uDFFF]/g, '?');

function httpBody(rng: Rng): { body: string | Uint8Array; contentType: string } {
  const kind = rng.int(20);
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  if (kind === 0) return { body: mutate(rng, JSON.stringify({ query: '{ __typename }' })), contentType: 'application/json' };
  if (kind === 1) return { body: '', contentType: 'application/json' };
  if (kind === 2) return { body: new Uint8Array(Array.from({ length: rng.int(500) }, () => rng.int(256))), contentType: rng.pick(['application/json', 'application/octet-stream', 'text/plain']) };
  if (kind === 3) return json(randomJson(rng));
  if (kind === 4) return json([{ query: '{ __typename }' }, { query: document(rng) }]); // batching is off
  if (kind === 5) return { body: `query=${encodeURIComponent(wellFormed(String(document(rng))))}`, contentType: 'application/x-www-form-urlencoded' };
  if (kind === 6) return json({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }); // over 1 MiB
  if (kind === 7) return { body: String(document(rng)), contentType: 'application/graphql' };
  const payload: Record<string, unknown> = { query: document(rng) };
  if (rng.bool(0.6)) payload.variables = rng.bool(0.7) ? { first: rng.pick([...NUMBERS, 'ten', null]), flag: rng.bool() ? rng.bool() : 'yes', ...(randomJson(rng) as object) } : randomJson(rng);
  if (rng.bool(0.2)) payload.operationName = rng.pick([null, 'Fuzz0', 'Fuzz1', 'Nope', 42]);
  if (rng.bool(0.1)) payload.extensions = randomJson(rng);
  return json(payload);
}

interface Failure {
  what: string;
  detail: string;
}

function checkErrors(errors: unknown, what: string, failures: Failure[]) {
  if (!Array.isArray(errors)) {
    if (errors !== undefined) failures.push({ what, detail: `errors is not a list: ${JSON.stringify(errors).slice(0, 200)}` });
    return;
  }
  for (const error of errors as { message?: string; extensions?: { code?: string } }[]) {
    const code = error?.extensions?.code;
    if (!code || !API_ERROR_CODES.includes(code)) failures.push({ what, detail: `code ${code}: ${JSON.stringify(error).slice(0, 300)}` });
    if (code === 'INTERNAL') failures.push({ what, detail: `INTERNAL: ${JSON.stringify(error).slice(0, 300)}` });
  }
}

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000', WS_MAX_SOCKETS_PER_KEY: '1000' } });
  key = (await createKey(server, { name: 'fuzz', scopes: ['admin'] })).key;
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} reproduces it)`);
});

describe(`fuzz (seed ${SEED})`, () => {
  it(`survives ${HTTP_CASES} random HTTP requests: no 5xx, no hang, only API.md error codes`, async () => {
    const rng = prng(SEED);
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    const cases = Array.from({ length: HTTP_CASES }, (_, i) => {
      const get = rng.bool(0.08);
      const auth = rng.int(20);
      const headers: Record<string, string> = {
        accept: rng.bool(0.7) ? 'application/json' : rng.pick(['application/graphql-response+json', '*/*', 'text/event-stream', 'text/html']),
      };
      if (auth > 1) headers.authorization = `Bearer ${key}`;
      else if (auth === 1) headers.authorization = rng.pick(['Bearer', 'Bearer rw_nope', 'Basic Zm9vOmJhcg==', `Bearer ${key}x`, 'bearer  ' + key]);
      if (get) return { i, method: 'GET', headers, query: `?query=${encodeURIComponent(wellFormed(String(document(rng))))}`, body: undefined };
      const { body, contentType } = httpBody(rng);
      return { i, method: rng.bool(0.9) ? 'POST' : rng.pick(['PUT', 'PATCH', 'DELETE']), headers: { ...headers, 'content-type': contentType }, query: '', body };
    });
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const what = `http case ${c.i} ${c.method} ${String(c.body ?? c.query).slice(0, 120)}`;
          try {
            const response = await fetch(server.url + c.query, {
              method: c.method,
              headers: c.headers,
              body: c.body as never,
              signal: AbortSignal.timeout(10_000),
            });
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500) failures.push({ what, detail: `status ${response.status}` });
            const type = response.headers.get('content-type') ?? '';
            if (type.includes('text/event-stream')) {
              // Read the first event (an error or the first result), then hang up.
              const reader = response.body!.getReader();
              const first = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 300))]);
              await reader.cancel().catch(() => {});
              const text = first && !first.done ? Buffer.from(first.value).toString('utf8') : '';
              for (const line of text.split('\n').filter((l) => l.startsWith('data:'))) {
                try {
                  checkErrors((JSON.parse(line.slice(5)) as { errors?: unknown }).errors, what, failures);
                } catch {
                  /* a partial frame */
                }
              }
              continue;
            }
            const text = await response.text();
            if (type.includes('json')) {
              const parsed = JSON.parse(text) as { errors?: unknown } | { errors?: unknown }[];
              for (const result of Array.isArray(parsed) ? parsed : [parsed]) checkErrors(result.errors, what, failures);
            }
          } catch (error) {
            failures.push({ what, detail: `request failed: ${String(error)}` });
          }
        }
      }),
    );
    console.log(`fuzz HTTP statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it(`survives ${WS_SOCKETS} sockets x ${WS_FRAMES_PER_SOCKET} random frames; a healthy subscription keeps flowing`, async () => {
    const rng = prng(SEED ^ 0x9e3779b9);
    const failures: Failure[] = [];
    const healthy = await rawSocket(server, { apiKey: key });
    healthy.send({ id: 'h', type: 'subscribe', payload: { query: 'subscription { events(filter: { namespace: "fuzz-healthy" }) { id } }' } });
    const healthyCount = () => healthy.messages.filter((m) => m.id === 'h' && m.type === 'next').length;
    await eventually(async () => {
      await server.app.services.executions.createExecution({ workflow: 'w', namespace: 'fuzz-healthy', steps: [] });
      return healthyCount() > 0;
    }, 10_000, 'the healthy subscription');

    // Protocol-level closes are the protocol working; 4500 (internal error) or 1011 never is.
    const acceptableCloses = new Set([1000, 1009, 4400, 4403, 4408, 4409, 4429, 4401, 4499]);
    const closes = new Map<number, number>();
    for (let s = 0; s < WS_SOCKETS; s++) {
      const socket = await rawSocket(server);
      const initMode = rng.int(10);
      if (initMode > 1) socket.send({ type: 'connection_init', payload: rng.bool(0.9) ? { apiKey: key } : randomJson(rng) });
      else if (initMode === 1) socket.send(rng.pick(['{"type":"connection_init","payload":7}', 'garbage', '{}']));
      const ids = ['1', '2', '3', 'dup', ''];
      for (let f = 0; f < WS_FRAMES_PER_SOCKET && !socket.closed; f++) {
        const kind = rng.int(12);
        if (kind === 0) socket.send(Array.from({ length: rng.int(100) }, () => String.fromCharCode(rng.int(0xffff))).join(''));
        else if (kind === 1) socket.send(Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256))));
        else if (kind === 2) socket.send({ type: rng.pick(['start', 'stop', 'connection_terminate', 'ka', 'nope', 42, null]), id: rng.pick(ids) });
        else if (kind === 3) socket.send({ type: rng.pick(['ping', 'pong']), payload: rng.bool() ? randomJson(rng) : undefined });
        else if (kind === 4) socket.send({ type: 'complete', id: rng.pick(ids) });
        else if (kind === 11) socket.send({ type: rng.pick(['next', 'error', 'connection_ack']), id: rng.pick(ids), payload: rng.bool() ? { data: null } : randomJson(rng) });
        else if (kind === 5) socket.send({ type: 'connection_init', payload: { apiKey: key } });
        else if (kind === 6) socket.send({ type: 'subscribe', id: rng.pick([...ids, 7, null]), payload: randomJson(rng) });
        else if (kind < 11) {
          const id = rng.bool(0.2) ? 'dup' : `f${f}`;
          const payload: Record<string, unknown> = { query: document(rng) };
          if (rng.bool(0.5)) payload.variables = rng.bool(0.8) ? { first: rng.pick([...NUMBERS, 'x']), flag: rng.bool() } : randomJson(rng);
          socket.send({ id, type: 'subscribe', payload });
        }
      }
      // No hang: a well-formed operation after the noise is answered, unless the protocol closed the socket.
      if (!socket.closed && socket.messages.some((m) => m.type === 'connection_ack')) {
        socket.send({ id: 'sentinel', type: 'subscribe', payload: { query: '{ __typename }' } });
        try {
          await socket.until((m) => m.some((x) => x.id === 'sentinel' && x.type === 'next'), 10_000);
        } catch (error) {
          if (!socket.closed) failures.push({ what: `socket ${s}`, detail: `no answer to the sentinel: ${String(error)}` });
        }
      } else if (!socket.closed) {
        await socket.waitClosed(5_000).catch(() => failures.push({ what: `socket ${s}`, detail: 'never acknowledged nor closed' }));
      }
      for (const message of socket.messages) {
        if (message.type === 'error') checkErrors(message.payload, `socket ${s} op ${String(message.id)}`, failures);
        if (message.type === 'next') checkErrors((message.payload as { errors?: unknown }).errors, `socket ${s} op ${String(message.id)}`, failures);
      }
      const closed = socket.closed as { code: number; reason: string } | null;
      if (closed) {
        closes.set(closed.code, (closes.get(closed.code) ?? 0) + 1);
        if (!acceptableCloses.has(closed.code)) failures.push({ what: `socket ${s}`, detail: `closed ${closed.code} ${closed.reason}` });
      }
      socket.close();
    }
    console.log(`fuzz WS closes: ${JSON.stringify(Object.fromEntries(closes))}`);

    const before = healthyCount();
    await server.app.services.executions.createExecution({ workflow: 'w', namespace: 'fuzz-healthy', steps: [] });
    await healthy.until(() => healthyCount() > before, 10_000);
    expect(healthy.closed).toBeNull();
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('closes a socket sending a server-only message type with 4400, not 4500, and logs no error', async () => {
    const consoleError = vi.spyOn(console, 'error');
    try {
      const frames = [
        { id: '1', type: 'next', payload: { data: null } },
        { id: '1', type: 'error', payload: [{ message: 'x' }] },
        { type: 'connection_ack' },
        { id: '1', type: 'next', payload: { data: { a: 1 } }, extra: '"type":"subscribe"' },
      ];
      for (const frame of frames) {
        const socket = await rawSocket(server, { apiKey: key });
        await socket.until((m) => m.some((x) => x.type === 'connection_ack'));
        socket.send(frame);
        await socket.waitClosed(5_000);
        expect(socket.closed, JSON.stringify(frame)).toMatchObject({ code: 4400 });
      }
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('is still healthy afterwards', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ executions(first: 1) { edges { node { id } } } }' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    expect((await fetch(server.url.replace('/graphql', '/readyz'))).status).toBe(200);
  });
});
