/// <reference lib="dom" />
import { html } from 'htm/preact';
import { gql, useStore, type Json } from './api.js';
import { Badge, Chart, EventList, stacked, usePages } from './components.js';
import { ago, duration, executionName, percent, stepCounts } from './format.js';
import { HealthList } from './health.js';
import { recentEvents, useData, useNow } from './live.js';
import { executionHref, href } from './router.js';

const ACTIVE_PAGE = 10;
const PROGRESS_FIELDS = `progressPercent doneSteps totalSteps failedSteps cancelledSteps timedOutSteps elapsedMs estimatedRemainingMs estimatedRemainingP90Ms isOverrunning etaBasis
  estimatedStartAt currentStep { name status }`;

function ExecutionRow({ e }: { e: Json }) {
  const p = e.progress;
  const eta = e.status === 'QUEUED' ? (p.estimatedStartAt ? `starts ~${new Date(p.estimatedStartAt).toLocaleTimeString()}` : '') : p.estimatedRemainingMs === null ? '' : `ETA ${duration(p.estimatedRemainingMs)}`;
  return html`<li class="execution" data-id=${e.id} data-status=${e.status}>
    <div class="row"><a href=${executionHref(e.id)}><strong>${executionName(e)}</strong></a><${Badge} status=${e.status} /></div>
    <div class="bar" role="progressbar" aria-valuenow=${p.progressPercent} aria-valuemin="0" aria-valuemax="100">
      <div class="fill${p.isOverrunning ? ' overrun' : ''}" style=${`width:${p.progressPercent}%`}></div>
    </div>
    <div class="row small">
      <span>${p.currentStep ? p.currentStep.name : '—'} · ${stepCounts(p)} · ${percent(p.progressPercent)}</span>
      <span>${duration(p.elapsedMs)} elapsed${eta ? ` · ${eta}` : ''}${p.isOverrunning ? html` · <b class="overrun-label">overrunning</b>` : null}</span>
    </div>
  </li>`;
}

const DAY = `query OverviewDay($from: DateTime!, $to: DateTime!) {
  metricsSummary { lastDay { successRate total duration { p95Ms } } }
  metricsTimeseries(from: $from, to: $to, bucket: HOUR) { start total completed failed timedOut }
}`;
const NOW = `query OverviewNow($first: Int, $after: String) {
  systemMetrics { queueDepth activeExecutions oldestQueuedAgeMs checkedAt }
  health { status checkedAt components { component status message since checkedAt } }
  alerts(status: [FIRING], first: 5) { edges { node { id rule severity message namespace workflow } } }
  executions(first: $first, after: $after, filter: { status: [RUNNING, WAITING_APPROVAL] }) {
    edges { node { id workflow externalId namespace status progress { ${PROGRESS_FIELDS} } } }
    pageInfo { hasNextPage endCursor }
  }
  queued: executions(first: 5, filter: { status: [QUEUED] }) { edges { node { id workflow externalId namespace status progress { ${PROGRESS_FIELDS} } } } }
}`;

export function Overview() {
  const pages = usePages();
  const events = useStore(recentEvents);
  const now = useNow();
  // The figures of now (counts, queue, health, active rows) come from one read, so they agree; it is
  // re-read after events and on a timer, so no age or queue figure goes stale between events.
  const { data, error } = useData(() => gql(NOW, { first: ACTIVE_PAGE, after: pages.after }), [pages.after], { pollMs: 3_000, when: () => true });
  const day = useData(
    () => {
      const to = new Date();
      const from = new Date(to.getTime() - 24 * 3600_000);
      from.setMinutes(0, 0, 0);
      return gql(DAY, { from: from.toISOString(), to: to.toISOString() });
    },
    [],
    { pollMs: 10_000 },
  ).data;
  if (!data || !day) return html`<p class="muted">${error ?? 'Loading…'}</p>`;
  const s = data.systemMetrics;
  const buckets: Json[] = day.metricsTimeseries;
  const rows: Json[] = data.executions.edges.map((e: Json) => e.node);
  const queued: Json[] = data.queued.edges.map((e: Json) => e.node);
  return html`<div class="grid">
    <div class="stack">
      <section>
        <h2>Last 24 hours</h2>
        <div class="tiles">
          <div class="tile"><b id="success-rate">${percent(day.metricsSummary.lastDay.successRate)}</b><span>success rate</span></div>
          <div class="tile"><b id="p95">${duration(day.metricsSummary.lastDay.duration.p95Ms)}</b><span>p95 duration</span></div>
          <div class="tile"><b id="active-now">${s.activeExecutions}</b><span>active now</span></div>
          <div class="tile"><b id="queue-depth">${s.queueDepth}</b><span>queued now${s.oldestQueuedAgeMs ? ` · oldest ${duration(s.oldestQueuedAgeMs)}` : ''}</span></div>
        </div>
        <${Chart}
          x=${buckets.map((b) => new Date(b.start).getTime() / 1000)}
          series=${stacked([
            { label: 'completed', color: '#3fb950', values: buckets.map((b) => b.completed) },
            { label: 'failed or timed out', color: '#f85149', values: buckets.map((b) => b.failed + b.timedOut) },
          ])}
          height=${150}
        />
        <p class="small"><a href=${href('metrics')}>More metrics ›</a></p>
      </section>
      <section>
        <h2>Running (<span id="running-count">${s.activeExecutions - s.queueDepth}</span>)</h2>
        <ul id="active">
          ${rows.length ? rows.map((e) => html`<${ExecutionRow} key=${e.id} e=${e} />`) : html`<li class="empty">No execution is running.</li>`}
        </ul>
        ${pages.pager(data.executions.pageInfo)}
      </section>
      <section>
        <h2>Queued (<span id="queued-count">${s.queueDepth}</span>) <a class="small" href=${href('executions', { status: 'QUEUED' })}>all ›</a></h2>
        <ul id="queued">
          ${queued.length ? queued.map((e) => html`<${ExecutionRow} key=${e.id} e=${e} />`) : html`<li class="empty">Nothing is waiting.</li>`}
        </ul>
      </section>
    </div>
    <div class="stack">
      <section>
        <h2><a href=${href('health')}>Health</a> <${Badge} status=${data.health.status} /> <span class="small" id="health-checked">checked ${ago(data.health.checkedAt, now)}</span></h2>
        <${HealthList} components=${data.health.components} now=${now} />
      </section>
      <section>
        <h2><a href=${href('alerts')}>Alerts firing</a></h2>
        <ul id="alerts">
          ${data.alerts.edges.length
            ? data.alerts.edges.map(
                ({ node: a }: Json) => html`<li class="alert ${a.severity}" data-id=${a.id}><a href=${href('alerts', { id: a.id })}><b>${a.rule}</b></a> <span class="small">${a.message}</span></li>`,
              )
            : html`<li class="empty">No alert is firing.</li>`}
        </ul>
      </section>
      <section>
        <h2>Recent events</h2>
        <div id="events"><${EventList} events=${events} limit=${15} /></div>
      </section>
    </div>
  </div>`;
}
