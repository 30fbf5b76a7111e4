/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { EVENT_FIELDS, follow, gql, useStore, viewer, type Json } from './api.js';
import { Action, Badge, EventList } from './components.js';
import { dateTime, duration, executionName, percent, stepCounts, time, words } from './format.js';
import { useData, useNow } from './live.js';
import { href } from './router.js';

const EXECUTION = `query Execution($id: ID!) {
  execution(id: $id) {
    id workflow externalId namespace status error labels createdAt queuedAt startedAt finishedAt queueTimeMs durationMs slaMs timeoutMs slaViolated
    steps { id position name type status attempt progressPercent message error startedAt finishedAt durationMs expectedDurationMs }
    progress {
      progressPercent percentByTime doneSteps totalSteps failedSteps cancelledSteps timedOutSteps elapsedMs estimatedRemainingMs estimatedRemainingP90Ms
      estimatedCompletion etaBasis isOverrunning estimatedStartAt estimatedStartEarliestAt estimatedStartLatestAt queueEtaBasis
    }
  }
}`;
const EVENTS = `query ExecutionEvents($id: ID!, $after: String) {
  events(filter: { executionId: $id }, first: 500, after: $after) { edges { node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } }
}`;
const MAX_EVENT_PAGES = 10;

/** The execution's whole event log (up to 5,000 events), then live from the last cursor read (also after a reconnect). */
function useExecutionEvents(id: string) {
  const [events, setEvents] = useState<Json[]>([]);
  useEffect(() => {
    let alive = true;
    let stop = () => {};
    (async () => {
      const all: Json[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_EVENT_PAGES; page++) {
        const { events: connection }: Json = await gql(EVENTS, { id, after });
        all.push(...connection.edges.map((e: Json) => e.node));
        after = connection.pageInfo.endCursor;
        if (!connection.pageInfo.hasNextPage) break;
      }
      if (!alive) return;
      setEvents(all);
      stop = follow({ executionId: id }, after, (event) => setEvents((list) => (list.some((e) => e.id === event.id) ? list : [...list, event])));
    })().catch(() => {});
    return () => {
      alive = false;
      stop();
    };
  }, [id]);
  return events;
}

type SegmentKind = 'running' | 'completed' | 'failed' | 'approval' | 'approved' | 'rejected' | 'cancelled' | 'queued';
interface Segment {
  from: number;
  to: number | null;
  kind: SegmentKind;
  label: string;
}

/** Each step's attempts and approval waits, from its events: a retried step has one segment per attempt. */
function timeline(execution: Json, events: Json[]) {
  const byStep = new Map<string, Segment[]>(execution.steps.map((s: Json) => [s.id, []]));
  const open = new Map<string, Segment>();
  const close = (stepId: string, at: number, kind: SegmentKind, label?: string) => {
    const segment = open.get(stepId);
    if (!segment) return;
    segment.to = at;
    segment.kind = kind;
    if (label) segment.label += `: ${label}`;
    open.delete(stepId);
  };
  const begin = (stepId: string, at: number, kind: SegmentKind, label: string) => {
    const segment: Segment = { from: at, to: null, kind, label };
    byStep.get(stepId)?.push(segment);
    open.set(stepId, segment);
  };
  for (const e of events) {
    const at = new Date(e.timestamp).getTime();
    const d = e.data ?? {};
    const stepId = e.stepId;
    switch (e.type) {
      case 'STEP_STARTED':
        begin(stepId, at, 'running', `attempt ${d.attempt ?? 1}`);
        break;
      case 'STEP_COMPLETED':
        close(stepId, at, 'completed');
        break;
      case 'STEP_FAILED':
        close(stepId, at, 'failed', d.error);
        break;
      case 'APPROVAL_REQUESTED':
        close(stepId, at, 'completed');
        begin(stepId, at, 'approval', 'waiting for approval');
        break;
      case 'APPROVAL_APPROVED':
      case 'APPROVAL_REJECTED':
        close(stepId, at, e.type === 'APPROVAL_APPROVED' ? 'approved' : 'rejected', `${words(e.type.slice(9))} by ${d.by}`);
        break;
      case 'EXECUTION_COMPLETED':
      case 'EXECUTION_FAILED':
      case 'EXECUTION_CANCELLED':
      case 'EXECUTION_TIMEOUT':
        for (const id of [...open.keys()]) close(id, at, 'cancelled', words(e.type.slice(10)));
    }
  }
  return byStep;
}

