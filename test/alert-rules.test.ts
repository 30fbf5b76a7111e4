/** Rule settings per namespace through GraphQL: read, set, reset, validation, scopes and namespace isolation, and their effect on rounds. */
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompleteExecution, FailExecution } from './documents.js';
import { createExecution, runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { errorCodes, manualClock, startServer, type TestServer } from './harness.js';
import { codeOf, createKey, post } from './security.js';

const RuleFields = graphql(`
  fragment RuleFields on AlertRuleSettings {
    rule namespace systemWide
    enabled { value source } severity { value source } threshold { value source } windowMs { value source }
    minSample { value source } pendingMs { value source } holdMs { value source }
  }
`);
const AlertRules = graphql(`query AlertRules($namespace: String) { alertRules(namespace: $namespace) { ...RuleFields } }`);
const SetAlertRule = graphql(`mutation SetAlertRule($input: SetAlertRuleInput!) { setAlertRule(input: $input) { ...RuleFields } }`);
const ResetAlertRule = graphql(`mutation ResetAlertRule($namespace: String!, $rule: AlertRuleName!) { resetAlertRule(namespace: $namespace, rule: $rule) { ...RuleFields } }`);
const OpenAlerts = graphql(`query RuleOpenAlerts { alerts(status: [PENDING, FIRING], first: 100) { edges { node { rule namespace status value threshold severity } } } }`);

const env = {
  MONITOR_ENABLED: 'false',
  ALERT_PENDING_MS: '60000',
  ALERT_HOLD_MS: '120000',
  ALERT_MIN_SAMPLE: '5',
  ALERT_FAILURE_RATE: '20',
  ALERT_RATE_WINDOW_MS: String(15 * 60_000),
  QUEUE_DEPTH_THRESHOLD: '3',
  MONITOR_INTERVAL_MS: '15000',
  HEALTH_CACHE_MS: '1',
};

describe('alert rule settings', () => {
  let server: TestServer;
  const clock = manualClock(new Date('2026-07-01T12:00:00.000Z'));
  beforeAll(async () => {
    server = await startServer({ clock, env });
  });
  const rulesOf = async (namespace?: string) => (await server.data(AlertRules, { namespace })).alertRules;
  const openAlerts = async () => (await server.data(OpenAlerts, undefined as never)).alerts.edges.map((e) => e.node);

  it('lists the defaults of every rule, from the environment, with the settings each rule takes', async () => {
    const rules = await rulesOf();
    expect(rules.map((r) => r.rule)).toEqual([
      'HIGH_TIMEOUT_RATE', 'HIGH_FAILURE_RATE', 'HIGH_QUEUE_DEPTH', 'COMPONENT_UNHEALTHY', 'STUCK_EXECUTION', 'SLA_VIOLATION', 'EXECUTION_TIMEOUT',
    ]);
    const failure = rules.find((r) => r.rule === 'HIGH_FAILURE_RATE')!;
    expect(failure).toMatchObject({
      namespace: null,
      systemWide: false,
      enabled: { value: true, source: 'DEFAULT' },
      severity: { value: 'WARNING', source: 'DEFAULT' },
      threshold: { value: 20, source: 'DEFAULT' },
      windowMs: { value: 900_000, source: 'DEFAULT' },
      minSample: { value: 5, source: 'DEFAULT' },
      pendingMs: { value: 60_000, source: 'DEFAULT' },
      holdMs: { value: 120_000, source: 'DEFAULT' },
    });
    expect(rules.find((r) => r.rule === 'SLA_VIOLATION')).toMatchObject({ threshold: { value: 1 }, minSample: null });
    expect(rules.find((r) => r.rule === 'HIGH_QUEUE_DEPTH')).toMatchObject({ threshold: { value: 3 }, windowMs: null, minSample: null });
    expect(rules.find((r) => r.rule === 'COMPONENT_UNHEALTHY')).toMatchObject({ namespace: '_system', systemWide: true, severity: { value: 'CRITICAL' }, threshold: null });
  });

  it('sets, keeps what is left out, puts back what is null, and resets', async () => {
    const set = (input: Record<string, unknown>) => server.data(SetAlertRule, { input: { namespace: 'tuned', rule: 'HIGH_QUEUE_DEPTH', ...input } as never });
    expect((await set({ threshold: 1, pendingMs: 0 })).setAlertRule).toMatchObject({
      namespace: 'tuned',
      threshold: { value: 1, source: 'NAMESPACE' },
      pendingMs: { value: 0, source: 'NAMESPACE' },
      holdMs: { value: 120_000, source: 'DEFAULT' },
    });
    expect((await set({ holdMs: 5_000 })).setAlertRule).toMatchObject({ threshold: { value: 1, source: 'NAMESPACE' }, holdMs: { value: 5_000, source: 'NAMESPACE' } });
    expect((await set({ holdMs: null })).setAlertRule).toMatchObject({ threshold: { source: 'NAMESPACE' }, holdMs: { value: 120_000, source: 'DEFAULT' } });
    expect((await rulesOf('tuned')).find((r) => r.rule === 'HIGH_QUEUE_DEPTH')).toMatchObject({ threshold: { value: 1, source: 'NAMESPACE' } });
    expect((await rulesOf('other')).find((r) => r.rule === 'HIGH_QUEUE_DEPTH')).toMatchObject({ threshold: { value: 3, source: 'DEFAULT' } });

    await set({ threshold: 1, pendingMs: 0 });
    const reset = (await server.data(ResetAlertRule, { namespace: 'tuned', rule: 'HIGH_QUEUE_DEPTH' })).resetAlertRule;
    expect(reset).toMatchObject({ threshold: { value: 3, source: 'DEFAULT' }, pendingMs: { value: 60_000, source: 'DEFAULT' } });
  });

  it('rejects bad settings with one BAD_USER_INPUT naming every bad field', async () => {
    const result = await server.request(SetAlertRule, {
      input: { namespace: 'tuned', rule: 'HIGH_FAILURE_RATE', threshold: 150, windowMs: 10, minSample: 0, holdMs: -1 },
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    const problems = result.errors![0]!.extensions!.problems as { field: string; message: string }[];
    expect(problems.map((p) => p.field).sort()).toEqual(['holdMs', 'minSample', 'threshold', 'windowMs']);
    expect(result.errors![0]!.message).toContain('windowMs: must be at least the evaluation interval (MONITOR_INTERVAL_MS, 15 s)');

    const notTaken = await server.request(SetAlertRule, { input: { namespace: 'tuned', rule: 'SLA_VIOLATION', minSample: 5, threshold: 0.5 } });
    expect(errorCodes(notTaken)).toEqual(['BAD_USER_INPUT']);
    expect(notTaken.errors![0]!.message).toContain('minSample: does not apply to SLA_VIOLATION');
    expect(notTaken.errors![0]!.message).toContain('threshold: must be a whole number');

    const badNamespace = await server.request(SetAlertRule, { input: { namespace: 'not a namespace', rule: 'HIGH_QUEUE_DEPTH', threshold: 2 } });
    expect(badNamespace.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'namespace' }] });
    const systemWide = await server.request(SetAlertRule, { input: { namespace: 'tuned', rule: 'COMPONENT_UNHEALTHY', pendingMs: 0 } });
    expect(systemWide.errors![0]!).toMatchObject({ message: expect.stringContaining('namespace "_system"'), extensions: { code: 'BAD_USER_INPUT' } });
    expect((await rulesOf('tuned')).find((r) => r.rule === 'HIGH_FAILURE_RATE')).toMatchObject({ threshold: { source: 'DEFAULT' } });
  });

  it('applies a namespace override in the next round: threshold, pending period, window, enabled', async () => {
    await server.data(SetAlertRule, { input: { namespace: 'eager', rule: 'HIGH_QUEUE_DEPTH', threshold: 1, pendingMs: 0, severity: 'INFO' } });
    await server.data(SetAlertRule, { input: { namespace: 'short-window', rule: 'HIGH_FAILURE_RATE', windowMs: 60_000 } });
    await server.data(SetAlertRule, { input: { namespace: 'muted', rule: 'HIGH_FAILURE_RATE', enabled: false } });
    for (const namespace of ['eager', 'plain']) for (let i = 0; i < 2; i++) await createExecution(server, { namespace, stepCount: 0, queued: true });
    for (const namespace of ['short-window', 'long-window', 'muted']) {
      for (let i = 0; i < 5; i++) {
        const execution = await runningExecution(server, { namespace, stepCount: 0 });
        if (i < 2) await server.data(FailExecution, { id: execution.id, error: 'boom' });
        else await server.data(CompleteExecution, { id: execution.id });
      }
    }
    clock.advance(2 * 60_000); // past the short window, within the default one

    await server.app.services.alerts.evaluate();
    const open = await openAlerts();
    expect(open.filter((a) => a.rule === 'HIGH_QUEUE_DEPTH')).toEqual([{ rule: 'HIGH_QUEUE_DEPTH', namespace: 'eager', status: 'FIRING', value: 2, threshold: 1, severity: 'INFO' }]);
    expect(open.filter((a) => a.rule === 'HIGH_FAILURE_RATE').map((a) => [a.namespace, a.status])).toEqual([['long-window', 'PENDING']]);
  });
});

