/**
 * Execution-level alerts (SLA_VIOLATION, EXECUTION_TIMEOUT) through the real server with a manual
 * clock: breaches are events on the executions' own streams, grouped into one alert per
 * namespace + workflow + rule, with the executions behind each alert reachable from it.
 */
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDuration } from '../src/domain/durations.js';
import { CompleteExecution, TimeoutExecution } from './documents.js';
import { runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import type { AlertStatus, IngestCommand } from './gql/graphql.js';
import { manualClock, onPostgres, startServer, type TestServer } from './harness.js';
import { createKey, post } from './security.js';

const GroupedAlerts = graphql(`
  query GroupedAlerts($status: [AlertStatus!]) {
    alerts(status: $status, first: 20) {
      edges {
        node {
          id fingerprint rule status namespace workflow message value threshold occurrences resolvedAt
          executions(first: 100) { edges { node { id workflow slaBreachedAt timeoutBreachedAt } } pageInfo { hasNextPage } }
        }
      }
    }
  }
`);
const AlertExecutionsPage = graphql(`
  query AlertExecutionsPage($id: ID!, $after: String) {
    node(id: $id) { ... on Alert { executions(first: 30, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }
  }
`);
const StormIngest = graphql(`mutation StormIngest($commands: [IngestCommand!]!) { ingest(commands: $commands) { ok error { code } execution { id } } }`);
const BreachHistory = graphql(`
  query BreachHistory($id: ID!) {
    execution(id: $id) { slaBreachedAt timeoutBreachedAt events(first: 50) { edges { node { seq type data } } } }
  }
`);
const BreachEvents = graphql(`
  query BreachEvents($types: [EventType!]) { events(filter: { namespace: "storm", types: $types }, first: 500) { edges { node { executionId type } } } }
`);
const ResolveGrouped = graphql(`mutation ResolveGrouped($id: ID!) { resolveAlert(id: $id) { id status } }`);

const PENDING_MS = 60_000;
const HOLD_MS = 120_000;
const env = { MONITOR_ENABLED: 'false', ALERT_PENDING_MS: String(PENDING_MS), ALERT_HOLD_MS: String(HOLD_MS), HEALTH_CACHE_MS: '1' };

describe.runIf(!onPostgres)('formatDuration', () => {
  it('keeps the precision a reader needs', () => {
    expect([850, 999.4, 999.6, 2_603, 2_500, 2_000, 59_960, 245_000, 240_000, 7_800_000].map(formatDuration)).toEqual([
      '850 ms', '999 ms', '1 s', '2.6 s', '2.5 s', '2 s', '1 min', '4 min 5 s', '4 min', '2 h 10 min',
    ]);
  });
});

describe('grouped execution alerts', () => {
  let server: TestServer;
  const clock = manualClock(new Date('2026-05-01T12:00:00.000Z'));
  const evaluate = () => server.app.services.alerts.evaluate();
  beforeAll(async () => {
    server = await startServer({ clock, env });
  });

  async function alertsOf(rule: string, namespace: string, status?: AlertStatus[]) {
    const result = await server.data(GroupedAlerts, { status });
    return result.alerts.edges.map((e) => e.node).filter((a) => a.rule === rule && a.namespace === namespace);
  }

  async function ingest(commands: IngestCommand[]) {
    const { ingest: results } = await server.data(StormIngest, { commands });
    expect(results.every((r) => r.ok)).toBe(true);
    return results.map((r) => r.execution!.id);
  }

  /** `count` executions of `workflow` with an SLA, created and started in two batches. */
  async function started(workflow: string, count: number, limits: { slaMs?: number; timeoutMs?: number }) {
    const ids = await ingest(Array.from({ length: count }, () => ({ createExecution: { namespace: 'storm', workflow, steps: [], ...limits } })));
    await ingest(ids.map((id) => ({ startExecution: { id } })));
    return ids;
  }

  it('200 executions breaching their SLA at once give one alert per workflow, resolved after the hold period', async () => {
    const finishedLate = await started('deploy-service', 100, { slaMs: 2_500 });
    const stillRunning = await started('backup', 100, { slaMs: 2_500 });
    clock.advance(4_700);
    await ingest(finishedLate.map((id) => ({ completeExecution: { id } })));

    expect(await evaluate()).toBe(true);
    const pending = await alertsOf('SLA_VIOLATION', 'storm', ['PENDING']);
    expect(pending.map((a) => [a.workflow, a.status, a.value]).sort()).toEqual([['backup', 'PENDING', 100], ['deploy-service', 'PENDING', 100]]);
    expect(await alertsOf('SLA_VIOLATION', 'storm')).toEqual([]); // the default listing leaves PENDING out

    clock.advance(PENDING_MS);
    await evaluate();
    const firing = await alertsOf('SLA_VIOLATION', 'storm');
    expect(firing).toHaveLength(2);
    const deploy = firing.find((a) => a.workflow === 'deploy-service')!;
    expect(deploy).toMatchObject({ status: 'FIRING', value: 100, threshold: 1, fingerprint: 'SLA_VIOLATION|storm|deploy-service' });
    expect(deploy.message).toBe('deploy-service: 100 executions breached their SLA in the last 15 min; worst 2.2 s over a 2.5 s SLA');
    expect(firing.find((a) => a.workflow === 'backup')!.message).toMatch(/^backup: 100 executions breached their SLA in the last 15 min; worst 1 min 2 s over a 2.5 s SLA$/);
    for (const [alert, ids] of [[deploy, finishedLate], [firing.find((a) => a.workflow === 'backup')!, stillRunning]] as const) {
      expect(alert.executions.pageInfo.hasNextPage).toBe(false);
      expect(alert.executions.edges.map((e) => e.node.id).sort()).toEqual([...ids].sort());
      expect(alert.executions.edges.every((e) => e.node.workflow === alert.workflow && e.node.slaBreachedAt !== null)).toBe(true);
    }

    // One SLA_BREACHED on each execution's own stream; a late finish records it with its final event.
    const history = (await server.data(BreachHistory, { id: finishedLate[0]! })).execution!;
    const events = history.events.edges.map((e) => e.node);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.type).slice(-2)).toEqual(['SLA_BREACHED', 'EXECUTION_COMPLETED']);
    expect(events.at(-2)!.data).toEqual({ durationMs: 4_700, slaMs: 2_500, overMs: 2_200 });
    await ingest(stillRunning.map((id) => ({ completeExecution: { id } })));
    const breaches = (await server.data(BreachEvents, { types: ['SLA_BREACHED'] })).events.edges.map((e) => e.node.executionId);
    expect(breaches).toHaveLength(200);
    expect(new Set(breaches).size).toBe(200);

    clock.advance(1_000);
    await evaluate();
    expect((await alertsOf('SLA_VIOLATION', 'storm')).map((a) => a.status)).toEqual(['FIRING', 'FIRING']);
    clock.advance(HOLD_MS);
    await evaluate();
    expect((await alertsOf('SLA_VIOLATION', 'storm')).map((a) => a.status)).toEqual(['RESOLVED', 'RESOLVED']);
    clock.advance(1_000);
    await evaluate(); // the breaches are still in the window, but counted by the resolved alerts
    expect(await alertsOf('SLA_VIOLATION', 'storm', ['PENDING', 'FIRING'])).toEqual([]);
  });

  it('pages through the executions of an alert', async () => {
    const [alert] = (await alertsOf('SLA_VIOLATION', 'storm', ['RESOLVED'])).filter((a) => a.workflow === 'backup');
    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = (await server.data(AlertExecutionsPage, { id: alert!.id, after })).node as { executions: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } };
      seen.push(...page.executions.edges.map((e) => e.node.id));
      if (!page.executions.pageInfo.hasNextPage) break;
      after = page.executions.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);

    const nowhere = Buffer.from(`ex:${clock.now().getTime()}:${randomUUID()}`).toString('base64url');
    const unknown = await server.request(AlertExecutionsPage, { id: alert!.id, after: nowhere });
    expect(unknown.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', reason: 'CURSOR_NOT_FOUND' } }]);
  });

  it('a manually resolved alert is not re-opened by the breaches it counted, only by a new one', async () => {
    const breach = async () => {
      await runningExecution(server, { namespace: 'storm', workflow: 'deploy-service', stepCount: 0, slaMs: 2_500 });
      clock.advance(3_000);
      await evaluate();
    };
    await breach();
    const [opened] = await alertsOf('SLA_VIOLATION', 'storm', ['PENDING']);
    expect(opened).toMatchObject({ workflow: 'deploy-service', value: 1 }); // the 100 before are counted by the resolved alert
    clock.advance(PENDING_MS);
    await evaluate();
    expect((await alertsOf('SLA_VIOLATION', 'storm', ['FIRING']))[0]).toMatchObject({ id: opened!.id, value: 1 });
    expect((await server.data(ResolveGrouped, { id: opened!.id })).resolveAlert.status).toBe('RESOLVED');
    clock.advance(1_000);
    await evaluate();
    expect(await alertsOf('SLA_VIOLATION', 'storm', ['PENDING', 'FIRING'])).toEqual([]);

    await breach();
    const [reopened] = await alertsOf('SLA_VIOLATION', 'storm', ['PENDING']);
    expect(reopened).toMatchObject({ workflow: 'deploy-service', value: 1 });
    expect(reopened!.id).not.toBe(opened!.id);
  });

  it('EXECUTION_TIMEOUT fires for executions still open past their timeoutMs, and clears', async () => {
    const late = await started('nightly', 3, { timeoutMs: 10_000 });
    const inTime = await started('nightly', 1, { timeoutMs: 10_000 });
    clock.advance(5_000);
    await server.data(TimeoutExecution, { id: inTime[0]! }); // timed out by the engine in time: no breach
    clock.advance(6_000);
    await evaluate();
    clock.advance(PENDING_MS);
    await evaluate();
    const [alert] = await alertsOf('EXECUTION_TIMEOUT', 'storm');
    expect(alert).toMatchObject({ status: 'FIRING', workflow: 'nightly', value: 3 });
    expect(alert!.message).toBe('nightly: 3 executions ran past their timeout in the last 15 min; worst 1 min 1 s over a 10 s timeout');
    expect(alert!.executions.edges.map((e) => e.node.id).sort()).toEqual([...late].sort());
    const history = (await server.data(BreachHistory, { id: late[0]! })).execution!;
    expect(history.timeoutBreachedAt).not.toBeNull();
    expect(history.events.edges.map((e) => e.node).find((e) => e.type === 'TIMEOUT_BREACHED')!.data).toEqual({ durationMs: 11_000, timeoutMs: 10_000, overMs: 1_000 });
    expect((await server.data(BreachHistory, { id: inTime[0]! })).execution!.timeoutBreachedAt).toBeNull();

    for (const id of late) await server.data(TimeoutExecution, { id });
    clock.advance(1_000);
    await evaluate();
    clock.advance(HOLD_MS);
    await evaluate();
    expect((await alertsOf('EXECUTION_TIMEOUT', 'storm', ['RESOLVED']))[0]).toMatchObject({ id: alert!.id });
    const timeouts = (await server.data(BreachEvents, { types: ['TIMEOUT_BREACHED'] })).events.edges;
    expect(timeouts).toHaveLength(3);
  });

  it('an execution finished within its SLA records no breach', async () => {
    const execution = await runningExecution(server, { namespace: 'storm', workflow: 'quick', stepCount: 0, slaMs: 2_500 });
    clock.advance(2_400);
    await server.data(CompleteExecution, { id: execution.id });
    const history = (await server.data(BreachHistory, { id: execution.id })).execution!;
    expect(history.slaBreachedAt).toBeNull();
    expect(history.events.edges.map((e) => e.node.type)).not.toContain('SLA_BREACHED');
  });

  // Last: once a key exists, anonymous access ends.
  it('shows an alert and its executions only to keys that may see its namespace', async () => {
    const [alert] = (await alertsOf('SLA_VIOLATION', 'storm', ['RESOLVED'])).filter((a) => a.workflow === 'backup');
    const own = (await createKey(server, { name: 'storm-reader', scopes: ['read'], namespaces: ['storm'] })).key;
    const other = (await createKey(server, { name: 'other-reader', scopes: ['read'], namespaces: ['elsewhere'] })).key;
    const page = async (key: string) => (await post(server, print(AlertExecutionsPage), { id: alert!.id }, { key })).body?.data?.node as { executions: { edges: unknown[] } } | null;
    expect((await page(own))!.executions.edges).toHaveLength(30);
    expect(await page(other)).toBeNull();
    const listed = await post(server, print(GroupedAlerts), { status: ['RESOLVED'] }, { key: other });
    expect(listed.body?.data).toEqual({ alerts: { edges: [] } });
  });
});
