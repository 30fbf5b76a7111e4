/** Receivers, routes, silences and deliveries through GraphQL: validation, scopes, namespace isolation, and no secret anywhere. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateExecution } from './documents.js';
import { manualClock, startServer, type TestServer } from './harness.js';
import {
  CreateReceiver,
  CreateRoute,
  CreateSilence,
  DeleteReceiver,
  DeleteRoute,
  Deliveries,
  ExpireSilence,
  Receivers,
  Routes,
  Silences,
  UpdateReceiver,
  UpdateRoute,
} from './notification-documents.js';
import { codeOf, createKey, post, wsOnce } from './security.js';

const clock = manualClock(new Date('2026-06-01T08:00:00.000Z'));
const logLines: string[] = [];
let server: TestServer;
const keys = {} as Record<'admin' | 'reader' | 'writer' | 'teamAdmin' | 'teamWriter', string>;

/** Answers 503 quoting the request's path and query, as a careless receiver might. */
const echoing = createServer((request, response) => response.writeHead(503).end(`cannot handle ${request.url}`));

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  server = await startServer({ clock, logger, env: { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: '0', QUEUE_DEPTH_THRESHOLD: '1', HEALTH_CACHE_MS: '1' } });
  keys.admin = (await createKey(server, { name: 'admin', scopes: ['admin'] })).key;
  keys.reader = (await createKey(server, { name: 'reader', scopes: ['read'] })).key;
  keys.writer = (await createKey(server, { name: 'on-call', scopes: ['read', 'alerts:write'] })).key;
  keys.teamAdmin = (await createKey(server, { name: 'team admin', scopes: ['admin'], namespaces: ['team-a'] })).key;
  keys.teamWriter = (await createKey(server, { name: 'team on-call', scopes: ['read', 'alerts:write'], namespaces: ['team-a', 'team-c'] })).key;
  await new Promise<void>((resolve) => echoing.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => echoing.close(() => resolve())));

type Key = keyof typeof keys;
const as = (key: Key, document: Parameters<typeof print>[0], variables?: Record<string, unknown>) => post(server, print(document), variables, { key: keys[key] });
const inAnHour = () => new Date(clock.now().getTime() + 3_600_000).toISOString();
const problems = (response: Awaited<ReturnType<typeof post>>) => response.body?.errors?.[0]?.message ?? '';

