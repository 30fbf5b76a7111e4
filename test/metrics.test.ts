import { readdirSync, readFileSync } from 'node:fs';
import { seededRandom } from '../src/domain/random.js';
import { print } from 'graphql';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/query.js';
import { RELATIVE_ERROR_BOUND } from '../src/domain/histogram.js';
import { graphql } from './gql/index.js';
import type { MetricsWindowQuery } from './gql/graphql.js';
import { errorCodes, eventually, manualClock, startServer, type TestServer } from './harness.js';

const DurationFields = graphql(`
  fragment MetricsDurationFields on DurationStats { count avgMs minMs maxMs p50Ms p95Ms p99Ms }
`);
const StepMetricsFields = graphql(`
  fragment MetricsStepFields on StepMetrics {
    type total completed failed skipped retries successRate firstAttemptSuccessRate duration { ...MetricsDurationFields }
  }
`);
const MetricsWindow = graphql(`
  query MetricsWindow($from: DateTime, $to: DateTime, $namespace: String, $workflow: String, $exact: Boolean) {
    metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow, exact: $exact) {
      from to exact total completed failed cancelled timedOut running queued successRate failureRate timeoutRate
      duration { ...MetricsDurationFields } queueTime { ...MetricsDurationFields }
      slaTracked slaViolations slaComplianceRate
      steps { ...MetricsStepFields }
    }
  }
`);
const StepMetricsQuery = graphql(`
  query MetricsSteps($from: DateTime, $to: DateTime, $namespace: String, $exact: Boolean) {
    stepMetrics(from: $from, to: $to, namespace: $namespace, exact: $exact) { ...MetricsStepFields }
  }
`);
const Timeseries = graphql(`
  query MetricsTimeseries($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $exact: Boolean) {
    metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, exact: $exact) {
      start end total completed failed timedOut p50Ms p95Ms p99Ms
    }
  }
`);
const System = graphql(`
  query MetricsSystem($namespace: String) {
    systemMetrics(namespace: $namespace) { activeExecutions queueDepth oldestQueuedAgeMs eventsLastMinute liveSubscriptions checkedAt }
  }
`);
const Summary = graphql(`
  query MetricsSummaryQuery($namespace: String) {
    metricsSummary(namespace: $namespace) {
      lastHour { from to total exact }
      lastDay { from to total completed duration { ...MetricsDurationFields } }
      system { activeExecutions queueDepth }
    }
  }
`);
const Create = graphql(`
  mutation MetricsCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id steps { id type } } }
`);
const Start = graphql(`mutation MetricsStart($id: ID!) { startExecution(id: $id) { id } }`);
const Complete = graphql(`mutation MetricsComplete($id: ID!) { completeExecution(id: $id) { id } }`);
const Fail = graphql(`mutation MetricsFail($id: ID!) { failExecution(id: $id, error: "boom") { id } }`);
const Cancel = graphql(`mutation MetricsCancel($id: ID!) { cancelExecution(id: $id) { id } }`);
const Timeout = graphql(`mutation MetricsTimeout($id: ID!) { timeoutExecution(id: $id) { id } }`);
const StepStart = graphql(`mutation MetricsStepStart($id: ID!) { startStep(stepId: $id) { id } }`);
const StepComplete = graphql(`mutation MetricsStepComplete($id: ID!) { completeStep(stepId: $id) { id } }`);
const StepFail = graphql(`
  mutation MetricsStepFail($id: ID!, $retry: Boolean) { failStep(stepId: $id, error: "nope", retry: $retry) { id attempt status } }
`);
const StepSkip = graphql(`mutation MetricsStepSkip($id: ID!) { skipStep(stepId: $id) { id } }`);
const Subscribe = graphql(`subscription MetricsSubscribe { events { id } }`);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const base = Date.parse('2026-03-01T00:00:00.000Z');
const now = base + 2 * DAY + 2 * HOUR;
const clock = manualClock(new Date(base));
let server: TestServer;

