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
});
