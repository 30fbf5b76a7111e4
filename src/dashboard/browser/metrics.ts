/// <reference lib="dom" />
import { html } from 'htm/preact';
import { gql, type Json } from './api.js';
import { Chart, stacked } from './components.js';
import { duration, percent } from './format.js';
import { useData } from './live.js';
import { replaceParams, route } from './router.js';

const WINDOWS: Record<string, { label: string; ms: number; bucket: 'MINUTE' | 'HOUR' | 'DAY' }> = {
  hour: { label: 'last hour', ms: 3600_000, bucket: 'MINUTE' },
  day: { label: 'last day', ms: 86_400_000, bucket: 'HOUR' },
  '30d': { label: 'last 30 days', ms: 30 * 86_400_000, bucket: 'DAY' },
};
const ALIGN = { MINUTE: 60_000, HOUR: 3600_000, DAY: 86_400_000 };

const STATS = 'count p50Ms p95Ms p99Ms avgMs maxMs';
const METRICS = `query MetricsView($from: DateTime!, $to: DateTime!, $bucket: BucketSize!, $namespace: String, $workflow: String) {
  metrics(from: $from, to: $to, namespace: $namespace, workflow: $workflow) {
    total completed failed timedOut cancelled running queued successRate failureRate timeoutRate
    slaTracked slaViolations slaComplianceRate exact
    duration { ${STATS} } queueTime { ${STATS} }
    steps { type total completed failed skipped retries successRate firstAttemptSuccessRate duration { p50Ms p95Ms } }
  }
  metricsTimeseries(from: $from, to: $to, bucket: $bucket, namespace: $namespace, workflow: $workflow) { start total completed failed timedOut p50Ms p95Ms p99Ms }
  systemMetrics(namespace: $namespace) { queueDepth activeExecutions oldestQueuedAgeMs }
}`;

const rateOf = (part: number, b: Json) => {
  const finished = b.completed + b.failed + b.timedOut;
  return finished ? (part / finished) * 100 : null;
};