type Outcome = 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED' | 'RUNNING' | 'QUEUED' | 'PENDING';
interface Spec {
  createdAt: number;
  workflow: string;
  queued: boolean;
  queueMs: number;
  /** null: never starts (cancelled from the queue, still queued or pending). */
  runMs: number | null;
  outcome: Outcome;
  slaMs: number | null;
}

/** Known data: 64 executions spread over two days at odd seconds, every outcome, SLAs, queues. */
function buildSpecs(): Spec[] {
  const rng = seededRandom(7);
  const outcomes: Outcome[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];
  const specs: Spec[] = [];
  for (let i = 0; i < 60; i++) {
    const outcome = outcomes[i % outcomes.length]!;
    const queued = i % 3 === 0;
    const neverStarts = outcome === 'CANCELLED' && i % 2 === 0;
    specs.push({
      createdAt: base + Math.floor(rng() * (2 * DAY - 2 * MINUTE)),
      workflow: i % 2 ? 'alpha' : 'beta',
      queued,
      queueMs: Math.round(100 + rng() * 5_000),
      runMs: neverStarts ? null : Math.round(150 * Math.exp(rng() * 6)),
      outcome,
      slaMs: i % 4 === 0 ? 5_000 : null,
    });
  }
  // still running: one past its SLA, one not; one queued; one pending
  specs.push({ createdAt: base + 10 * HOUR + 1_234, workflow: 'alpha', queued: false, queueMs: 0, runMs: null, outcome: 'RUNNING', slaMs: 1_000 });
  specs.push({ createdAt: base + 11 * HOUR + 5_678, workflow: 'beta', queued: true, queueMs: 700, runMs: null, outcome: 'RUNNING', slaMs: 20 * DAY });
  specs.push({ createdAt: base + 12 * HOUR + 42, workflow: 'alpha', queued: true, queueMs: 0, runMs: null, outcome: 'QUEUED', slaMs: null });
  specs.push({ createdAt: base + 13 * HOUR + 999, workflow: 'beta', queued: false, queueMs: 0, runMs: null, outcome: 'PENDING', slaMs: 2_000 });
  return specs;
}

const specs = buildSpecs();
/** Outside [base, base + 2d): just before, and exactly at the end. */
const outside: Spec[] = [
  { createdAt: base - 1, workflow: 'alpha', queued: false, queueMs: 0, runMs: 1_000, outcome: 'COMPLETED', slaMs: null },
  { createdAt: base + 2 * DAY, workflow: 'alpha', queued: false, queueMs: 0, runMs: 1_000, outcome: 'FAILED', slaMs: null },
];

async function play(spec: Spec) {
  clock.set(new Date(spec.createdAt));
  const { createExecution } = await server.data(Create, {
    input: { workflow: spec.workflow, namespace: 'm1', steps: [], queued: spec.queued, slaMs: spec.slaMs },
  });
  const id = createExecution.id;
  if (spec.outcome === 'QUEUED' || spec.outcome === 'PENDING') return;
  const startAt = spec.createdAt + (spec.queued ? spec.queueMs : 250);
  if (spec.runMs === null && spec.outcome === 'CANCELLED') {
    clock.set(new Date(startAt));
    await server.data(Cancel, { id });
    return;
  }
  clock.set(new Date(startAt));
  await server.data(Start, { id });
  if (spec.outcome === 'RUNNING') return;
  clock.set(new Date(startAt + spec.runMs!));
  const finish = { COMPLETED: Complete, FAILED: Fail, TIMED_OUT: Timeout, CANCELLED: Cancel }[spec.outcome];
  await server.data(finish as typeof Complete, { id });
}

// ---- the independent computation ------------------------------------------------------------

function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo]! + (pos - lo) * (s[Math.ceil(pos)]! - s[lo]!);
}

