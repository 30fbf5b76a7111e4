/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { gql, useStore, viewer, type Json } from './api.js';
import { Action, Badge } from './components.js';
import { ago, dateTime, executionName, words } from './format.js';
import { useData, useNow } from './live.js';
import { executionHref, replaceParams, route } from './router.js';

const TABS: Record<string, string[]> = { open: ['FIRING', 'ACKNOWLEDGED'], firing: ['FIRING'], acknowledged: ['ACKNOWLEDGED'], resolved: ['RESOLVED'] };

const ALERTS = `query AlertsView($status: [AlertStatus!]) {
  alerts(status: $status, first: 50) {
    edges { node {
      id rule severity status namespace workflow message value threshold occurrences firstSeenAt lastSeenAt resolvedAt acknowledgedAt acknowledgedBy silenced
      silencedBy { id endsAt comment }
      executions(first: 5) { edges { node { id workflow externalId status } } pageInfo { hasNextPage } }
      deliveries(first: 5) { id status attempts lastStatusCode lastError nextAttemptAt deliveredAt createdAt receiver { name kind } }
    } }
  }
  silences(state: [ACTIVE, PENDING], first: 50) { edges { node { id state startsAt endsAt comment createdBy matchers { label operator value } } } }
}`;

const OPERATORS: Record<string, string> = { EQUAL: '=', NOT_EQUAL: '!=', REGEX: '=~', NOT_REGEX: '!~' };
const SILENCE_FOR: Record<string, number> = { '1 hour': 3600_000, '4 hours': 4 * 3600_000, '1 day': 86_400_000, '1 week': 7 * 86_400_000 };

/** Matchers that select this alert's kind (rule, namespace, workflow), not only this one alert. */
function matchersFor(alert: Json) {
  return [
    { label: 'RULE', value: alert.rule },
    ...(alert.namespace ? [{ label: 'NAMESPACE', value: alert.namespace }] : []),
    ...(alert.workflow ? [{ label: 'WORKFLOW', value: alert.workflow }] : []),
  ];
}

function SilenceAction({ alert, done }: { alert: Json; done: () => void }) {
  const [span, setSpan] = useState('1 hour');
  const run = ({ comment }: { comment: string }) =>
    gql(`mutation Silence($input: CreateSilenceInput!) { createSilence(input: $input) { id } }`, {
      input: { matchers: matchersFor(alert), endsAt: new Date(Date.now() + SILENCE_FOR[span]!).toISOString(), comment: comment || null },
    }).then(done);
  return html`<${Action} label="Silence" name="silence" comment="comment (optional)" run=${run}>
    <span class="small">${matchersFor(alert).map((m) => `${m.label.toLowerCase()}=${m.value}`).join(', ')} for</span>
    <select class="silence-for" value=${span} onChange=${(e: Event) => setSpan((e.target as HTMLSelectElement).value)}>
      ${Object.keys(SILENCE_FOR).map((s) => html`<option value=${s}>${s}</option>`)}
    </select>
  </${Action}>`;
}

