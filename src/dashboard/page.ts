import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { bundleFiles, sendBundleFile, type WebBundle } from '../server/bundles.js';

const STYLE = `
  :root { color-scheme: dark; --bg: #0f1419; --panel: #171e26; --line: #26303b; --text: #e6edf3; --muted: #8b98a5;
          --ok: #3fb950; --warn: #d29922; --bad: #f85149; --accent: #58a6ff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--text); }
  a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
  header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; padding: 10px 20px; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 18px; margin: 0; } header h1 a { color: var(--text); }
  nav { display: flex; flex-wrap: wrap; gap: 4px; } nav a { color: var(--muted); padding: 3px 10px; border-radius: 6px; }
  nav a.on { color: var(--text); background: var(--line); }
  #connection { margin-left: auto; padding: 2px 10px; border-radius: 999px; border: 1px solid var(--line); }
  #connection[data-state=live] { color: var(--ok); } #connection[data-state=reconnecting] { color: var(--warn); }
  #connection[data-state=locked] { color: var(--bad); }
  main { padding: 16px 20px; max-width: 1500px; }
  .grid { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 16px; }
  .stack { display: grid; gap: 16px; align-content: start; min-width: 0; }
  section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
  h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 10px; }
  h1.title { font-size: 20px; margin: 0; overflow-wrap: anywhere; }
  ul, ol { list-style: none; margin: 0; padding: 0; }
  .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 10px; margin-bottom: 10px; }
  .tile b { display: block; font-size: 24px; } .tile span { color: var(--muted); font-size: 12px; }
  .execution, .alert, .silence { padding: 8px 0; border-bottom: 1px solid var(--line); }
  .row { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 8px; align-items: center; }
  .small { font-size: 12px; color: var(--muted); }
  .bar { height: 8px; background: var(--line); border-radius: 4px; margin: 6px 0; overflow: hidden; }
  .fill { height: 100%; background: var(--accent); transition: width .3s; } .fill.overrun { background: var(--warn); }
  .overrun-label { color: var(--warn); }
  .status { font-size: 11px; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); white-space: nowrap; }
  .RUNNING, .HEALTHY, .ACKNOWLEDGED, .COMPLETED, .DELIVERED, .ACTIVE { color: var(--ok); }
  .QUEUED, .WAITING_APPROVAL, .DEGRADED, .WARNING, .PENDING, .silenced { color: var(--warn); }
  .UNHEALTHY, .FIRING, .FAILED, .TIMED_OUT, .CRITICAL, .bad { color: var(--bad); }
  .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--muted); }
  .dot.HEALTHY { background: var(--ok); } .dot.DEGRADED { background: var(--warn); } .dot.UNHEALTHY { background: var(--bad); }
  #health li, .events li { padding: 3px 0; overflow-wrap: anywhere; }
  .events li.bad a, .events li.bad span { color: #ff9b94; }
  .alert.CRITICAL > .row b { color: var(--bad); } .alert.WARNING > .row b { color: var(--warn); }
  button { background: var(--line); color: var(--text); border: 1px solid #3a4653; border-radius: 6px; padding: 3px 10px; cursor: pointer; font: inherit; }
  button:disabled { opacity: .45; cursor: default; } button.danger, button.yes.danger { border-color: #7d2a26; }
  input, select { background: var(--bg); color: var(--text); border: 1px solid #3a4653; border-radius: 6px; padding: 3px 8px; font: inherit; max-width: 100%; }
  .actions, .confirm { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 6px; }
  .error { color: var(--bad); } .muted, .empty { color: var(--muted); } time { color: var(--muted); font-variant-numeric: tabular-nums; }
  code { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
  #key-form { padding: 12px 20px; border-bottom: 1px solid var(--line); } #key-form input { width: min(360px, 100%); }
  .filters { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; margin-bottom: 10px; }
  .filters label { display: flex; gap: 6px; align-items: center; color: var(--muted); font-size: 12px; }
  .chips { display: flex; flex-wrap: wrap; gap: 4px; } .chip { font-size: 12px; border-radius: 999px; } .chip.on { background: #1f3a5c; border-color: var(--accent); }
  .pager { display: flex; gap: 10px; align-items: center; justify-content: flex-end; margin-top: 8px; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th { color: var(--muted); font-weight: 500; font-size: 12px; }
  .facts { display: flex; flex-wrap: wrap; gap: 8px 24px; margin: 8px 0; } .facts dt { color: var(--muted); font-size: 12px; } .facts dd { margin: 0; }
  .lane { display: grid; grid-template-columns: minmax(60px, 140px) minmax(0, 1fr); gap: 8px; align-items: center; margin: 3px 0; }
  .lane .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12px; }
  .track { position: relative; height: 16px; background: #121920; border-radius: 3px; overflow: hidden; }
  .axis .track { background: none; font-size: 11px; color: var(--muted); } .axis .track span { position: absolute; }
  .seg, .eta-band { position: absolute; top: 2px; bottom: 2px; border-radius: 2px; }
  .legend .seg, .legend .eta-band { position: static; display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
  .seg.running { background: var(--accent); } .seg.completed, .seg.approved { background: var(--ok); } .seg.failed, .seg.rejected { background: var(--bad); }
  .seg.failed::after { content: "✕"; position: absolute; right: 1px; top: -1px; font-size: 11px; color: #fff; }
  .seg.approval { background: repeating-linear-gradient(45deg, var(--warn) 0 4px, #7a5a12 4px 8px); } .seg.cancelled { background: var(--muted); }
  .seg.queued { background: #3a4653; } .seg.HEALTHY { background: var(--ok); } .seg.DEGRADED { background: var(--warn); } .seg.UNHEALTHY { background: var(--bad); }
  .eta-band { background: rgba(88, 166, 255, .22); border: 1px dashed var(--accent); }
  .strip { display: grid; grid-template-columns: 90px minmax(0, 1fr); gap: 8px; align-items: center; margin: 4px 0; }
  .chart { width: 100%; min-height: 40px; } .chart .u-legend { font-size: 12px; color: var(--muted); }
  .deliveries li { padding: 2px 0; } .linked { margin-top: 3px; }
  @media (max-width: 860px) { .grid { grid-template-columns: minmax(0, 1fr); } main { padding: 10px; } header { padding: 10px; } }
`;

const html = (script: string, style: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Runwatch</title>
<link rel="icon" href="data:,">
<style>${STYLE}${style}</style>
</head>
<body>
<div id="app"></div>
<script type="module">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>`;

/** The dashboard's script and styles, inlined in its page (one request, and the page's CSP allows only inline scripts). */
export const dashboardBundle: WebBundle = {
  name: 'dashboard',
  build: () => ({ entryPoints: [fileURLToPath(new URL('./browser/main.ts', import.meta.url))], format: 'esm' }),
  finish: (files) => {
    const text = (name: string) => (files.has(name) ? Buffer.from(files.get(name)!).toString() : '');
    return new Map([['index.html', Buffer.from(html(text('main.js'), text('main.css')))]]);
  },
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