function durationStats(values: number[]) {
  return {
    count: values.length,
    avgMs: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    minMs: values.length ? Math.min(...values) : null,
    maxMs: values.length ? Math.max(...values) : null,
    p50Ms: percentileCont(values, 0.5),
    p95Ms: percentileCont(values, 0.95),
    p99Ms: percentileCont(values, 0.99),
  };
}

const FINAL = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];
const pct = (a: number, b: number) => (b ? (100 * a) / b : null);

function expected(from: number, to: number, all = [...specs, ...outside]) {
  const inWindow = all.filter((s) => s.createdAt >= from && s.createdAt < to);
  const finished = inWindow.filter((s) => FINAL.includes(s.outcome));
  const count = (o: Outcome) => inWindow.filter((s) => s.outcome === o).length;
  const startOf = (s: Spec) => s.createdAt + (s.queued ? s.queueMs : 250);
  const durations = finished.filter((s) => s.runMs !== null).map((s) => s.runMs!);
  const queueTimes = finished.filter((s) => s.queued).map((s) => s.queueMs);
  const runningPast = inWindow.filter((s) => s.outcome === 'RUNNING' && s.slaMs !== null && now - startOf(s) > s.slaMs);
  // Never started (cancelled from the queue): no duration to hold to an SLA, not tracked.
  const slaTracked = finished.filter((s) => s.slaMs !== null && s.runMs !== null).length + runningPast.length;
  const slaViolations =
    finished.filter((s) => s.slaMs !== null && s.runMs !== null && s.runMs > s.slaMs).length + runningPast.length;
  return {
    total: inWindow.length,
    completed: count('COMPLETED'),
    failed: count('FAILED'),
    cancelled: count('CANCELLED'),
    timedOut: count('TIMED_OUT'),
    running: count('RUNNING'),
    queued: count('QUEUED'),
    successRate: pct(count('COMPLETED'), finished.length),
    failureRate: pct(count('FAILED'), finished.length),
    timeoutRate: pct(count('TIMED_OUT'), finished.length),
    duration: durationStats(durations),
    queueTime: durationStats(queueTimes),
    slaTracked,
    slaViolations,
    slaComplianceRate: pct(slaTracked - slaViolations, slaTracked),
  };
}

type Stats = ReturnType<typeof durationStats>;
const iso = (ms: number) => new Date(ms).toISOString();

function expectExactStats(actual: Stats, wanted: Stats) {
  expect(actual.count).toBe(wanted.count);
  for (const key of ['avgMs', 'minMs', 'maxMs', 'p50Ms', 'p95Ms', 'p99Ms'] as const) {
    if (wanted[key] === null) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(wanted[key]!, 6);
  }
}

/** Rollups: counts, min, max and avg exact; percentiles within the stated relative bound. */
function expectRollupStats(actual: Stats, wanted: Stats) {
  expect(actual.count).toBe(wanted.count);
  for (const key of ['avgMs', 'minMs', 'maxMs'] as const) {
    if (wanted[key] === null) expect(actual[key], key).toBeNull();
    else expect(actual[key], key).toBeCloseTo(wanted[key]!, 6);
  }
  for (const key of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
    if (wanted[key] === null) expect(actual[key], key).toBeNull();
    else expect(Math.abs(actual[key]! - wanted[key]!), key).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND * wanted[key]! + 1e-9);
  }
}

function expectMetrics(actual: MetricsWindowQuery['metrics'], wanted: ReturnType<typeof expected>, exact: boolean) {
  const { duration, queueTime, ...counts } = wanted;
  for (const [key, value] of Object.entries(counts)) {
    if (value === null) expect(actual[key as keyof typeof actual], key).toBeNull();
    else expect(actual[key as keyof typeof actual], key).toBeCloseTo(value, 9);
  }
  expect(actual.exact).toBe(exact);
  (exact ? expectExactStats : expectRollupStats)(actual.duration, duration);
  (exact ? expectExactStats : expectRollupStats)(actual.queueTime, queueTime);
}

