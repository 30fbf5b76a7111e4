import { collectDefaultMetrics, Registry } from 'prom-client';
import type { NamespaceScope } from '../db/repository.js';
import { GROWTH } from '../domain/histogram.js';
import { workOf } from '../domain/progress.js';
import type { MetricsService, PrometheusWorkflow } from './metrics.js';

type Snapshot = Awaited<ReturnType<MetricsService['prometheusSnapshot']>>;
type Value = { labels?: Record<string, string | number>; value: number; metricName?: string };

/**
 * Prometheus `le` bounds in seconds. Each is the lower edge of a rollup histogram bucket
 * (GROWTH^k ms) closest to a round number, so the cumulative counts are exact, not estimated.
 */
const TARGET_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21600, 86400];
const LE = TARGET_SECONDS.map((s) => {
  const k = Math.round(Math.log(s * 1000) / Math.log(GROWTH));
  // Durations in bucket i (i >= 1) are in [GROWTH^(i-1), GROWTH^i): below GROWTH^k means buckets 0..k.
  return { lastBucket: k, seconds: Number((GROWTH ** k / 1000).toPrecision(6)) };
});

function histogramValues(name: string, labels: Record<string, string>, h: PrometheusWorkflow['duration']): Value[] {
  const sorted = [...h.histogram.entries()].sort((a, b) => a[0] - b[0]);
  const values: Value[] = [];
  let cumulative = 0;
  let j = 0;
  for (const le of LE) {
    while (j < sorted.length && sorted[j]![0] <= le.lastBucket) cumulative += sorted[j++]![1];
    values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: le.seconds }, value: cumulative });
  }
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count });
  values.push({ metricName: `${name}_sum`, labels, value: h.sumMs / 1000 });
  values.push({ metricName: `${name}_count`, labels, value: h.count });
  return values;
}

/**
 * The /metrics endpoint: a registry per app (tests run several apps in one process) with process
 * metrics and Runwatch figures read from SQL at scrape time, so every instance reports the same
 * database-wide numbers and nothing is lost across restarts.
 */
export function createPrometheusExporter(metrics: MetricsService, options: { prefix?: string } = {}) {
  const prefix = options.prefix ?? 'runwatch_';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  // Gauges named like counters (promtool rejects them); each is the sum of its by-type gauge beside it.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(`${prefix}${name}`);
  }
  let snapshot: Promise<Snapshot> | null = null;

  const define = (name: string, help: string, type: 'counter' | 'gauge' | 'histogram', values: (s: Snapshot) => Value[]) => {
    const fullName = `${prefix}${name}`;
    registry.registerMetric({
      name: fullName,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name: fullName, help, type, aggregator: 'sum', values: values(await snapshot!) }),
    } as never);
  };
  const labelsOf = (w: PrometheusWorkflow) => ({ namespace: w.namespace, workflow: w.workflow });

  define('executions_created_total', 'Executions created, by namespace and workflow.', 'counter', (s) =>
    s.workflows.map((w) => ({ labels: labelsOf(w), value: w.created })),
  );
  define('executions_total', 'Finished executions by final status, namespace and workflow (each counted once, when it finished).', 'counter', (s) =>
    s.workflows.flatMap((w) => Object.entries(w.finished).map(([status, value]) => ({ labels: { ...labelsOf(w), status }, value }))),
  );
  define('executions', 'Executions not finished yet, by status, namespace and workflow.', 'gauge', (s) =>
    s.workflows.flatMap((w) => {
      const activeTotal = w.active.QUEUED + w.active.RUNNING + w.active.WAITING_APPROVAL;
      const finished = w.finished.COMPLETED + w.finished.FAILED + w.finished.CANCELLED + w.finished.TIMED_OUT;
      return [
        { labels: { ...labelsOf(w), status: 'PENDING' }, value: Math.max(0, w.created - finished - activeTotal) },
        ...Object.entries(w.active).map(([status, value]) => ({ labels: { ...labelsOf(w), status }, value })),
      ];
    }),
  );
  define('execution_duration_seconds', 'Duration (started -> finished) of finished executions.', 'histogram', (s) =>
    s.workflows.flatMap((w) => histogramValues(`${prefix}execution_duration_seconds`, labelsOf(w), w.duration)),
  );
  define('execution_queue_time_seconds', 'Queue time (queued -> started) of finished executions.', 'histogram', (s) =>
    s.workflows.flatMap((w) => histogramValues(`${prefix}execution_queue_time_seconds`, labelsOf(w), w.queue)),
  );
  define('queue_depth', 'Executions waiting in QUEUED, by namespace.', 'gauge', (s) => {
    const byNamespace = new Map<string, number>();
    for (const w of s.workflows) byNamespace.set(w.namespace, (byNamespace.get(w.namespace) ?? 0) + w.active.QUEUED);
    return [...byNamespace].map(([namespace, value]) => ({ labels: { namespace }, value }));
  });
  define(
    'active_execution_steps',
    'Steps of executions not finished yet (QUEUED, RUNNING, WAITING_APPROVAL), by step status, namespace and workflow.',
    'gauge',
    (s) => s.activeSteps.map((g) => ({ labels: { namespace: g.namespace, workflow: g.workflow, status: g.status }, value: g.count })),
  );
  define(
    'active_execution_work_done_steps',
    'Successful work of those steps, in steps, as ExecutionProgress.progressPercent counts it (completed and skipped steps in full, ' +
      'running ones by their reported percent, failed ones nothing): divided by the sum of active_execution_steps, the fraction done.',
    'gauge',
    (s) => {
      const byWorkflow = new Map<string, Value>();
      for (const g of s.activeSteps) {
        const key = `${g.namespace}\n${g.workflow}`;
        const value = byWorkflow.get(key) ?? { labels: { namespace: g.namespace, workflow: g.workflow }, value: 0 };
        value.value += workOf(g.status, g.count, g.percentSum);
        byWorkflow.set(key, value);
      }
      return [...byWorkflow.values()];
    },
  );
  define('live_subscriptions', 'Live event and progress subscriptions served by this instance.', 'gauge', (s) => [
    { value: s.liveSubscriptions },
  ]);

  // One scrape at a time: the metric getters share the snapshot of the scrape in progress.
  let queue: Promise<unknown> = Promise.resolve();
  async function scrapeNow(scope: NamespaceScope) {
    snapshot = metrics.prometheusSnapshot(scope);
    try {
      await snapshot;
      return await registry.metrics();
    } finally {
      snapshot = null;
    }
  }

  return {
    contentType: registry.contentType,
    /** The exposition text; `scope` limits the Runwatch figures to some namespaces (null: all). */
    scrape(scope: NamespaceScope = null): Promise<string> {
      const result = queue.then(() => scrapeNow(scope));
      queue = result.catch(() => {});
      return result;
    },
  };
}

export type PrometheusExporter = ReturnType<typeof createPrometheusExporter>;