function Gantt({ execution, events, now }: { execution: Json; events: Json[]; now: number }) {
  const steps = timeline(execution, events);
  const p = execution.progress;
  const start = new Date(execution.queuedAt ?? execution.createdAt).getTime();
  const final = execution.finishedAt ? new Date(execution.finishedAt).getTime() : null;
  const end = final ?? now;
  const band = !final && p.estimatedRemainingMs ? { from: now + p.estimatedRemainingMs, to: now + (p.estimatedRemainingP90Ms ?? p.estimatedRemainingMs) } : null;
  const axisEnd = Math.max(end, band?.to ?? 0, start + 1_000);
  const x = (t: number) => ((t - start) / (axisEnd - start)) * 100;
  const seg = (s: Segment, i: number) => {
    const to = s.to ?? end;
    return html`<span key=${i} class="seg ${s.kind}" data-kind=${s.kind} title=${`${s.label} · ${duration(to - s.from)}`} style=${`left:${x(s.from)}%;width:${Math.max(0.4, x(to) - x(s.from))}%`}></span>`;
  };
  const queued: Segment[] = execution.queuedAt ? [{ from: new Date(execution.queuedAt).getTime(), to: execution.startedAt ? new Date(execution.startedAt).getTime() : final, kind: 'queued', label: 'queued' }] : [];
  return html`<div class="gantt" id="gantt">
    ${queued.length ? html`<div class="lane" data-step="(queue)"><span class="name muted">queue</span><div class="track">${queued.map(seg)}</div></div>` : null}
    ${execution.steps.map(
      (s: Json) => html`<div class="lane" data-step=${s.name} data-status=${s.status}>
        <span class="name" title=${s.type}>${s.name}</span>
        <div class="track">
          ${steps.get(s.id)!.map(seg)}
          ${band ? html`<span class="eta-band" style=${`left:${x(band.from)}%;width:${Math.max(0.4, x(band.to) - x(band.from))}%`}></span>` : null}
        </div>
      </div>`,
    )}
    <div class="lane axis"><span class="name"></span><div class="track"><span style="left:0">${time(new Date(start).toISOString())}</span><span style="right:0">${time(new Date(axisEnd).toISOString())}</span></div></div>
    <p class="small legend">
      <span class="seg running"></span>running <span class="seg completed"></span>completed <span class="seg failed"></span>failed
      <span class="seg approval"></span>waiting for approval <span class="seg queued"></span>queued ${band ? html`<span class="eta-band"></span>ETA p50–p90` : null}
    </p>
  </div>`;
}

function Approvals({ execution, events }: { execution: Json; events: Json[] }) {
  const me = useStore(viewer);
  const decisions = events.filter((e) => e.type.startsWith('APPROVAL_'));
  const waiting = execution.steps.filter((s: Json) => s.status === 'WAITING_APPROVAL');
  if (!decisions.length && !waiting.length) return null;
  const decide = (mutation: 'approveStep' | 'rejectStep', stepId: string) => ({ comment }: { comment: string }) =>
    gql(`mutation Decide($stepId: ID!, $by: String!, $comment: String) { ${mutation}(stepId: $stepId, by: $by, comment: $comment) { id status } }`, {
      stepId,
      by: me?.name ?? 'dashboard',
      comment: comment || null,
    });
  return html`<section>
    <h2>Approvals</h2>
    ${waiting.map(
      (s: Json) => html`<div class="approval" data-step=${s.name}>
        <b>${s.name}</b> waits for a decision${s.message ? html` <span class="muted">(${s.message})</span>` : null}
        ${me?.can.ingest
          ? html`<div class="actions">
              <${Action} label="Approve" name="approve" comment="comment (optional)" run=${decide('approveStep', s.id)} />
              <${Action} label="Reject" name="reject" comment="reason (optional)" danger run=${decide('rejectStep', s.id)} />
            </div>`
          : html`<p class="small">Deciding needs a key with the ingest scope.</p>`}
      </div>`,
    )}
    <ul class="decisions">
      ${decisions.map((e) => {
        const d = e.data ?? {};
        return html`<li key=${e.id}><time>${dateTime(e.timestamp)}</time> ${e.step?.name ?? 'a step'}:
          ${e.type === 'APPROVAL_REQUESTED' ? `approval asked${d.approvers?.length ? ` of ${d.approvers.join(', ')}` : ''}${d.message ? ` (${d.message})` : ''}` : `${words(e.type.slice(9))} by ${d.by}${d.comment ? `: “${d.comment}”` : ''}`}</li>`;
      })}
    </ul>
  </section>`;
}