beforeAll(async () => {
  server = await startServer({ clock, env: { MONITOR_ENABLED: 'false' } }); // no alert events: eventsLastMinute is asserted
  for (const spec of [...specs, ...outside]) await play(spec);
  clock.set(new Date(now));
});

describe('metrics', () => {
  const from = iso(base);
  const to = iso(base + 2 * DAY);

  it('answers known data exactly from the raw rows', async () => {
    const { metrics } = await server.data(MetricsWindow, { from, to, namespace: 'm1', exact: true });
    expect(metrics.from).toBe(from);
    expect(metrics.to).toBe(to);
    const wanted = expected(base, base + 2 * DAY);
    expect(wanted.completed).toBeGreaterThan(10);
    expect(wanted.slaViolations).toBeGreaterThan(1);
    expect(specs.filter((s) => s.slaMs !== null && s.runMs === null && s.outcome === 'CANCELLED').length).toBeGreaterThan(1);
    expectMetrics(metrics, wanted, true);
  });

  it('answers the same from the rollups, percentiles within the stated bound', async () => {
    const { metrics } = await server.data(MetricsWindow, { from, to, namespace: 'm1' });
    expectMetrics(metrics, expected(base, base + 2 * DAY), false);
    const { metrics: forced } = await server.data(MetricsWindow, { from, to, namespace: 'm1', exact: false });
    expectMetrics(forced, expected(base, base + 2 * DAY), false);
  });

  it('counts sub-minute window edges from the raw rows, and filters by workflow', async () => {
    const start = base + 7 * HOUR + 13 * MINUTE + 17_500;
    const end = base + 41 * HOUR + 7 * MINUTE + 3_250;
    for (const exact of [true, false]) {
      const { metrics } = await server.data(MetricsWindow, { from: iso(start), to: iso(end), namespace: 'm1', exact });
      expectMetrics(metrics, expected(start, end), exact);
      const alpha = await server.data(MetricsWindow, { from: iso(start), to: iso(end), workflow: 'alpha', exact });
      expectMetrics(alpha.metrics, expected(start, end, [...specs, ...outside].filter((s) => s.workflow === 'alpha')), exact);
    }
  });

  it('defaults to the last 24 hours', async () => {
    const { metrics } = await server.data(MetricsWindow, { namespace: 'm1' });
    expect(metrics.from).toBe(iso(now - DAY));
    expect(metrics.to).toBe(iso(now));
    expectMetrics(metrics, expected(now - DAY, now), false);
  });

  it('gives zeros and nulls for an empty window, both ways', async () => {
    for (const exact of [true, false, null]) {
      const { metrics } = await server.data(MetricsWindow, { from: iso(base - 10 * DAY), to: iso(base - 5 * DAY), exact });
      const empty = { count: 0, avgMs: null, minMs: null, maxMs: null, p50Ms: null, p95Ms: null, p99Ms: null };
      expect(metrics).toMatchObject({
        total: 0, completed: 0, failed: 0, cancelled: 0, timedOut: 0, running: 0, queued: 0,
        successRate: null, failureRate: null, timeoutRate: null, duration: empty, queueTime: empty,
        slaTracked: 0, slaViolations: 0, slaComplianceRate: null, steps: [],
      });
    }
  });

  it('rejects bad windows with BAD_USER_INPUT', async () => {
    const bad = [
      { from: to, to: from },
      { from, to: from },
      { from: iso(base - 94 * DAY), to: iso(base) },
    ];
    for (const variables of bad) expect(errorCodes(await server.request(MetricsWindow, variables))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await server.request(MetricsWindow, { from: iso(base - 93 * DAY), to: iso(base) }))).toEqual([]);
    const tooMany = await server.request(Timeseries, { from: iso(base), to: iso(base + 3 * DAY), bucket: 'MINUTE' });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await server.request(StepMetricsQuery, { from: to, to: from }))).toEqual(['BAD_USER_INPUT']);
  });

  it('limits every read to the caller namespace scope', async () => {
    const metrics = server.app.services.metrics;
    const window = { from: new Date(base), to: new Date(base + 2 * DAY) };
    expect((await metrics.executionMetrics({ ...window, exact: false }, ['other'])).total).toBe(0);
    expect((await metrics.executionMetrics({ ...window, exact: true }, ['other'])).total).toBe(0);
    expect((await metrics.executionMetrics({ ...window, exact: false }, ['m1', 'other'])).total).toBe(expected(base, base + 2 * DAY).total);
    expect((await metrics.timeseries({ ...window, bucket: 'DAY' }, [])).map((b) => b.total)).toEqual([0, 0]);
    expect((await metrics.systemMetrics(null, ['other'])).activeExecutions).toBe(0);
    expect(await metrics.stepMetrics({ ...window, exact: false }, ['other'])).toEqual([]);
  });
});

