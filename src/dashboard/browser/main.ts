/// <reference lib="dom" />
import { html, render } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { connect, connection, keyError, setApiKey, useStore } from './api.js';
import { Alerts } from './alerts.js';
import { Execution } from './execution.js';
import { Executions } from './executions.js';
import { Health } from './health.js';
import { startEventFeed } from './live.js';
import { Metrics } from './metrics.js';
import { Overview } from './overview.js';
import { href, route, type Route } from './router.js';

const NAV: [Route['view'], string, string][] = [
  ['overview', '', 'Overview'],
  ['executions', 'executions', 'Executions'],
  ['metrics', 'metrics', 'Metrics'],
  ['alerts', 'alerts', 'Alerts'],
  ['health', 'health', 'Health'],
];
const STATE_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', locked: 'API key needed' };

function KeyForm() {
  const error = useStore(keyError);
  const [key, setKey] = useState('');
  return html`<form id="key-form" onSubmit=${(e: Event) => (e.preventDefault(), setApiKey(key))}>
    <label>API key <input id="key-input" type="password" autocomplete="off" placeholder="rw_…" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} /></label>
    <button>Connect</button>
    ${error ? html`<p class="error" id="key-error" role="alert">${error}</p>` : null}
  </form>`;
}

function View({ current }: { current: Route }) {
  switch (current.view) {
    case 'executions':
      return html`<${Executions} />`;
    case 'execution':
      return html`<${Execution} key=${current.id} id=${current.id!} />`;
    case 'metrics':
      return html`<${Metrics} />`;
    case 'alerts':
      return html`<${Alerts} />`;
    case 'health':
      return html`<${Health} />`;
    default:
      return html`<${Overview} />`;
  }
}

function App() {
  const state = useStore(connection);
  const current = useStore(route);
  // Views mount once the key is known to work, and stay while reconnecting.
  const everLive = useRef(false);
  everLive.current ||= state === 'live';
  const activeNav = current.view === 'execution' ? 'executions' : current.view;
  return html`
    <header>
      <h1><a href="#/">Runwatch</a></h1>
      <nav>${NAV.map(([view, path, label]) => html`<a href=${href(path)} data-nav=${view} class=${view === activeNav ? 'on' : ''}>${label}</a>`)}</nav>
      <span id="connection" data-state=${state}>${STATE_TEXT[state]}</span>
    </header>
    ${state === 'locked' ? html`<${KeyForm} />` : null}
    <main data-view=${current.view}>${everLive.current && state !== 'locked' ? html`<${View} current=${current} />` : null}</main>
  `;
}

render(html`<${App} />`, document.getElementById('app')!);
startEventFeed();
connect();