function AlertItem({ a, now, reload }: { a: Json; now: number; reload: () => void }) {
  const me = useStore(viewer);
  const executions: Json[] = a.executions.edges.map((e: Json) => e.node);
  const acknowledge = () => gql(`mutation Ack($id: ID!, $by: String!) { acknowledgeAlert(id: $id, by: $by) { id status } }`, { id: a.id, by: me?.name ?? 'dashboard' }).then(reload);
  return html`<li class="alert ${a.severity}" data-id=${a.id} data-status=${a.status}>
    <div class="row"><b>${a.rule}</b><span><${Badge} status=${a.severity} /> <${Badge} status=${a.status} />${a.silenced ? html` <span class="status silenced">silenced</span>` : null}</span></div>
    <div>${a.message}</div>
    <div class="small">
      ${a.value !== null ? html`value <b>${Math.round(a.value * 100) / 100}</b>${a.threshold !== null ? ` against a threshold of ${Math.round(a.threshold * 100) / 100}` : ''} · ` : null}
      ${a.namespace ?? 'system'}${a.workflow ? ` / ${a.workflow}` : ''} · ×${a.occurrences} · since ${dateTime(a.firstSeenAt)}, last ${ago(a.lastSeenAt, now)}
      ${a.acknowledgedBy ? ` · acknowledged by ${a.acknowledgedBy} ${ago(a.acknowledgedAt, now)}` : ''}
      ${a.resolvedAt ? ` · resolved ${dateTime(a.resolvedAt)}` : ''}
      ${a.silencedBy.map((s: Json) => html` · silenced until ${dateTime(s.endsAt)}${s.comment ? ` (${s.comment})` : ''}`)}
    </div>
    ${executions.length
      ? html`<div class="small linked">executions: ${executions.map((e, i) => html`${i ? ', ' : ''}<a href=${executionHref(e.id)}>${executionName(e)}</a> (${words(e.status)})`)}${a.executions.pageInfo.hasNextPage ? ', …' : ''}</div>`
      : null}
    ${a.deliveries.length
      ? html`<ul class="deliveries small">${a.deliveries.map(
          (d: Json) => html`<li data-delivery=${d.status}><span class="status ${d.status}">${words(d.status)}</span> to ${d.receiver.name} (${d.receiver.kind.toLowerCase()}) · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}
            ${d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ''}${d.lastError ? ` · ${d.lastError}` : ''}${d.status === 'PENDING' && d.nextAttemptAt ? ` · next try ${dateTime(d.nextAttemptAt)}` : ''}${d.deliveredAt ? ` · ${ago(d.deliveredAt, now)}` : ''}</li>`,
        )}</ul>`
      : html`<div class="small muted">${a.silenced ? 'No notification: silenced.' : 'No notification sent.'}</div>`}
    <div class="actions">
      ${a.status === 'FIRING' && me?.can.read ? html`<${Action} label="Acknowledge" name="ack" run=${acknowledge} />` : null}
      ${a.status !== 'RESOLVED' && me?.can.alertsWrite ? html`<${SilenceAction} alert=${a} done=${reload} />` : null}
    </div>
  </li>`;
}

export function Alerts() {
  const params = route.get().params;
  const tab = TABS[params.get('status') ?? ''] ? params.get('status')! : 'open';
  const now = useNow();
  const me = useStore(viewer);
  const { data, error, reload } = useData(() => gql(ALERTS, { status: TABS[tab] }), [tab], { pollMs: 10_000, when: (e) => e.type === 'SYSTEM_ALERT' });
  const expire = (id: string) => () => gql(`mutation Expire($id: ID!) { expireSilence(id: $id) { id state } }`, { id }).then(reload);
  const alerts: Json[] = data?.alerts.edges.map((e: Json) => e.node) ?? [];
  const silences: Json[] = data?.silences.edges.map((e: Json) => e.node) ?? [];
  return html`<div class="grid">
    <section>
      <h2>Alerts</h2>
      <div class="chips" id="alert-tabs">
        ${Object.keys(TABS).map((t) => html`<button type="button" class="chip ${t === tab ? 'on' : ''}" data-tab=${t} onClick=${() => replaceParams({ status: t === 'open' ? null : t })}>${t}</button>`)}
      </div>
      ${error ? html`<p class="error">${error}</p>` : null}
      <ul id="alerts">
        ${alerts.length ? alerts.map((a) => html`<${AlertItem} key=${a.id} a=${a} now=${now} reload=${reload} />`) : html`<li class="empty">${data ? 'No alert here.' : 'Loading…'}</li>`}
      </ul>
    </section>
    <section>
      <h2>Silences</h2>
      <ul id="silences">
        ${silences.length
          ? silences.map(
              (s) => html`<li key=${s.id} class="silence" data-id=${s.id}>
                <div class="row"><code>${s.matchers.map((m: Json) => `${m.label.toLowerCase()}${OPERATORS[m.operator]}${m.value}`).join(', ')}</code><${Badge} status=${s.state} /></div>
                <div class="small">until ${dateTime(s.endsAt)} · by ${s.createdBy}${s.comment ? ` · ${s.comment}` : ''}</div>
                ${me?.can.alertsWrite ? html`<${Action} label="Expire" name="expire" run=${expire(s.id)} />` : null}
              </li>`,
            )
          : html`<li class="empty">No silence in force.</li>`}
      </ul>
      ${me?.can.alertsWrite ? null : html`<p class="small">Silencing needs a key with the alerts:write scope.</p>`}
    </section>
  </div>`;
}