describe('metricsTimeseries', () => {
  function expectedBuckets(start: number, end: number, size: number) {
    const buckets = [];
    for (let t = Math.floor(start / size) * size; t < end; t += size) {
      const from = Math.max(t, start);
      const to = Math.min(t + size, end);
      const e = expected(from, to);
      buckets.push({ start: iso(from), end: iso(to), total: e.total, completed: e.completed, failed: e.failed, timedOut: e.timedOut, p50Ms: e.duration.p50Ms, p95Ms: e.duration.p95Ms, p99Ms: e.duration.p99Ms });
    }
    return buckets;
  }

  it('buckets by hour, exactly and from the rollups', async () => {
    const start = base;
    const end = base + 2 * DAY;
    const wanted = expectedBuckets(start, end, HOUR);
    expect(wanted).toHaveLength(48);
    const exact = await server.data(Timeseries, { from: iso(start), to: iso(end), bucket: 'HOUR', namespace: 'm1', exact: true });
    const rollup = await server.data(Timeseries, { from: iso(start), to: iso(end), bucket: 'HOUR', namespace: 'm1' });
    for (const [i, w] of wanted.entries()) {
      const { p50Ms, p95Ms, p99Ms, ...counts } = w;
      expect(exact.metricsTimeseries[i]).toMatchObject(counts);
      expect(rollup.metricsTimeseries[i]).toMatchObject(counts);
      for (const [key, want] of [['p50Ms', p50Ms], ['p95Ms', p95Ms], ['p99Ms', p99Ms]] as const) {
        if (want === null) {
          expect(exact.metricsTimeseries[i]![key]).toBeNull();
          expect(rollup.metricsTimeseries[i]![key]).toBeNull();
        } else {
          expect(exact.metricsTimeseries[i]![key]).toBeCloseTo(want, 6);
          expect(Math.abs(rollup.metricsTimeseries[i]![key]! - want)).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND * want + 1e-9);
        }
      }
    }
    expect(wanted.filter((b) => b.p50Ms !== null && b.p99Ms !== null && b.p50Ms < b.p99Ms).length).toBeGreaterThan(10);
  });

  it('reads per-workflow hours when filtered by workflow, and they add up to the namespace hours', async () => {
    const metrics = server.app.services.metrics;
    const window = { from: new Date(base + 90_000), to: new Date(base + 2 * DAY - 30_000), bucket: 'HOUR' as const, namespace: 'm1', exact: false };
    const counts = ({ p50Ms: _p50, p95Ms: _p95, p99Ms: _p99, ...rest }: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }) => rest;
    const all = await metrics.timeseries(window, null);
    const byWorkflow = await Promise.all(['alpha', 'beta'].map((workflow) => metrics.timeseries({ ...window, workflow }, null)));
    for (const [i, workflow] of ['alpha', 'beta'].entries()) {
      const exact = await metrics.timeseries({ ...window, workflow, exact: true }, null);
      expect(byWorkflow[i]!.map(counts)).toEqual(exact.map(counts));
    }
    for (const key of ['total', 'completed', 'failed', 'timedOut'] as const) {
      expect(all.map((b, i) => b[key] - byWorkflow[0]![i]![key] - byWorkflow[1]![i]![key])).toEqual(all.map(() => 0));
    }
    expect(all.reduce((sum, b) => sum + b.total, 0)).toBeGreaterThan(0);
  });

  it('clips the first and last bucket to the window (DAY and MINUTE)', async () => {
    const start = base + 5 * HOUR + 30_000;
    const end = base + 2 * DAY - 90_000;
    for (const exact of [true, false]) {
      const days = await server.data(Timeseries, { from: iso(start), to: iso(end), bucket: 'DAY', namespace: 'm1', exact });
      const wanted = expectedBuckets(start, end, DAY);
      const counts = ({ p50Ms: _p50, p95Ms: _p95, p99Ms: _p99, ...rest }: { p50Ms: unknown; p95Ms: unknown; p99Ms: unknown }) => rest;
      expect(days.metricsTimeseries.map(counts)).toEqual(wanted.map(counts));
      expect(days.metricsTimeseries[0]!.start).toBe(iso(start));
      expect(days.metricsTimeseries.at(-1)!.end).toBe(iso(end));
    }
    const minuteStart = base + 9 * HOUR + 17_000;
    const minutes = await server.data(Timeseries, { from: iso(minuteStart), to: iso(minuteStart + 3 * HOUR), bucket: 'MINUTE', namespace: 'm1', exact: false });
    const wanted = expectedBuckets(minuteStart, minuteStart + 3 * HOUR, MINUTE);
    expect(minutes.metricsTimeseries).toHaveLength(181);
    expect(minutes.metricsTimeseries.map((b) => b.total)).toEqual(wanted.map((b) => b.total));
    expect(minutes.metricsTimeseries.reduce((a, b) => a + b.total, 0)).toBeGreaterThan(0);
  });
});