describe('alert rule settings: scopes and namespaces', () => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    server = await startServer({ env });
    const make = async (name: string, scopes: ('read' | 'ingest' | 'alerts:write' | 'admin')[], namespaces?: string[]) =>
      (keys[name] = (await createKey(server, { name, scopes, namespaces })).key);
    await make('reader', ['read'], ['team-a']);
    await make('engine', ['ingest'], ['team-a']);
    await make('writer', ['read', 'alerts:write'], ['team-a']);
    await make('global-writer', ['alerts:write']);
    await make('admin', ['admin']);
  });
  const set = (key: string, input: Record<string, unknown>) => post(server, print(SetAlertRule), { input }, { key });
  const list = (key: string, namespace?: string) => post(server, print(AlertRules), { namespace }, { key });

  it('needs alerts:write or admin to change settings, and read to see them', async () => {
    const input = { namespace: 'team-a', rule: 'HIGH_QUEUE_DEPTH', threshold: 7 };
    const denied = await set(keys.reader!, input);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    expect(denied.body?.errors?.[0]?.message).toContain('alerts:write');
    expect(codeOf(await set(keys.engine!, input))).toBe('FORBIDDEN');
    expect((await set(keys.writer!, input)).body?.data).toMatchObject({ setAlertRule: { threshold: { value: 7, source: 'NAMESPACE' } } });
    expect((await set(keys.admin!, { ...input, threshold: 8 })).body?.data).toMatchObject({ setAlertRule: { threshold: { value: 8 } } });
    expect(codeOf(await list(keys.engine!, 'team-a'))).toBe('FORBIDDEN');
  });

  it('keeps a key limited to namespaces to its own, and system-wide rules to keys without a limit', async () => {
    expect(codeOf(await set(keys.writer!, { namespace: 'team-b', rule: 'HIGH_QUEUE_DEPTH', threshold: 7 }))).toBe('FORBIDDEN');
    const reset = await post(server, print(ResetAlertRule), { namespace: 'team-b', rule: 'HIGH_QUEUE_DEPTH' }, { key: keys.writer! });
    expect(codeOf(reset)).toBe('FORBIDDEN');
    expect(codeOf(await set(keys.writer!, { namespace: '_system', rule: 'COMPONENT_UNHEALTHY', pendingMs: 0 }))).toBe('FORBIDDEN');
    expect((await set(keys['global-writer']!, { namespace: '_system', rule: 'COMPONENT_UNHEALTHY', pendingMs: 0 })).body?.data).toMatchObject({
      setAlertRule: { namespace: '_system', pendingMs: { value: 0, source: 'NAMESPACE' } },
    });

    const own = (await list(keys.reader!, 'team-a')).body?.data?.alertRules as { rule: string; threshold: { value: number } | null }[];
    expect(own.map((r) => r.rule)).not.toContain('COMPONENT_UNHEALTHY');
    expect(own.find((r) => r.rule === 'HIGH_QUEUE_DEPTH')?.threshold?.value).toBe(8);
    expect((await list(keys.reader!, 'team-b')).body?.data).toEqual({ alertRules: [] });
    const everything = (await list(keys.admin!)).body?.data?.alertRules as { rule: string; pendingMs: { value: number } }[];
    expect(everything.find((r) => r.rule === 'COMPONENT_UNHEALTHY')?.pendingMs.value).toBe(0);
  });

  it('holds the same over WebSocket', async () => {
    const client = server.wsClient({ connectionParams: { apiKey: keys.writer } });
    const result = await new Promise<{ errors?: readonly { extensions?: Record<string, unknown> }[] }>((resolve) => {
      client.subscribe({ query: print(SetAlertRule), variables: { input: { namespace: 'team-b', rule: 'HIGH_QUEUE_DEPTH', threshold: 7 } } }, {
        next: (value) => resolve(value as never),
        error: (error) => resolve({ errors: error as never }),
        complete: () => {},
      });
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
