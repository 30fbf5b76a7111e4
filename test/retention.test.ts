import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { dayPartitions } from '../src/db/retention.js';
import { createExecution } from './fixtures.js';
import { errorCodes, eventually, manualClock, startServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const EVENTS = `query ($after: String, $filter: EventFilter) { events(first: 500, after: $after, filter: $filter) {
  edges { cursor node { seq type executionId } } } }`;
const EXECUTION = `query ($id: ID!) { execution(id: $id) { id status steps { name status } events(first: 100) { edges { node { seq } } } } }`;

const mutate = (server: TestServer, name: string, id: string) => server.data(`mutation ($id: ID!) { ${name}(id: $id) { id } }` as never, { id } as never);
type EventsPage = { events: { edges: { cursor: string; node: { seq: number; type: string; executionId: string | null } }[] } };
const eventsAfter = (server: TestServer, after?: string) => server.request<EventsPage, unknown>(EVENTS, { after, filter: { namespace: 'default' } });

async function partitionDays(server: TestServer, table: 'executions' | 'steps' | 'events') {
  return (await dayPartitions(server.app.database.db)).get(table)!.map((d) => d.toISOString().slice(0, 10));
}

describe('retention by day partitions', () => {
  it('creates partitions ahead, drops old days whole, keeps open executions, and expires cursors before the drop', async () => {
    const clock = manualClock(new Date('2026-03-01T12:00:00Z'));
    const server = await startServer({ clock, env: { MONITOR_ENABLED: 'false', RETENTION_RAW_DAYS: '2', RETENTION_PARTITIONS_AHEAD: '1' } });
    const { retention } = server.app.services;

    await retention.run();
    for (const table of ['executions', 'steps', 'events'] as const) expect(await partitionDays(server, table)).toEqual(expect.arrayContaining(['2026-03-01', '2026-03-02']));

    const finished = await createExecution(server, { stepCount: 1 });
    await mutate(server, 'startExecution', finished.id);
    await mutate(server, 'completeExecution', finished.id);
    const open = await createExecution(server, { stepCount: 2 });
    await mutate(server, 'startExecution', open.id);
    const oldCursor = (await eventsAfter(server)).data!.events.edges[0]!.cursor;

    clock.advance(DAY);
    await retention.run();
    expect(await partitionDays(server, 'events')).toContain('2026-03-03');
    const newer = await createExecution(server, { stepCount: 1 });
    const beforeDrop = (await eventsAfter(server)).data!.events.edges;
    const middle = beforeDrop.findIndex((e) => e.node.executionId === newer.id);
    const newerCursor = beforeDrop[middle]!.cursor;
    await mutate(server, 'startExecution', newer.id);

    clock.advance(2 * DAY); // 2026-03-04: the days before 2026-03-02 are past 2 days of retention
    const pass = await retention.run();
    expect(pass.droppedDays.map((d) => d.toISOString().slice(0, 10))).toEqual(['2026-03-01']);
    for (const table of ['executions', 'steps', 'events'] as const) {
      const days = await partitionDays(server, table);
      expect(days).not.toContain('2026-03-01');
      expect(days).toEqual(expect.arrayContaining(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']));
    }

    expect((await server.data<{ execution: unknown }, unknown>(EXECUTION as never, { id: finished.id })).execution).toBeNull();
    const kept = (await server.data<{ execution: { status: string; steps: unknown[]; events: { edges: { node: { seq: number } }[] } } }, unknown>(EXECUTION as never, { id: open.id })).execution;
    expect(kept).toMatchObject({ status: 'RUNNING', steps: [{ name: 's0' }, { name: 's1' }] });
    expect(kept.events.edges.map((e) => e.node.seq)).toEqual([1, 2]);
    expect((await server.data<{ execution: { status: string } }, unknown>(EXECUTION as never, { id: newer.id })).execution.status).toBe('RUNNING');

    const expired = await eventsAfter(server, oldCursor);
    expect(errorCodes(expired)).toEqual(['CURSOR_EXPIRED']);
    const oldestCursor = expired.errors![0]!.extensions!.oldestCursor as string;
    expect((await eventsAfter(server, oldestCursor)).errors).toBeUndefined();

    const resumed = (await eventsAfter(server, newerCursor)).data!.events.edges;
    const afterDrop = (await eventsAfter(server)).data!.events.edges;
    expect(resumed.map((e) => e.cursor)).toEqual(afterDrop.slice(afterDrop.findIndex((e) => e.cursor === newerCursor) + 1).map((e) => e.cursor));
    expect(resumed.map((e) => [e.node.executionId, e.node.type])).toEqual([[newer.id, 'EXECUTION_STARTED']]);

    // Subscriptions: the same error on graphql-ws, and a newer cursor replays what follows it.
    const client = server.wsClient();
    const subscription = 'subscription ($after: String) { events(after: $after, filter: { namespace: "default" }) { cursor type executionId } }';
    const failed = await new Promise<unknown[]>((resolve) => {
      client.subscribe({ query: subscription, variables: { after: oldCursor } }, { next: (r) => resolve(r.errors as unknown[]), error: (e) => resolve(e as unknown[]), complete: () => {} });
    });
    expect(failed).toMatchObject([{ extensions: { code: 'CURSOR_EXPIRED', oldestCursor } }]);
    const replayed: string[] = [];
    const dispose = client.subscribe({ query: subscription, variables: { after: newerCursor } }, { next: (r) => void replayed.push((r.data as { events: { type: string } }).events.type), error: () => {}, complete: () => {} });
    await eventually(() => replayed.length === 1, 5_000, 'the replay after the newer cursor');
    expect(replayed).toEqual(['EXECUTION_STARTED']);
    dispose();

    // SSE: the same error.
    const sse = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: subscription, variables: { after: oldCursor } }),
    });
    expect(await sse.text()).toContain('CURSOR_EXPIRED');

    // The open execution lives in the default partition; once finished, the next pass removes it.
    await mutate(server, 'completeExecution', open.id);
    await retention.run();
    expect((await server.data<{ execution: unknown }, unknown>(EXECUTION as never, { id: open.id })).execution).toBeNull();
    expect((await server.data<{ execution: unknown }, unknown>(EXECUTION as never, { id: newer.id })).execution).not.toBeNull();
  });

  it('reports a failing pass in the retention health component, which raises COMPONENT_UNHEALTHY, and recovers', async () => {
    const clock = manualClock(new Date('2026-05-10T08:00:00Z'));
    const server = await startServer({ clock, env: { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: '0', RETENTION_PARTITIONS_AHEAD: '2' } });
    const { retention, alerts } = server.app.services;
    await retention.run();
    // A table in the way of tomorrow's partition (after the days ahead exist, so make the next one collide).
    clock.advance(DAY);
    await server.app.database.db.execute(sql.raw('create table events_p20260513 (id int)'));
    await expect(retention.run()).rejects.toThrow(/events_p20260513/);

    const health = await fetch(server.url.replace('/graphql', '/health')).then((r) => r.json() as Promise<{ components: { component: string; status: string; message: string }[]; storage: { tables: { table: string; partitions: number; bytes: number }[] } }>);
    expect(health.components.find((c) => c.component === 'retention')).toMatchObject({ status: 'UNHEALTHY', message: expect.stringContaining('events_p20260513') });
    expect(health.storage.tables.find((t) => t.table === 'events')).toMatchObject({ partitions: expect.any(Number), bytes: expect.any(Number) });
    await alerts.evaluate();
    const listed = await server.request<{ alerts: { edges: { node: { rule: string; message: string; status: string } }[] } }, unknown>(
      '{ alerts(first: 10) { edges { node { rule message status } } } }',
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.alerts.edges.map((e) => e.node)).toContainEqual({ rule: 'COMPONENT_UNHEALTHY', status: 'FIRING', message: expect.stringContaining('retention') });

    await server.app.database.db.execute(sql.raw('drop table events_p20260513'));
    await retention.run();
    await server.app.services.health.refresh();
    const recovered = await server.request<{ health: { components: { component: string; status: string }[] } }, unknown>('{ health { components { component status } } }');
    expect(recovered.data!.health.components).toContainEqual({ component: 'retention', status: 'HEALTHY' });
  });

  it('answers last year from the rollups after its raw rows are dropped, says so, and refuses exact: true there', async () => {
    const clock = manualClock(new Date('2025-06-01T10:00:00Z'));
    const server = await startServer({ clock, env: { MONITOR_ENABLED: 'false' } });
    const { retention } = server.app.services;
    await retention.run();
    for (let i = 0; i < 2; i++) {
      const execution = await createExecution(server, { stepCount: 0, workflow: 'yearly' });
      await mutate(server, 'startExecution', execution.id);
      clock.advance(1_000);
      await mutate(server, 'completeExecution', execution.id);
    }
    const METRICS = `query ($from: DateTime, $to: DateTime, $exact: Boolean) { metrics(from: $from, to: $to, workflow: "yearly", exact: $exact) {
      from to total completed exact pastRawRetention rawKeptFrom duration { count } } }`;
    const day = { from: '2025-06-01T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' };
    const before = await server.request<{ metrics: Record<string, unknown> }, unknown>(METRICS, { ...day, exact: true });
    expect(before.data!.metrics).toMatchObject({ total: 2, completed: 2, exact: true, pastRawRetention: false, rawKeptFrom: '2025-05-02T00:00:00.000Z' });

    clock.set(new Date('2026-06-01T10:00:00Z'));
    await retention.run();
    const after = await server.request<{ metrics: Record<string, unknown> }, unknown>(METRICS, day);
    expect(after.data!.metrics).toMatchObject({ ...day, total: 2, completed: 2, exact: false, pastRawRetention: true, rawKeptFrom: '2026-05-02T00:00:00.000Z', duration: { count: 2 } });
    // Minute rollups are gone too (3 days): a window inside the day is rounded to whole hours.
    const hours = await server.request<{ metrics: Record<string, unknown> }, unknown>(METRICS, { from: '2025-06-01T09:30:00.000Z', to: '2025-06-01T11:15:00.000Z' });
    expect(hours.data!.metrics).toMatchObject({ from: '2025-06-01T10:00:00.000Z', to: '2025-06-01T11:00:00.000Z', total: 2, pastRawRetention: true });
    const exact = await server.request(METRICS, { ...day, exact: true });
    expect(exact.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', reason: 'PAST_RAW_RETENTION', rawKeptFrom: '2026-05-02T00:00:00.000Z' } }]);
    const series = await server.request<{ metricsTimeseries: { total: number; pastRawRetention: boolean }[] }, unknown>(
      `query { metricsTimeseries(from: "2025-05-31T00:00:00Z", to: "2025-06-02T00:00:00Z", bucket: DAY, workflow: "yearly") { total pastRawRetention } }`,
    );
    expect(series.data!.metricsTimeseries).toEqual([{ total: 0, pastRawRetention: true }, { total: 2, pastRawRetention: true }]);

    const storage = await server.request<{ systemMetrics: { storage: { rawKeptFrom: string; tables: { table: string }[] } } }, unknown>(
      '{ systemMetrics { storage { rawKeptFrom oldestEventAt tables { table bytes partitions } } } }',
    );
    expect(storage.data!.systemMetrics.storage.rawKeptFrom).toBe('2026-05-02T00:00:00.000Z');
    expect(storage.data!.systemMetrics.storage.tables.map((t) => t.table)).toEqual(expect.arrayContaining(['events', 'executions', 'steps', 'execution_days']));
  });

  it('keeps per-namespace retention set through the API (admin), with the environment defaults elsewhere', async () => {
    const admin = 'a'.repeat(32);
    const server = await startServer({ env: { MONITOR_ENABLED: 'false', RUNWATCH_ADMIN_KEY: admin, RETENTION_RAW_DAYS: '10' } });
    const { key: reader } = await server.app.services.auth.keys.create({ name: 'reader', scopes: ['read'] });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const SET = 'mutation ($input: SetRetentionInput!) { setRetention(input: $input) { namespace rawDays rollupDays minuteRollupDays custom } }';
    const GET = 'query ($ns: String!) { retention(namespace: $ns) { namespace rawDays rollupDays minuteRollupDays custom } }';

    expect((await server.request(GET, { ns: 'ops' }, as(reader))).data).toEqual({ retention: { namespace: 'ops', rawDays: 10, rollupDays: 400, minuteRollupDays: 3, custom: [] } });
    expect(errorCodes(await server.request(SET, { input: { namespace: 'ops', rawDays: 60 } }, as(reader)))).toEqual(['FORBIDDEN']);
    const set = await server.request(SET, { input: { namespace: 'ops', rawDays: 60, minuteRollupDays: 7 } }, as(admin));
    expect(set.data).toEqual({ setRetention: { namespace: 'ops', rawDays: 60, rollupDays: 400, minuteRollupDays: 7, custom: ['rawDays', 'minuteRollupDays'] } });
    const kept = await server.request(SET, { input: { namespace: 'ops', minuteRollupDays: null } }, as(admin));
    expect(kept.data).toMatchObject({ setRetention: { rawDays: 60, minuteRollupDays: 3, custom: ['rawDays'] } });
    // A key of some namespaces may not make its namespace hold back every namespace's drops.
    const { key: opsAdmin } = await server.app.services.auth.keys.create({ name: 'ops-admin', scopes: ['admin'], namespaces: ['ops'] });
    const longer = await server.request(SET, { input: { namespace: 'ops', rawDays: 11 } }, as(opsAdmin));
    expect(longer.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN', reason: 'RAW_RETENTION_ABOVE_DEFAULT', max: 10 } }]);
    expect((await server.request(SET, { input: { namespace: 'ops', rollupDays: 500 } }, as(opsAdmin))).errors).toBeUndefined();
    const bad = await server.request(SET, { input: { namespace: 'ops', rawDays: 0, rollupDays: 2, minuteRollupDays: 5 } }, as(admin));
    expect(bad.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'rawDays' }, { field: 'minuteRollupDays' }] } }]);

    // The longest raw retention decides which days go: 60 days for every namespace's rows now.
    const pass = await server.app.services.retention.run();
    expect(pass.rawKeptFrom.getTime()).toBe(Math.floor(Date.now() / DAY) * DAY - 60 * DAY);
  });
});