describe('stepMetrics', () => {
  it('is retry-aware: a retried step counts once, completed, with its retry, and not as a first-attempt success', async () => {
    const created = base + 3 * HOUR + 1_500;
    clock.set(new Date(created));
    const { createExecution } = await server.data(Create, {
      input: {
        workflow: 'stepper',
        namespace: 'steps',
        steps: [
          { name: 'a', type: 'http' },
          { name: 'b', type: 'http' },
          { name: 'c', type: 'script' },
          { name: 'd', type: 'script' },
          { name: 'e', type: 'approval' },
        ],
      },
    });
    const [a, b, c, d] = createExecution.steps.map((s) => s.id);
    const at = (ms: number) => clock.set(new Date(created + ms));
    at(100);
    await server.data(Start, { id: createExecution.id });
    await server.data(StepStart, { id: a! });
    at(1_100);
    expect((await server.data(StepFail, { id: a!, retry: true })).failStep).toMatchObject({ attempt: 2, status: 'PENDING' });
    at(2_000);
    await server.data(StepStart, { id: a! });
    at(2_400);
    await server.data(StepComplete, { id: a! }); // 400 ms, second attempt
    await server.data(StepStart, { id: b! });
    at(3_400);
    await server.data(StepComplete, { id: b! }); // 1000 ms, first attempt
    await server.data(StepStart, { id: c! });
    at(3_700);
    await server.data(StepFail, { id: c!, retry: false }); // 300 ms, failed
    await server.data(StepSkip, { id: d! });
    at(4_000);
    await server.data(Complete, { id: createExecution.id }); // e: pending -> SKIPPED
    clock.set(new Date(now));

    const stats = (values: number[]) => durationStats(values);
    const wanted = [
      { type: 'approval', total: 1, completed: 0, failed: 0, skipped: 1, retries: 0, successRate: null, firstAttemptSuccessRate: null, duration: stats([]) },
      { type: 'http', total: 2, completed: 2, failed: 0, skipped: 0, retries: 1, successRate: 100, firstAttemptSuccessRate: 50, duration: stats([400, 1_000]) },
      { type: 'script', total: 2, completed: 0, failed: 1, skipped: 1, retries: 0, successRate: 0, firstAttemptSuccessRate: 0, duration: stats([300]) },
    ];
    for (const exact of [true, false]) {
      const { stepMetrics } = await server.data(StepMetricsQuery, { from: iso(base), to: iso(base + 2 * DAY), namespace: 'steps', exact });
      expect(stepMetrics.map(({ duration: _, ...rest }) => rest)).toEqual(wanted.map(({ duration: _, ...rest }) => rest));
      for (const [i, w] of wanted.entries()) (exact ? expectExactStats : expectRollupStats)(stepMetrics[i]!.duration, w.duration);
      // the sub-minute edge path (raw rows) agrees with the rollups
      const edge = await server.data(StepMetricsQuery, { from: iso(created - 500), to: iso(created + 90 * MINUTE), namespace: 'steps', exact });
      expect(edge.stepMetrics.map(({ duration: _, ...rest }) => rest)).toEqual(wanted.map(({ duration: _, ...rest }) => rest));
    }
    const { metrics } = await server.data(MetricsWindow, { from: iso(base), to: iso(base + 2 * DAY), namespace: 'steps' });
    expect(metrics.steps.map((s) => s.type)).toEqual(['approval', 'http', 'script']);
    expect(metrics.total).toBe(1);
    expect(metrics.completed).toBe(1);
  });
});

