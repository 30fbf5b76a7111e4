/** The pure rules of notifications (src/domain/notifications.ts, notification-payloads.ts): no server, so on one project only. */
import { describe, expect, it } from 'vitest';
import type { Alert, AlertLabels } from '../src/domain/alerts.js';
import { alertmanagerBody, slackBody, webhookBody, type NotificationContent } from '../src/domain/notification-payloads.js';
import {
  compileSelector,
  confineToNamespaces,
  decideGroup,
  groupOf,
  outcomeOf,
  planGroups,
  redactUrl,
  retryDelayMs,
  routesOf,
  validateMatchers,
  validateSilenceMatchers,
  type GroupTiming,
  type Matcher,
  type PlannedRoute,
} from '../src/domain/notifications.js';
import { onPostgres } from './harness.js';

const labels = (overrides: Partial<AlertLabels> = {}): AlertLabels => ({
  rule: 'HIGH_QUEUE_DEPTH',
  namespace: 'payments',
  workflow: '',
  severity: 'WARNING',
  subject: '',
  ...overrides,
});
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const timing: GroupTiming = { groupWaitMs: 30_000, groupIntervalMs: 60_000, repeatIntervalMs: 600_000, sendResolved: true };
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return null;
};

describe.runIf(!onPostgres)('label matchers', () => {
  const test = (matchers: Matcher[], namespaces: string[] | null = null) => compileSelector({ matchers, namespaces });

  it('match like Alertmanager: =, !=, and anchored RE2 regexes', () => {
    expect(test([{ label: 'namespace', operator: 'EQUAL', value: 'payments' }])(labels())).toBe(true);
    expect(test([{ label: 'namespace', operator: 'NOT_EQUAL', value: 'payments' }])(labels())).toBe(false);
    expect(test([{ label: 'rule', operator: 'REGEX', value: 'HIGH_.*' }])(labels())).toBe(true);
    // Anchored at both ends: a part of the value is not a match.
    expect(test([{ label: 'rule', operator: 'REGEX', value: 'QUEUE' }])(labels())).toBe(false);
    expect(test([{ label: 'rule', operator: 'NOT_REGEX', value: 'HIGH_.*' }])(labels())).toBe(false);
    expect(test([{ label: 'workflow', operator: 'EQUAL', value: '' }])(labels())).toBe(true);
    expect(test([])(labels())).toBe(true);
  });

  it('stay within the namespaces a selector is confined to', () => {
    expect(test([], ['payments'])(labels())).toBe(true);
    expect(test([], ['billing'])(labels())).toBe(false);
    expect(test([], [])(labels({ namespace: '' }))).toBe(false);
  });

  it('reject bad regexes, too many matchers and silences that would match everything', () => {
    expect(codeOf(() => validateMatchers([{ label: 'rule', operator: 'REGEX', value: '(unclosed' }]))).toBe('BAD_USER_INPUT');
    // A backreference is not RE2: it could take exponential time, so it is refused.
    expect(codeOf(() => validateMatchers([{ label: 'rule', operator: 'REGEX', value: '(a)\\1' }]))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateMatchers(Array.from({ length: 21 }, () => ({ label: 'rule' as const, operator: 'EQUAL' as const, value: 'x' }))))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateSilenceMatchers([]))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateSilenceMatchers([{ label: 'rule', operator: 'REGEX', value: '.*' }]))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateSilenceMatchers([{ label: 'rule', operator: 'EQUAL', value: 'X' }]))).toBeNull();
  });

  it('confine a limited key to the namespaces of its own that the matchers admit', () => {
    const ns = (operator: Matcher['operator'], value: string): Matcher[] => [{ label: 'namespace', operator, value }];
    expect(confineToNamespaces(ns('EQUAL', 'a'), ['a', 'b'])).toEqual(['a']);
    expect(confineToNamespaces(ns('REGEX', 'a|zzz'), ['a', 'b'])).toEqual(['a']);
    expect(confineToNamespaces(ns('REGEX', '.*'), ['a', 'b'])).toEqual(['a', 'b']);
    expect(codeOf(() => confineToNamespaces(ns('EQUAL', 'c'), ['a', 'b']))).toBe('FORBIDDEN');
  });
});

describe.runIf(!onPostgres)('routes and groups', () => {
  const route = (id: string, matchers: Matcher[], options: Partial<PlannedRoute> = {}): PlannedRoute => ({
    id,
    test: compileSelector({ matchers, namespaces: null }),
    continue: false,
    groupBy: ['rule', 'namespace'],
    timing,
    ...options,
  });

  it('take the first matching route by position, and the next ones while a taken route says continue', () => {
    const routes = [
      route('audit', [], { continue: true }),
      route('payments', [{ label: 'namespace', operator: 'EQUAL', value: 'payments' }]),
      route('fallback', []),
    ];
    expect(routesOf(routes, labels()).map((r) => r.id)).toEqual(['audit', 'payments']);
    expect(routesOf(routes, labels({ namespace: 'billing' })).map((r) => r.id)).toEqual(['audit', 'fallback']);
  });

  it('group by the route and its groupBy labels', () => {
    const r = route('r', [], { groupBy: ['namespace', 'rule'] });
    expect(groupOf(r, labels())).toEqual({ key: 'r:{namespace="payments",rule="HIGH_QUEUE_DEPTH"}', labels: { namespace: 'payments', rule: 'HIGH_QUEUE_DEPTH' } });
    expect(groupOf(r, labels({ subject: 'other' })).key).toBe(groupOf(r, labels()).key);
    expect(groupOf(route('all', [], { groupBy: [] }), labels()).key).toBe('all:{}');
  });
});