export function Execution({ id }: { id: string }) {
  const now = useNow();
  const me = useStore(viewer);
  const events = useExecutionEvents(id);
  // Re-read after each change its own feed brings (so one read never misses the last change before the feed began).
  const { data, error, reload } = useData(() => gql(EXECUTION, { id }), [id], { pollMs: 5_000 });
  useEffect(() => {
    const timer = window.setTimeout(reload, 100);
    return () => clearTimeout(timer);
  }, [events.length]);
  if (!data) return html`<p class="muted">${error ?? 'Loading…'}</p>`;
  const e = data.execution;
  if (!e) return html`<section><h2>Execution</h2><p class="error">No execution with id ${id} (or not in this key's namespaces).</p></section>`;
  const p = e.progress;
  const active = ['PENDING', 'QUEUED', 'RUNNING', 'WAITING_APPROVAL'].includes(e.status);
  const cancel = ({ comment }: { comment: string }) =>
    gql(`mutation Cancel($id: ID!, $reason: String) { cancelExecution(id: $id, reason: $reason) { id status } }`, { id, reason: comment || `cancelled by ${me?.name ?? 'dashboard'}` });
  return html`<div class="stack" id="execution" data-id=${e.id} data-status=${e.status}>
    <section>
      <div class="row">
        <h1 class="title">${executionName(e)} <${Badge} status=${e.status} /></h1>
        ${active && me?.can.ingest ? html`<${Action} label="Cancel" name="cancel" comment="reason (optional)" danger run=${cancel} />` : null}
      </div>
      <p class="small">
        <a href=${href('executions', { workflow: e.workflow })}>${e.workflow}</a> · namespace ${e.namespace} · id <code>${e.id}</code>
        ${e.externalId ? html` · external id <code>${e.externalId}</code>` : null}
      </p>
      ${e.error ? html`<p class="error">${e.error}</p>` : null}
      <dl class="facts">
        <div><dt>created</dt><dd>${dateTime(e.createdAt)}</dd></div>
        <div><dt>queue time</dt><dd>${duration(e.queueTimeMs)}</dd></div>
        <div><dt>duration</dt><dd>${duration(e.durationMs)}</dd></div>
        <div><dt>SLA</dt><dd class=${e.slaViolated ? 'bad' : ''}>${e.slaMs ? `${duration(e.slaMs)}${e.slaViolated ? ' · violated' : ''}` : '—'}</dd></div>
        <div><dt>timeout</dt><dd>${e.timeoutMs ? duration(e.timeoutMs) : '—'}</dd></div>
      </dl>
      <div class="progress">
        <div class="row small"><span id="step-counts">successful work by steps: ${stepCounts(p)}</span><span id="progress-steps">${percent(p.progressPercent)}</span></div>
        <div class="bar"><div class="fill" style=${`width:${p.progressPercent}%`}></div></div>
        <div class="row small"><span>by expected time</span><span>${percent(p.percentByTime)}</span></div>
        <div class="bar"><div class="fill${p.isOverrunning ? ' overrun' : ''}" style=${`width:${p.percentByTime ?? 0}%`}></div></div>
        <p class="small" id="eta">
          ${e.status === 'QUEUED'
            ? p.estimatedStartAt
              ? `Expected to start ${time(p.estimatedStartAt)} (between ${time(p.estimatedStartEarliestAt)} and ${time(p.estimatedStartLatestAt)}), from ${words(p.queueEtaBasis ?? 'NONE')}.`
              : 'No start estimate yet.'
            : active
              ? p.etaBasis === 'NONE'
                ? 'No estimate yet: no successful run of this workflow and no pace to go on.'
                : html`About ${duration(p.estimatedRemainingMs)} left (p90 ${duration(p.estimatedRemainingP90Ms)}), done ~${time(p.estimatedCompletion)}; based on ${p.etaBasis === 'HISTORY' ? "the workflow's recent successful runs" : "this run's own pace"}.
                  ${p.isOverrunning ? html`<b class="overrun-label">Overrunning: longer than 9 in 10 recent runs.</b>` : null}`
              : `Finished ${dateTime(e.finishedAt)}.`}
        </p>
      </div>
    </section>
    <section><h2>Timeline</h2><${Gantt} execution=${e} events=${events} now=${now} /></section>
    <section>
      <h2>Steps</h2>
      <div class="scroll"><table id="steps">
        <thead><tr><th>#</th><th>Step</th><th>Type</th><th>Status</th><th>Attempt</th><th>Duration</th><th>Expected</th><th>Message</th></tr></thead>
        <tbody>${e.steps.map(
          (s: Json) => html`<tr key=${s.id} data-step=${s.name}><td>${s.position + 1}</td><td>${s.name}</td><td>${s.type}</td><td><${Badge} status=${s.status} /></td>
            <td>${s.attempt}</td><td>${duration(s.durationMs)}</td><td>${duration(s.expectedDurationMs)}</td><td class="small">${s.error ?? s.message ?? ''}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>
    <${Approvals} execution=${e} events=${events} />
    <section><h2>Event log</h2><div id="execution-events"><${EventList} events=${events} withExecution=${false} /></div></section>
  </div>`;
}
