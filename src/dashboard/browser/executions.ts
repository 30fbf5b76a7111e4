/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { gql, type Json } from './api.js';
import { Badge, usePages } from './components.js';
import { dateTime, duration, executionName, percent, stepCounts } from './format.js';
import { useData } from './live.js';
import { executionHref, replaceParams, route } from './router.js';

const STATUSES = ['QUEUED', 'RUNNING', 'WAITING_APPROVAL', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'PENDING'];
const RANGES: Record<string, number> = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const PAGE = 25;

const EXECUTIONS = `query Executions($filter: ExecutionFilter, $first: Int, $after: String) {
  executions(filter: $filter, first: $first, after: $after) {
    edges { node { id workflow externalId namespace status createdAt durationMs slaViolated progress { progressPercent doneSteps totalSteps failedSteps cancelledSteps timedOutSteps } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The filter in the URL as the API takes it; `q` is its `search` (text in the externalId, or a whole id). */
function filterOf(params: URLSearchParams) {
  const range = RANGES[params.get('range') ?? ''];
  return {
    namespace: params.get('namespace') || undefined,
    workflow: params.get('workflow') || undefined,
    status: params.get('status') ? params.get('status')!.split(',') : undefined,
    createdAfter: range ? new Date(Date.now() - range).toISOString() : undefined,
    search: params.get('q')?.trim() || undefined,
  };
}

export function Executions() {
  const params = route.get().params;
  const pages = usePages();
  const key = ['namespace', 'workflow', 'status', 'range', 'q'].map((k) => params.get(k) ?? '').join('|');
  useEffect(() => pages.reset(), [key]);
  const { data, error } = useData(
    () => gql(EXECUTIONS, { filter: filterOf(params), first: PAGE, after: pages.after }),
    [key, pages.after],
    // Rows in view change live; a new execution shows on the first page.
    { when: (e) => (pages.page === 1 && e.type === 'EXECUTION_CREATED') || shown.has(e.executionId) },
  );
  const rows: Json[] = (data?.executions.edges ?? []).map((e: Json) => e.node);
  const shown = new Set(rows.map((e) => e.id));
  const set = (name: string) => (event: Event) => replaceParams({ [name]: (event.target as HTMLInputElement).value });
  const statuses = new Set(params.get('status')?.split(',') ?? []);
  const toggle = (status: string) => {
    statuses.has(status) ? statuses.delete(status) : statuses.add(status);
    replaceParams({ status: [...statuses].join(',') });
  };
  return html`<section>
    <h2>Executions</h2>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Namespace <input name="namespace" value=${params.get('namespace') ?? ''} onInput=${set('namespace')} /></label>
      <label>Workflow <input name="workflow" value=${params.get('workflow') ?? ''} onInput=${set('workflow')} /></label>
      <label>Created <select name="range" value=${params.get('range') ?? ''} onChange=${set('range')}>
        <option value="">any time</option>${Object.keys(RANGES).map((r) => html`<option value=${r}>last ${r}</option>`)}
      </select></label>
      <label>Search <input name="q" placeholder="external id or id" value=${params.get('q') ?? ''} onInput=${set('q')} /></label>
      <div class="chips">${STATUSES.map((s) => html`<button type="button" class="chip ${statuses.has(s) ? 'on' : ''}" data-status=${s} onClick=${() => toggle(s)}>${s.toLowerCase().replace('_', ' ')}</button>`)}</div>
    </form>
    ${error ? html`<p class="error">${error}</p>` : null}
    <div class="scroll">
      <table id="executions">
        <thead><tr><th>Execution</th><th>Status</th><th>Namespace</th><th>Progress</th><th>Duration</th><th>Created</th></tr></thead>
        <tbody>
          ${rows.map(
            (e) => html`<tr key=${e.id} data-id=${e.id} data-status=${e.status}>
              <td><a href=${executionHref(e.id)}>${executionName(e)}</a></td>
              <td><${Badge} status=${e.status} />${e.slaViolated ? html` <span class="status FIRING">SLA</span>` : null}</td>
              <td>${e.namespace}</td>
              <td>${stepCounts(e.progress)} · ${percent(e.progress.progressPercent)}</td>
              <td>${duration(e.durationMs)}</td>
              <td>${dateTime(e.createdAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${data && !rows.length ? html`<p class="empty">No execution matches.</p>` : null}
    ${pages.pager(data?.executions.pageInfo)}
  </section>`;
}