describe.runIf(!onPostgres)('group timing (groupWait, groupInterval, repeatInterval)', () => {
  const members = (firing: string[], resolved: string[] = [], silenced: string[] = []) => ({ firing, resolved, silenced });

  it('a new group waits groupWait, then notifies every firing alert at once', () => {
    const opened = decideGroup(null, members(['a']), timing, at(0));
    expect(opened.notify).toBeNull();
    const waiting = decideGroup(opened.state, members(['a', 'b']), timing, at(29_999));
    expect(waiting.notify).toBeNull();
    const first = decideGroup(waiting.state, members(['a', 'b']), timing, at(30_000));
    expect(first.notify).toEqual({ firing: ['a', 'b'], resolved: [] });
    expect(first.state).toMatchObject({ lastNotifiedAt: at(30_000), notified: ['a', 'b'] });
  });

  it('a change waits groupInterval after the last notification; an unchanged group repeats after repeatInterval', () => {
    const notified = { createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['a'] };
    expect(decideGroup(notified, members(['a', 'b']), timing, at(89_999)).notify).toBeNull();
    expect(decideGroup(notified, members(['a', 'b']), timing, at(90_000)).notify).toEqual({ firing: ['a', 'b'], resolved: [] });
    expect(decideGroup(notified, members(['a']), timing, at(90_000)).notify).toBeNull();
    expect(decideGroup(notified, members(['a']), timing, at(629_999)).notify).toBeNull();
    expect(decideGroup(notified, members(['a']), timing, at(630_000)).notify).toEqual({ firing: ['a'], resolved: [] });
  });

  it('resolved alerts go out in the next notification when sendResolved, and the group then closes', () => {
    const notified = { createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['a'] };
    const waiting = decideGroup(notified, members([], ['a']), timing, at(60_000));
    expect(waiting).toMatchObject({ notify: null, state: { notified: ['a'] } });
    expect(decideGroup(waiting.state, members([], ['a']), timing, at(90_000))).toEqual({ notify: { firing: [], resolved: ['a'] }, state: null });
    // Without sendResolved nothing is sent and the group closes at once.
    expect(decideGroup(notified, members([], ['a']), { ...timing, sendResolved: false }, at(60_000))).toEqual({ notify: null, state: null });
  });

  it('a silenced alert is left out and, once its silence ends, counts as a change again', () => {
    const notified = { createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['a'] };
    const silenced = decideGroup(notified, members([], [], ['a']), timing, at(40_000));
    expect(silenced).toMatchObject({ notify: null, state: { notified: [] } });
    expect(decideGroup(silenced.state, members([], [], ['a']), timing, at(700_000)).notify).toBeNull();
    expect(decideGroup(silenced.state, members(['a']), timing, at(700_000)).notify).toEqual({ firing: ['a'], resolved: [] });
  });

  it('plans only the groups that change, and brings back the resolved alerts a group reported', () => {
    const r: PlannedRoute = { id: 'r', test: () => true, continue: false, groupBy: ['namespace'], timing };
    const alerts = [
      { id: 'a', labels: labels(), open: true, silenced: false },
      { id: 'b', labels: labels({ namespace: 'billing' }), open: false, silenced: false },
    ];
    const stored = [
      { key: 'r:{namespace="payments"}', routeId: 'r', labels: { namespace: 'payments' }, createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['a'] },
      { key: 'r:{namespace="billing"}', routeId: 'r', labels: { namespace: 'billing' }, createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['b'] },
    ];
    const plans = planGroups([r], alerts, stored, at(90_000));
    expect(plans).toEqual([expect.objectContaining({ key: 'r:{namespace="billing"}', notify: { firing: [], resolved: ['b'] }, state: null })]);
  });

  it("does not announce the resolution of an alert a silence selects", () => {
    const r: PlannedRoute = { id: 'r', test: () => true, continue: false, groupBy: [], timing };
    const stored = [{ key: 'r:{}', routeId: 'r', labels: {}, createdAt: at(0), lastNotifiedAt: at(30_000), notified: ['b'] }];
    const plans = planGroups([r], [{ id: 'b', labels: labels(), open: false, silenced: true }], stored, at(90_000));
    expect(plans).toEqual([expect.objectContaining({ key: 'r:{}', notify: null, state: null })]);
  });
});