export function Metrics() {
  const params = route.get().params;
  const windowName = WINDOWS[params.get('window') ?? ''] ? params.get('window')! : 'day';
  const w = WINDOWS[windowName]!;
  const namespace = params.get('namespace') || null;
  const workflow = params.get('workflow') || null;
  const { data, error } = useData(
    () => {
      const to = new Date();
      const from = new Date(Math.floor((to.getTime() - w.ms) / ALIGN[w.bucket]) * ALIGN[w.bucket]);
      return gql(METRICS, { from: from.toISOString(), to: to.toISOString(), bucket: w.bucket, namespace, workflow });
    },
    [windowName, namespace, workflow],
    { pollMs: 15_000, when: (e) => /^EXECUTION_(COMPLETED|FAILED|TIMEOUT|CANCELLED|CREATED)$/.test(e.type) },
  );
  const set = (name: string) => (event: Event) => replaceParams({ [name]: (event.target as HTMLInputElement).value });
  const picker = html`<form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
    <div class="chips" id="window">
      ${Object.entries(WINDOWS).map(([name, x]) => html`<button type="button" class="chip ${name === windowName ? 'on' : ''}" data-window=${name} onClick=${() => replaceParams({ window: name })}>${x.label}</button>`)}
    </div>
    <label>Namespace <input name="namespace" value=${namespace ?? ''} onChange=${set('namespace')} /></label>
    <label>Workflow <input name="workflow" value=${workflow ?? ''} onChange=${set('workflow')} /></label>
  </form>`;
  if (!data) return html`<section><h2>Metrics</h2>${picker}<p class="muted">${error ?? 'Loading…'}</p></section>`;
  const m = data.metrics;
  const buckets: Json[] = data.metricsTimeseries;
  const x = buckets.map((b) => new Date(b.start).getTime() / 1000);
  const pct = (v: number) => `${Math.round(v)}%`;
  return html`<div class="stack" id="metrics">
    <section>
      <h2>Metrics · ${w.label}${workflow ? ` · ${workflow}` : ''}</h2>
      ${picker}
      ${error ? html`<p class="error">${error}</p>` : null}
      <div class="tiles">
        <div class="tile"><b>${m.total}</b><span>executions (${m.running} running, ${m.queued} queued)</span></div>
        <div class="tile"><b>${percent(m.successRate)}</b><span>success · ${percent(m.failureRate)} failed · ${percent(m.timeoutRate)} timed out</span></div>
        <div class="tile"><b>${duration(m.duration.p50Ms)}</b><span>p50 · p95 ${duration(m.duration.p95Ms)} · p99 ${duration(m.duration.p99Ms)}</span></div>
        <div class="tile"><b>${percent(m.slaComplianceRate)}</b><span>SLA compliance (${m.slaViolations} of ${m.slaTracked} over)</span></div>
        <div class="tile"><b>${data.systemMetrics.queueDepth}</b><span>queued now${data.systemMetrics.oldestQueuedAgeMs ? ` · oldest ${duration(data.systemMetrics.oldestQueuedAgeMs)}` : ''}</span></div>
        <div class="tile"><b>${duration(m.queueTime.p50Ms)}</b><span>queue time p50 · p95 ${duration(m.queueTime.p95Ms)} · p99 ${duration(m.queueTime.p99Ms)}</span></div>
      </div>
    </section>
    <section>
      <h2>Executions per ${w.bucket.toLowerCase()}</h2>
      <${Chart} x=${x} series=${stacked([
        { label: 'completed', color: '#3fb950', values: buckets.map((b) => b.completed) },
        { label: 'failed', color: '#f85149', values: buckets.map((b) => b.failed) },
        { label: 'timed out', color: '#d29922', values: buckets.map((b) => b.timedOut) },
      ])} />
    </section>
    <section>
      <h2>Success, failure and timeout rate</h2>
      <${Chart} x=${x} series=${[
        { label: 'success', color: '#3fb950', values: buckets.map((b) => rateOf(b.completed, b)), format: pct },
        { label: 'failure', color: '#f85149', values: buckets.map((b) => rateOf(b.failed, b)), format: pct },
        { label: 'timeout', color: '#d29922', values: buckets.map((b) => rateOf(b.timedOut, b)), format: pct },
      ]} />
    </section>
    <section>
      <h2>Duration per ${w.bucket.toLowerCase()}</h2>
      <${Chart} x=${x} series=${[
        { label: 'p50', color: '#3fb950', values: buckets.map((b) => b.p50Ms), format: duration },
        { label: 'p95', color: '#58a6ff', values: buckets.map((b) => b.p95Ms), format: duration },
        { label: 'p99', color: '#bc8cff', values: buckets.map((b) => b.p99Ms), format: duration },
      ]} />
      <p class="small">Over the whole window: p50 ${duration(m.duration.p50Ms)}, p95 ${duration(m.duration.p95Ms)}, p99 ${duration(m.duration.p99Ms)} (${m.duration.count} finished${m.exact ? ', exact' : ', from rollups'}).</p>
    </section>
    <section>
      <h2>Steps by type</h2>
      <div class="scroll"><table id="step-types">
        <thead><tr><th>Type</th><th>Steps</th><th>Success</th><th>First attempt</th><th>Retries</th><th>Failed</th><th>p50</th><th>p95</th></tr></thead>
        <tbody>${m.steps.map(
          (s: Json) => html`<tr key=${s.type} data-type=${s.type}><td>${s.type}</td><td>${s.total}</td><td>${percent(s.successRate)}</td><td>${percent(s.firstAttemptSuccessRate)}</td>
            <td>${s.retries}</td><td>${s.failed}</td><td>${duration(s.duration.p50Ms)}</td><td>${duration(s.duration.p95Ms)}</td></tr>`,
        )}</tbody>
      </table></div>
      ${m.steps.length ? null : html`<p class="empty">No step in this window.</p>`}
    </section>
  </div>`;
}
