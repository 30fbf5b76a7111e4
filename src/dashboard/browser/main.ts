/// <reference lib="dom" />
import { createClient, type Client } from 'graphql-ws';

type Json = Record<string, any>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const KEY_STORAGE = 'runwatch.apiKey';
let apiKey = localStorage.getItem(KEY_STORAGE) ?? '';
let lastCursor: string | null = null;
let client: Client | null = null;
let stopFeeds: (() => void)[] = [];
let retryDelay = 500;
const recent: Json[] = [];

const escapeHtml = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const duration = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
};
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(1)}%`);

function setConnection(state: 'connecting' | 'live' | 'reconnecting' | 'locked') {
  const el = $('connection');
  el.dataset.state = state;
  el.textContent = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', locked: 'API key needed' }[state];
}

async function query<T = Json>(text: string, variables: Json = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query: text, variables }),
  });
  if (response.status === 401) {
    showKeyForm();
    throw new Error('unauthenticated');
  }
  const result = await response.json();
  if (result.errors?.length) throw new Error(result.errors[0].message);
  return result.data;
}

function showKeyForm() {
  setConnection('locked');
  $('key-form').hidden = false;
}

const ACTIVE = `query Active {
  executions(first: 100, filter: { status: [QUEUED, RUNNING, WAITING_APPROVAL] }) {
    edges { node { id workflow namespace status progress {
      progressPercent completedSteps totalSteps elapsedMs estimatedRemainingMs isOverrunning etaBasis
      currentStep { name status }
    } } }
  }
}`;

async function renderActive() {
  const data = await query(ACTIVE);
  const order = ['RUNNING', 'WAITING_APPROVAL', 'QUEUED'];
  const all: Json[] = data.executions.edges.map((e: Json) => e.node);
  all.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  const rows = all.slice(0, 25);
  $('active-count').textContent = all.length === 100 ? '100+' : String(all.length);
  $('active').innerHTML = rows.length
    ? rows
        .map((e: Json) => {
          const p = e.progress;
          const eta = p.estimatedRemainingMs === null ? '' : `ETA ${duration(p.estimatedRemainingMs)}`;
          return `<li class="execution" data-id="${escapeHtml(e.id)}" data-status="${e.status}">
            <div class="row"><strong>${escapeHtml(e.workflow)}</strong><span class="status ${e.status}">${e.status.replace('_', ' ')}</span></div>
            <div class="bar" role="progressbar" aria-valuenow="${p.progressPercent}" aria-valuemin="0" aria-valuemax="100">
              <div class="fill${p.isOverrunning ? ' overrun' : ''}" style="width:${p.progressPercent}%"></div></div>
            <div class="row small"><span>${p.currentStep ? escapeHtml(p.currentStep.name) : '—'} · ${p.completedSteps}/${p.totalSteps} steps · ${percent(p.progressPercent)}</span>
            <span>${duration(p.elapsedMs)} elapsed ${eta ? `· ${eta}` : ''}${p.isOverrunning ? ' · <b class="overrun-label">overrunning</b>' : ''}</span></div>
          </li>`;
        })
        .join('')
    : '<li class="empty">No execution is running.</li>';
}

function renderEvents() {
  $('events').innerHTML = recent
    .map(
      (e) => `<li><time>${new Date(e.timestamp).toLocaleTimeString()}</time> <span class="type">${e.type}</span>
        <span class="muted">${escapeHtml(e.namespace)} #${e.seq}</span></li>`,
    )
    .join('');
}

async function renderHealth() {
  const { health } = await query(`{ health { status components { component status message } } }`);
  $('health').innerHTML = health.components
    .map((c: Json) => `<li><span class="dot ${c.status}"></span><b>${c.component}</b> <span class="muted">${escapeHtml(c.message)}</span></li>`)
    .join('');
  $('health-status').textContent = health.status;
  $('health-status').className = `status ${health.status}`;
}

async function renderAlerts() {
  const { alerts } = await query(`{ alerts(status: [FIRING, ACKNOWLEDGED], first: 20) { edges { node { id rule severity status namespace message occurrences } } } }`);
  const rows = alerts.edges.map((e: Json) => e.node);
  $('alerts').innerHTML = rows.length
    ? rows
        .map(
          (a: Json) => `<li class="alert ${a.severity}" data-id="${escapeHtml(a.id)}"><div class="row"><b>${a.rule}</b><span class="status ${a.status}">${a.status}</span></div>
          <div class="small">${escapeHtml(a.message)} <span class="muted">${escapeHtml(a.namespace ?? 'system')} · ×${a.occurrences}</span></div>
          ${a.status === 'FIRING' ? `<button class="ack" data-id="${escapeHtml(a.id)}">Acknowledge</button>` : ''}</li>`,
        )
        .join('')
    : '<li class="empty">No alert is firing.</li>';
}