describe('systemMetrics', () => {
  it('reports live queue, activity, events and subscriptions', async () => {
    clock.set(new Date(now - 90_000));
    await server.data(Create, { input: { workflow: 'late', namespace: 'sys', steps: [] } }); // 1 event, outside the last minute
    clock.set(new Date(now - 30_000));
    await server.data(Create, { input: { workflow: 'late', namespace: 'sys', steps: [], queued: true } }); // 2 events
    await server.data(Create, { input: { workflow: 'late', namespace: 'sys', steps: [], queued: true } }); // 2 events
    clock.set(new Date(now));

    const client = server.wsClient();
    const dispose = client.subscribe({ query: print(Subscribe) }, { next: () => {}, error: () => {}, complete: () => {} });
    await eventually(() => server.app.services.live.watcher.size > 0, 5_000, 'subscribed');

    const { systemMetrics } = await server.data(System, { namespace: 'sys' });
    expect(systemMetrics).toEqual({
      activeExecutions: 2,
      queueDepth: 2,
      oldestQueuedAgeMs: 30_000,
      eventsLastMinute: 4,
      liveSubscriptions: 1,
      checkedAt: iso(now),
    });
    const m1 = (await server.data(System, { namespace: 'm1' })).systemMetrics;
    const queuedSpecs = specs.filter((s) => s.outcome === 'QUEUED');
    expect(m1.activeExecutions).toBe(specs.filter((s) => ['QUEUED', 'RUNNING'].includes(s.outcome)).length);
    expect(m1.queueDepth).toBe(queuedSpecs.length);
    expect(m1.oldestQueuedAgeMs).toBe(now - Math.min(...queuedSpecs.map((s) => s.createdAt)));
    expect(m1.eventsLastMinute).toBe(0);
    dispose();
  });

  it('summarises the last hour and day', async () => {
    const { metricsSummary } = await server.data(Summary, { namespace: 'm1' });
    expect(metricsSummary.lastHour).toMatchObject({ from: iso(now - HOUR), to: iso(now), total: expected(now - HOUR, now).total, exact: true });
    const day = expected(now - DAY, now);
    expect(metricsSummary.lastDay).toMatchObject({ from: iso(now - DAY), to: iso(now), total: day.total, completed: day.completed });
    expectRollupStats(metricsSummary.lastDay.duration, day.duration);
    expect(metricsSummary.system.queueDepth).toBe(specs.filter((s) => s.outcome === 'QUEUED').length);
  });
});

