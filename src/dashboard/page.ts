import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { bundleFiles, sendBundleFile, type WebBundle } from '../server/bundles.js';

const html = (script: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runwatch</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: dark; --bg: #0f1419; --panel: #171e26; --line: #26303b; --text: #e6edf3; --muted: #8b98a5;
          --ok: #3fb950; --warn: #d29922; --bad: #f85149; --accent: #58a6ff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  header { display: flex; align-items: center; gap: 16px; padding: 12px 20px; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 18px; margin: 0; }
  #connection { margin-left: auto; padding: 2px 10px; border-radius: 999px; border: 1px solid var(--line); }
  #connection[data-state=live] { color: var(--ok); } #connection[data-state=reconnecting] { color: var(--warn); }
  #connection[data-state=locked] { color: var(--bad); }
  main { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; padding: 16px 20px; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 10px; }
  ul { list-style: none; margin: 0; padding: 0; }
  .tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin-bottom: 10px; }
  .tile b { display: block; font-size: 24px; } .tile span { color: var(--muted); font-size: 12px; }
  .execution { padding: 8px 0; border-bottom: 1px solid var(--line); }
  .row { display: flex; justify-content: space-between; gap: 8px; align-items: center; }
  .small { font-size: 12px; color: var(--muted); }
  .bar { height: 8px; background: var(--line); border-radius: 4px; margin: 6px 0; overflow: hidden; }
  .fill { height: 100%; background: var(--accent); transition: width .3s; } .fill.overrun { background: var(--warn); }
  .overrun-label { color: var(--warn); }
  .status { font-size: 11px; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); }
  .RUNNING, .HEALTHY, .ACKNOWLEDGED { color: var(--ok); } .QUEUED, .WAITING_APPROVAL, .DEGRADED { color: var(--warn); }
  .UNHEALTHY, .FIRING { color: var(--bad); }
  .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--muted); }
  .dot.HEALTHY { background: var(--ok); } .dot.DEGRADED { background: var(--warn); } .dot.UNHEALTHY { background: var(--bad); }
  #health li, #events li { padding: 3px 0; }
  .alert { padding: 8px 0; border-bottom: 1px solid var(--line); } .alert.CRITICAL b { color: var(--bad); } .alert.WARNING b { color: var(--warn); }
  button { margin-top: 6px; background: var(--line); color: var(--text); border: 1px solid #3a4653; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
  .muted, .empty { color: var(--muted); } time { color: var(--muted); font-variant-numeric: tabular-nums; }
  .type { font-family: ui-monospace, monospace; font-size: 12px; }
  svg { width: 100%; height: 90px; } rect.total { fill: #2f5f8f; } rect.failed { fill: var(--bad); }
  #key-form { padding: 12px 20px; border-bottom: 1px solid var(--line); } #key-form input { width: 360px; }
  .stack { display: grid; gap: 16px; align-content: start; }
</style>
</head>
<body>
<header><h1>Runwatch</h1><span class="muted">live executions</span><span id="connection" data-state="connecting">Connecting…</span></header>
<form id="key-form" hidden><label>API key <input id="key-input" type="password" autocomplete="off" placeholder="rw_…"></label> <button>Connect</button></form>
<main>
  <div class="stack">
    <section>
      <h2>Last 24 hours</h2>
      <div class="tiles">
        <div class="tile"><b id="success-rate">—</b><span>success rate</span></div>
        <div class="tile"><b id="p95">—</b><span>p95 duration</span></div>
        <div class="tile"><b id="queue-depth">—</b><span>queued now</span></div>
      </div>
      <svg id="chart" viewBox="0 0 100 100" preserveAspectRatio="none" aria-label="executions per hour"></svg>
    </section>
    <section><h2>Active executions (<span id="active-count">0</span>)</h2><ul id="active"></ul></section>
  </div>
  <div class="stack">
    <section><h2>Health <span id="health-status" class="status">…</span></h2><ul id="health"></ul></section>
    <section><h2>Alerts</h2><ul id="alerts"></ul></section>
    <section><h2>Recent events</h2><ul id="events"></ul></section>
  </div>
</main>
<script type="module">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>`;

/** The dashboard's script, inlined in its page (one request, and the page's CSP allows only inline scripts). */
export const dashboardBundle: WebBundle = {
  name: 'dashboard',
  build: () => ({ entryPoints: [fileURLToPath(new URL('./browser/main.ts', import.meta.url))], format: 'esm' }),
  finish: (files) => new Map([['index.html', Buffer.from(html(Buffer.from(files.get('main.js')!).toString()))]]),
};

/**
 * The dashboard: one page served from memory on the API's own port, bundled with esbuild on its first
 * request (about 50 ms, kept off start-up) or prebuilt by `npm run build`.
 */
export function createDashboard() {
  const files = bundleFiles(dashboardBundle);
  return {
    async serve(req: IncomingMessage, res: ServerResponse) {
      const page = (await files()).get('index.html')!;
      sendBundleFile(req, res, 'index.html', page, {
        'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      });
    },
  };
}