async function renderMetrics() {
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3600_000);
  from.setMinutes(0, 0, 0);
  const data = await query(
    `query Metrics($from: DateTime!, $to: DateTime!) {
      metricsSummary { lastDay { successRate duration { p95Ms } } system { queueDepth activeExecutions } }
      metricsTimeseries(from: $from, to: $to, bucket: HOUR) { start total completed failed timedOut }
    }`,
    { from: from.toISOString(), to: to.toISOString() },
  );
  const s = data.metricsSummary;
  $('success-rate').textContent = percent(s.lastDay.successRate);
  $('p95').textContent = duration(s.lastDay.duration.p95Ms);
  $('queue-depth').textContent = String(s.system.queueDepth);
  const buckets: Json[] = data.metricsTimeseries;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const width = 100 / Math.max(1, buckets.length);
  $('chart').innerHTML = buckets
    .map((b, i) => {
      const h = (v: number) => (v / max) * 100;
      const failed = b.failed + b.timedOut;
      return `<g><title>${new Date(b.start).getHours()}:00 — ${b.total} runs, ${failed} failed or timed out</title>
        <rect x="${i * width + 0.5}" y="${100 - h(b.total)}" width="${width - 1}" height="${h(b.total)}" class="total"/>
        <rect x="${i * width + 0.5}" y="${100 - h(failed)}" width="${width - 1}" height="${h(failed)}" class="failed"/></g>`;
    })
    .join('');
}

/** Re-renders at most every 150 ms however many events arrive. */
function debounced(render: () => Promise<void>) {
  let timer: number | null = null;
  return () => {
    timer ??= window.setTimeout(() => {
      timer = null;
      render().catch(() => {});
    }, 150);
  };
}
const refreshActive = debounced(renderActive);
const refreshAlerts = debounced(renderAlerts);
const refreshHealth = debounced(renderHealth);

function refreshAll() {
  return Promise.allSettled([renderActive(), renderHealth(), renderAlerts(), renderMetrics()]);
}

/** Subscribes from the last cursor seen, so a reconnect (even to a restarted server) misses nothing. */
function connect() {
  for (const stop of stopFeeds) stop();
  stopFeeds = [];
  client?.dispose();
  client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    retryAttempts: 0,
    lazy: true,
  });
  client.on('connected', () => {
    retryDelay = 500;
    setConnection('live');
    void refreshAll();
  });
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    const code = (error as { code?: number })?.code;
    if (code === 4403 || code === 4401) return showKeyForm();
    setConnection('reconnecting');
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5_000);
  };
  stopFeeds.push(
    client.subscribe(
      { query: 'subscription Feed($after: String) { events(after: $after) { cursor seq type namespace executionId timestamp } }', variables: { after: lastCursor } },
      {
        next: ({ data }) => {
          const event = (data as Json | null | undefined)?.events;
          if (!event) return;
          lastCursor = event.cursor;
          recent.unshift(event);
          recent.length = Math.min(recent.length, 40);
          renderEvents();
          if (event.type === 'SYSTEM_ALERT') refreshAlerts();
          else if (event.type === 'SYSTEM_HEALTH') refreshHealth();
          else refreshActive();
        },
        error: fail,
        complete: () => fail(new Error('feed completed')),
      },
    ),
  );
}

document.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest('button.ack') as HTMLButtonElement | null;
  if (!button) return;
  button.disabled = true;
  query(`mutation Ack($id: ID!) { acknowledgeAlert(id: $id, by: "dashboard") { id status } }`, { id: button.dataset.id })
    .then(() => renderAlerts())
    .catch(() => (button.disabled = false));
});

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  apiKey = ($('key-input') as HTMLInputElement).value.trim();
  localStorage.setItem(KEY_STORAGE, apiKey);
  $('key-form').hidden = true;
  setConnection('connecting');
  connect();
});

setInterval(() => void renderMetrics().catch(() => {}), 10_000);
setInterval(() => void renderActive().catch(() => {}), 5_000);
setConnection('connecting');
connect();