describe.runIf(!onPostgres)('delivery attempts', () => {
  const policy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 5 };

  it('back off exponentially with full jitter, capped, and honour a longer Retry-After', () => {
    expect(retryDelayMs(1, policy, 0.999)).toBe(999);
    expect(retryDelayMs(4, policy, 0.5)).toBe(4_000);
    expect(retryDelayMs(30, policy, 0.999)).toBe(59_940);
    expect(retryDelayMs(1, policy, 0)).toBe(0);
    expect(retryDelayMs(1, policy, 0.5, 10_000)).toBe(10_000);
    expect(retryDelayMs(1, policy, 0.5, 600_000)).toBe(60_000);
  });

  it('deliver on 2xx, retry 408, 429, 5xx and network errors, fail other answers at once and after the last attempt', () => {
    const now = at(0);
    const result = (statusCode: number | null, error: string | null = null) => ({ statusCode, retryAfterMs: null, error });
    expect(outcomeOf(result(204), 1, policy, 0.5, now)).toMatchObject({ status: 'DELIVERED', deliveredAt: now, lastError: null });
    for (const status of [408, 429, 500, 503]) expect(outcomeOf(result(status, `HTTP ${status}`), 1, policy, 0.5, now).status).toBe('PENDING');
    expect(outcomeOf(result(null, 'connection refused'), 2, policy, 0.5, now)).toMatchObject({ status: 'PENDING', nextAttemptAt: at(1_000) });
    expect(outcomeOf(result(400, 'HTTP 400'), 1, policy, 0.5, now)).toMatchObject({ status: 'FAILED', lastError: 'HTTP 400 (not retried)' });
    expect(outcomeOf(result(302, 'HTTP 302'), 1, policy, 0.5, now).status).toBe('FAILED');
    expect(outcomeOf(result(503, 'HTTP 503'), 5, policy, 0.5, now)).toMatchObject({ status: 'FAILED', lastError: 'HTTP 503 (gave up after 5 attempts)' });
  });

  it('show a URL without its credentials, path or query', () => {
    expect(redactUrl('https://user:pass@hooks.slack.com/services/T0/B0/XXXX?token=1')).toBe('https://hooks.slack.com/***?***');
    expect(redactUrl('http://127.0.0.1:9093')).toBe('http://127.0.0.1:9093');
  });
});

describe.runIf(!onPostgres)('payloads', () => {
  const alert = (id: string, overrides: Partial<Alert> = {}): Alert => ({
    id,
    fingerprint: `HIGH_QUEUE_DEPTH|payments|${id}`,
    rule: 'HIGH_QUEUE_DEPTH',
    severity: 'WARNING',
    namespace: 'payments',
    workflow: null,
    subject: id,
    message: `5 executions are queued <${id}>`,
    value: 5,
    threshold: 3,
    status: 'FIRING',
    firstSeenAt: at(0),
    lastSeenAt: at(10_000),
    clearSince: null,
    occurrences: 3,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    ...overrides,
  });
  const content: NotificationContent = {
    receiver: 'ops',
    groupKey: 'r:{namespace="payments"}',
    groupLabels: { namespace: 'payments' },
    alerts: [
      { alert: alert('x'), apiId: 'QWxlcnQ6eA', labels: labels({ subject: 'x' }), status: 'firing' },
      { alert: alert('y', { status: 'RESOLVED', resolvedAt: at(20_000) }), apiId: 'QWxlcnQ6eQ', labels: labels({ subject: 'y' }), status: 'resolved' },
    ],
  };
  const options = { now: at(30_000), externalUrl: 'https://runwatch.example.com', alertmanagerEndsInMs: 240_000 };

  it('webhook: Alertmanager webhook fields plus the alert figures', () => {
    const body = JSON.parse(webhookBody(content, options));
    expect(body).toMatchObject({
      version: '1',
      status: 'firing',
      receiver: 'ops',
      groupLabels: { namespace: 'payments' },
      commonLabels: { rule: 'HIGH_QUEUE_DEPTH', namespace: 'payments', severity: 'WARNING' },
      externalURL: 'https://runwatch.example.com',
    });
    expect(body.commonLabels.subject).toBeUndefined();
    expect(body.alerts[0]).toMatchObject({ status: 'firing', endsAt: null, id: 'QWxlcnQ6eA', value: 5, threshold: 3, occurrences: 3 });
    expect(body.alerts[1]).toMatchObject({ status: 'resolved', endsAt: at(20_000).toISOString() });
  });

  it('slack: a title and one escaped line per alert', () => {
    const body = JSON.parse(slackBody(content));
    expect(body.text).toBe('[FIRING:1] namespace=payments');
    expect(body.blocks[1].text.text.split('\n')).toHaveLength(2);
    expect(body.blocks[1].text.text).toContain('&lt;x&gt;');
  });

  it('alertmanager: labels without empty values, firing ones ending after the resend margin', () => {
    const [firing, resolved] = JSON.parse(alertmanagerBody(content, options));
    expect(firing.labels).toEqual({ alertname: 'HIGH_QUEUE_DEPTH', namespace: 'payments', severity: 'WARNING', subject: 'x', source: 'runwatch' });
    expect(firing.endsAt).toBe(at(270_000).toISOString());
    expect(resolved.endsAt).toBe(at(20_000).toISOString());
    expect(firing.generatorURL).toBe('https://runwatch.example.com/');
  });
});
