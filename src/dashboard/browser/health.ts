/// <reference lib="dom" />
import { html } from 'htm/preact';
import { gql, type Json } from './api.js';
import { Badge } from './components.js';
import { ago, dateTime, duration, words } from './format.js';
import { useData, useNow } from './live.js';

export function HealthList({ components, now }: { components: Json[]; now: number }) {
  return html`<ul id="health">
    ${components.map(
      (c) => html`<li key=${c.component} data-component=${c.component}>
        <span class="dot ${c.status}"></span><b>${c.component}</b> <span class="muted">${c.message}</span>
        <span class="small"> · ${words(c.status)} for ${duration(now - new Date(c.since).getTime())}</span>
      </li>`,
    )}
  </ul>`;
}

const HEALTH = `query Health {
  health { status checkedAt components { component status message since checkedAt observedValue threshold latencyMs } }
  events(last: 100, filter: { types: [SYSTEM_HEALTH] }) { edges { node { id timestamp data } } pageInfo { hasPreviousPage } }
}`;

/** Each component's status changes, newest first, from the SYSTEM_HEALTH events (each records every component). */
function changesOf(events: Json[]) {
  const changes: { at: string; component: string; from: string | null; to: string; message: string }[] = [];
  const last = new Map<string, string>();
  for (const event of events) {
    for (const c of event.data?.components ?? []) {
      const before = last.get(c.component) ?? null;
      if (before !== c.status) changes.push({ at: event.timestamp, component: c.component, from: before, to: c.status, message: c.message });
      last.set(c.component, c.status);
    }
  }
  return changes.reverse();
}

export function Health() {
  const now = useNow();
  const { data, error } = useData(() => gql(HEALTH), [], { pollMs: 3_000, when: (e) => e.type === 'SYSTEM_HEALTH' });
  if (!data) return html`<p class="muted">${error ?? 'Loading…'}</p>`;
  const events: Json[] = data.events.edges.map((e: Json) => e.node);
  const changes = changesOf(events);
  const start = events.length ? new Date(events[0]!.timestamp).getTime() : now;
  const span = Math.max(1, now - start);
  return html`<div class="stack">
    <section>
      <h2>Health <${Badge} status=${data.health.status} /> <span class="small">checked ${ago(data.health.checkedAt, now)}</span></h2>
      <${HealthList} components=${data.health.components} now=${now} />
    </section>
    <section>
      <h2>Status over time</h2>
      ${events.length
        ? html`<div class="strips">
            ${data.health.components.map((c: Json) => {
              const segments = events.map((event, i) => {
                const status = event.data?.components?.find((x: Json) => x.component === c.component)?.status ?? 'HEALTHY';
                const from = new Date(event.timestamp).getTime();
                const to = i + 1 < events.length ? new Date(events[i + 1]!.timestamp).getTime() : now;
                return html`<span class="seg ${status}" title=${`${c.component} ${words(status)} from ${dateTime(event.timestamp)}`} style=${`left:${((from - start) / span) * 100}%;width:${Math.max(0.3, ((to - from) / span) * 100)}%`}></span>`;
              });
              return html`<div class="strip"><b>${c.component}</b><div class="track">${segments}</div></div>`;
            })}
            <p class="small">Since ${dateTime(events[0]!.timestamp)}${data.events.pageInfo.hasPreviousPage ? ' (the latest 100 health changes)' : ''}.</p>
          </div>`
        : html`<p class="empty">No health change recorded yet.</p>`}
    </section>
    <section>
      <h2>Changes</h2>
      ${changes.length
        ? html`<ol class="events" id="health-changes">
            ${changes.map(
              (c) => html`<li data-component=${c.component}><time>${dateTime(c.at)}</time> <b>${c.component}</b> ${c.from ? `${words(c.from)} → ` : 'now '}<span class=${c.to}>${words(c.to)}</span> <span class="muted">${c.message}</span></li>`,
            )}
          </ol>`
        : html`<p class="empty">No change yet.</p>`}
    </section>
  </div>`;
}