describe('validation', () => {
  it('rejects bad receivers with BAD_USER_INPUT naming every field, never quoting the URL', async () => {
    const bad = await as('admin', CreateReceiver, {
      input: { name: ' ', kind: 'WEBHOOK', url: 'ftp://user:hunter2@example.com/x', secret: 'short', timeoutMs: 5 },
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    for (const field of ['name', 'url', 'secret', 'timeoutMs']) expect(problems(bad)).toContain(`${field}:`);
    expect(bad.text).not.toContain('hunter2');
    const ok = await as('admin', CreateReceiver, { input: { name: 'dup', kind: 'SLACK', url: 'https://hooks.slack.com/services/T/B/C' } });
    expect(codeOf(ok)).toBeUndefined();
    const duplicate = await as('admin', CreateReceiver, { input: { name: 'dup', kind: 'SLACK', url: 'https://hooks.slack.com/services/T/B/C' } });
    expect(codeOf(duplicate)).toBe('BAD_USER_INPUT');
  });

  it('rejects bad routes: an invalid regex, repeat shorter than the interval, a receiver that does not exist', async () => {
    const receiver = ((await as('admin', CreateReceiver, { input: { name: 'routes', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/x' } })).body!.data!.createAlertReceiver as { id: string }).id;
    const regex = await as('admin', CreateRoute, { input: { receiverId: receiver, matchers: [{ label: 'RULE', operator: 'REGEX', value: '(' }] } });
    expect([codeOf(regex), problems(regex)]).toEqual(['BAD_USER_INPUT', expect.stringContaining('matchers[0].value is not a valid regular expression')]);
    const timing = await as('admin', CreateRoute, { input: { receiverId: receiver, groupIntervalMs: 60_000, repeatIntervalMs: 1_000 } });
    expect([codeOf(timing), problems(timing)]).toEqual(['BAD_USER_INPUT', 'repeatIntervalMs must be at least groupIntervalMs']);
    const negative = await as('admin', CreateRoute, { input: { receiverId: receiver, groupWaitMs: -1, groupBy: ['RULE', 'RULE'] } });
    expect(problems(negative)).toContain('groupWaitMs: must not be negative');
    expect(problems(negative)).toContain('groupBy: must not repeat a label');
    const missing = await as('admin', CreateRoute, { input: { receiverId: Buffer.from('AlertReceiver:00000000-0000-4000-8000-000000000000').toString('base64url') } });
    expect(codeOf(missing)).toBe('NOT_FOUND');
    const route = await as('admin', CreateRoute, { input: { receiverId: receiver } });
    expect(route.body!.data!.createAlertRoute).toMatchObject({ groupBy: ['RULE', 'NAMESPACE'], sendResolved: true, continue: false, namespaces: null });
    const inUse = await as('admin', DeleteReceiver, { id: receiver });
    expect([codeOf(inUse), problems(inUse)]).toEqual(['BAD_USER_INPUT', 'Routes still send to this receiver: delete or change them first']);
    const routeId = (route.body!.data!.createAlertRoute as { id: string }).id;
    expect((await as('admin', UpdateRoute, { id: routeId, input: { groupWaitMs: 5, position: 7 } })).body!.data!.updateAlertRoute).toMatchObject({ groupWaitMs: 5, position: 7 });
    expect(codeOf(await as('admin', DeleteRoute, { id: routeId }))).toBeUndefined();
    expect(codeOf(await as('admin', DeleteReceiver, { id: receiver }))).toBeUndefined();
  });

  it('rejects bad silences: no matcher, one matching everything, an end in the past or before the start', async () => {
    const matchers = [{ label: 'RULE', operator: 'EQUAL', value: 'HIGH_QUEUE_DEPTH' }];
    const cases = [
      [{ matchers: [], endsAt: inAnHour() }, 'matchers: a silence needs at least one matcher'],
      [{ matchers: [{ label: 'RULE', operator: 'REGEX', value: '.*' }], endsAt: inAnHour() }, 'matchers: at least one matcher must not match the empty string'],
      [{ matchers, endsAt: new Date(clock.now().getTime() - 1).toISOString() }, 'endsAt must be in the future'],
      [{ matchers, startsAt: inAnHour(), endsAt: new Date(clock.now().getTime() + 60_000).toISOString() }, 'endsAt must be after startsAt'],
    ] as const;
    for (const [input, message] of cases) {
      const response = await as('writer', CreateSilence, { input });
      expect([codeOf(response), problems(response)]).toEqual(['BAD_USER_INPUT', message]);
    }
  });
});

describe('scopes', () => {
  it('silences need alerts:write (or admin); receivers and routes need admin, over HTTP and WebSocket alike', async () => {
    const input = { matchers: [{ label: 'RULE', operator: 'EQUAL', value: 'HIGH_FAILURE_RATE' }], endsAt: inAnHour() };
    expect(codeOf(await as('reader', CreateSilence, { input }))).toBe('FORBIDDEN');
    const made = await as('writer', CreateSilence, { input });
    expect(made.body!.data!.createSilence).toMatchObject({ state: 'ACTIVE', createdBy: 'on-call', namespaces: null });
    expect(codeOf(await as('admin', CreateSilence, { input }))).toBeUndefined();
    expect(codeOf(await as('writer', CreateReceiver, { input: { name: 'x', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/' } }))).toBe('FORBIDDEN');
    expect(codeOf(await as('writer', Receivers))).toBe('FORBIDDEN');
    expect(codeOf(await as('reader', Routes))).toBe('FORBIDDEN');
    const ws = await wsOnce(server, keys.reader, print(ExpireSilence), { id: (made.body!.data!.createSilence as { id: string }).id });
    expect(ws.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const wsWriter = await wsOnce(server, keys.writer, print(ExpireSilence), { id: (made.body!.data!.createSilence as { id: string }).id });
    expect(wsWriter.data?.expireSilence).toMatchObject({ state: 'EXPIRED' });
  });
});

describe('namespace isolation', () => {
  it('a key limited to namespaces manages only its receivers and routes, and sees no system-wide ones', async () => {
    const system = await as('admin', CreateReceiver, { input: { name: 'system', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/system' } });
    const systemId = (system.body!.data!.createAlertReceiver as { id: string }).id;
    expect(codeOf(await as('teamAdmin', CreateReceiver, { input: { name: 'a', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/a' } }))).toBe('FORBIDDEN');
    expect(codeOf(await as('teamAdmin', CreateReceiver, { input: { name: 'b', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/b', namespace: 'team-b' } }))).toBe('FORBIDDEN');
    const own = await as('teamAdmin', CreateReceiver, { input: { name: 'a', kind: 'WEBHOOK', url: 'http://127.0.0.1:9/a', namespace: 'team-a' } });
    const ownId = (own.body!.data!.createAlertReceiver as { id: string }).id;
    expect(((await as('teamAdmin', Receivers)).body!.data!.alertReceivers as { id: string }[]).map((r) => r.id)).toEqual([ownId]);
    expect(codeOf(await as('teamAdmin', CreateRoute, { input: { receiverId: systemId } }))).toBe('NOT_FOUND');
    expect(codeOf(await as('teamAdmin', UpdateReceiver, { id: systemId, input: { name: 'mine now' } }))).toBe('NOT_FOUND');
    expect(codeOf(await as('teamAdmin', DeleteReceiver, { id: systemId }))).toBe('NOT_FOUND');
    const failures = [{ label: 'RULE', operator: 'EQUAL', value: 'HIGH_FAILURE_RATE' }];
    const route = await as('teamAdmin', CreateRoute, { input: { receiverId: ownId, matchers: failures } });
    expect(route.body!.data!.createAlertRoute).toMatchObject({ namespaces: ['team-a'] });
    // An unlimited admin's route to a namespace's receiver is confined to that namespace too.
    const confined = await as('admin', CreateRoute, { input: { receiverId: ownId, matchers: failures } });
    expect(confined.body!.data!.createAlertRoute).toMatchObject({ namespaces: ['team-a'] });
    const systemRoute = await as('admin', CreateRoute, { input: { receiverId: systemId, matchers: [{ label: 'NAMESPACE', operator: 'EQUAL', value: 'nobody' }] } });
    const visible = ((await as('teamAdmin', Routes)).body!.data!.alertRoutes as { id: string }[]).map((r) => r.id);
    expect(visible).not.toContain((systemRoute.body!.data!.createAlertRoute as { id: string }).id);
    expect(visible).toHaveLength(2);
  });

  it('a limited key confines its silences to its namespaces and sees only those', async () => {
    const endsAt = inAnHour();
    const rule = { label: 'RULE', operator: 'EQUAL', value: 'HIGH_QUEUE_DEPTH' };
    expect(codeOf(await as('teamWriter', CreateSilence, { input: { matchers: [rule], endsAt } }))).toBe('FORBIDDEN');
    const notOurs = await as('teamWriter', CreateSilence, { input: { matchers: [{ label: 'NAMESPACE', operator: 'EQUAL', value: 'team-b' }], endsAt } });
    expect(codeOf(notOurs)).toBe('FORBIDDEN');
    const negated = await as('teamWriter', CreateSilence, { input: { matchers: [rule, { label: 'NAMESPACE', operator: 'NOT_EQUAL', value: 'team-b' }], endsAt } });
    expect(codeOf(negated)).toBe('FORBIDDEN');
    const regex = await as('teamWriter', CreateSilence, { input: { matchers: [{ label: 'NAMESPACE', operator: 'REGEX', value: 'team-.*' }], endsAt } });
    expect(regex.body!.data!.createSilence).toMatchObject({ namespaces: ['team-a', 'team-c'], createdBy: 'team on-call' });
    const unconfined = await as('writer', CreateSilence, { input: { matchers: [rule], endsAt } });
    const unconfinedId = (unconfined.body!.data!.createSilence as { id: string }).id;
    const seen = ((await as('teamWriter', Silences, { first: 100 })).body!.data!.silences as { edges: { node: { id: string; namespaces: string[] } }[] }).edges;
    expect(seen.map((e) => e.node.namespaces)).toEqual([['team-a', 'team-c']]);
    expect(codeOf(await as('teamWriter', ExpireSilence, { id: unconfinedId }))).toBe('NOT_FOUND');
    const all = ((await as('admin', Silences, { state: ['ACTIVE'], first: 2 })).body!.data!.silences as { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string } });
    expect(all.edges).toHaveLength(2);
    const next = ((await as('admin', Silences, { state: ['ACTIVE'], first: 100, after: all.pageInfo.endCursor })).body!.data!.silences as { edges: { node: { id: string } }[] });
    expect(next.edges.length).toBeGreaterThan(0);
    for (const { node } of [...all.edges, ...next.edges] as { node: { id: string } }[]) await as('admin', ExpireSilence, { id: node.id });
    expect(((await as('admin', Silences, { state: ['ACTIVE'] })).body!.data!.silences as { edges: unknown[] }).edges).toEqual([]);
  });
});

describe('secrets', () => {
  const password = 'PASSWORDSECRET';
  const token = 'PATHTOKENSECRET';
  const query = 'QUERYSECRET';
  const secret = 'SIGNINGSECRET-0123456789';

  it('never appear in a response, a delivery error or a log line', async () => {
    const { port } = echoing.address() as AddressInfo;
    const url = `http://bob:${password}@127.0.0.1:${port}/services/T0/B0/${token}?auth=${query}`;
    const created = await as('teamAdmin', CreateReceiver, { input: { name: 'leaky', kind: 'WEBHOOK', url, secret, namespace: 'team-a' } });
    const receiver = created.body!.data!.createAlertReceiver as { id: string; url: string; hasSecret: boolean };
    expect(receiver).toMatchObject({ url: `http://127.0.0.1:${port}/***?***`, hasSecret: true });
    await as('teamAdmin', CreateRoute, { input: { receiverId: receiver.id, matchers: [{ label: 'NAMESPACE', operator: 'EQUAL', value: 'team-a' }], groupWaitMs: 0 } });
    for (let i = 0; i < 2; i++) await as('admin', CreateExecution, { input: { namespace: 'team-a', workflow: 'deploy', steps: [], queued: true } });
    await server.app.services.alerts.evaluate();
    await server.app.services.notifications.deliverDue();
    const log = await as('teamAdmin', Deliveries, { filter: { receiverId: receiver.id } });
    const [delivery] = (log.body!.data!.alertDeliveries as { edges: { node: { lastStatusCode: number; lastError: string; receiver: { name: string } } }[] }).edges.map((e) => e.node);
    expect(delivery).toMatchObject({ lastStatusCode: 503, lastError: 'HTTP 503: cannot handle ******', receiver: { name: 'leaky' } });
    const updated = await as('teamAdmin', UpdateReceiver, { id: receiver.id, input: { secret: null } });
    expect(updated.body!.data!.updateAlertReceiver).toMatchObject({ hasSecret: false });
    const everything = [created.text, log.text, updated.text, (await as('admin', Receivers)).text, logLines.join('\n')].join('\n');
    for (const leaked of [password, token, query, secret]) expect(everything).not.toContain(leaked);
    expect(logLines.some((line) => line.includes('notification not delivered') && line.includes('"receiver":"leaky"'))).toBe(true);
    // Only its namespace's keys see its deliveries.
    expect(((await as('teamWriter', Deliveries, { filter: { receiverId: receiver.id } })).body!.data!.alertDeliveries as { edges: unknown[] }).edges).toHaveLength(1);
    const otherTeam = (await createKey(server, { name: 'team b', scopes: ['read'], namespaces: ['team-b'] })).key;
    const hidden = await post(server, print(Deliveries), { filter: { receiverId: receiver.id } }, { key: otherTeam });
    expect((hidden.body!.data!.alertDeliveries as { edges: unknown[] }).edges).toHaveLength(0);
  });
});