describe('rollup writes', () => {
  it('lose no increment when many executions of one workflow and minute finish at once', async () => {
    const created = base + 20 * HOUR + 5_000;
    clock.set(new Date(created));
    const ids = [];
    for (let i = 0; i < 24; i++) {
      ids.push((await server.data(Create, { input: { workflow: 'hot', namespace: 'hot', steps: [{ name: 's', type: 'x' }] } })).createExecution.id);
    }
    await Promise.all(ids.map((id) => server.data(Start, { id })));
    clock.set(new Date(created + 2_000));
    await Promise.all(ids.map((id, i) => server.data((i % 2 ? Complete : Fail) as typeof Complete, { id })));
    clock.set(new Date(now));
    for (const exact of [true, false]) {
      const { metrics } = await server.data(MetricsWindow, { from: iso(base), to: iso(base + 2 * DAY), namespace: 'hot', exact });
      expect(metrics).toMatchObject({ total: 24, completed: 12, failed: 12, duration: { count: 24, minMs: 2_000, maxMs: 2_000, p99Ms: 2_000 } });
      expect(metrics.steps).toMatchObject([{ type: 'x', total: 24, skipped: 24 }]);
    }
  });

  it('take the never-started executions out of the SLA figures rollups written before, as the migration does', async () => {
    const db = server.app.database.db;
    const fix = readFileSync(new URL('../drizzle/0008_sla_tracked_started_only.sql', import.meta.url), 'utf8').split('--> statement-breakpoint');
    const asWrittenBefore = fix.map((statement) => statement.replace('greatest(0, t."sla_tracked" - x.n)', 't."sla_tracked" + x.n'));
    const rowsOf = ['execution_minutes', 'execution_hours', 'execution_days', 'execution_namespace_hours']
      .map((table) => `(select '${table}' as t, x::text as row from ${table} x)`)
      .join(' union all ');
    const written = await queryRows<{ t: string; row: string }>(db, sql.raw(`${rowsOf} order by 1, 2`));
    let before: typeof written = [];
    let fixed: typeof written = [];
    await db
      .transaction(async (tx) => {
        for (const statement of asWrittenBefore) await tx.execute(sql.raw(statement));
        before = await queryRows(tx as never, sql.raw(`${rowsOf} order by 1, 2`));
        for (const statement of fix) await tx.execute(sql.raw(statement));
        fixed = await queryRows(tx as never, sql.raw(`${rowsOf} order by 1, 2`));
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
    expect(before).not.toEqual(written);
    expect(fixed).toEqual(written);
  });

  it('keep each namespace hour equal to the sum of its workflow hours, as the migration backfills it', async () => {
    const db = server.app.database.db;
    const file = readdirSync(new URL('../drizzle/', import.meta.url)).find((f) => /namespace_hour/.test(f))!;
    const backfill = readFileSync(new URL(`../drizzle/${file}`, import.meta.url), 'utf8')
      .split('--> statement-breakpoint')
      .filter((statement) => !/^\s*CREATE (TABLE|INDEX)/.test(statement));
    const rowsOf = `select x::text as row from execution_namespace_hours x order by namespace, hour`;
    const written = await queryRows<{ row: string }>(db, sql.raw(rowsOf));
    expect(written.length).toBeGreaterThan(20);
    let rebuilt: { row: string }[] = [];
    await db
      .transaction(async (tx) => {
        await tx.execute(sql`delete from execution_namespace_hours`);
        for (const statement of backfill) await tx.execute(sql.raw(statement));
        rebuilt = await queryRows(tx as never, sql.raw(rowsOf));
        tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
    expect(rebuilt).toEqual(written);
  });
});
