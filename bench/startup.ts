/**
 * Cold start of `npm start` on the embedded default (PGlite in a fresh DATA_DIR, PORT=0): time from
 * spawn until /readyz answers 200, median of 3; RSS (VmRSS) at idle and under query load.
 * Baseline in the same run: a bare `node -e` http server started the same way.
 *
 *   NODE_ENV=production npx tsx bench/startup.ts   (BENCH_QUICK=1: shorter load)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestBody } from './executions-page.js';
import { load, median, quick, ratio, report } from './support.js';

const RUNS = 3;
const root = fileURLToPath(new URL('..', import.meta.url));
const BARE = `require('node:http').createServer((q, s) => s.end(q.url === '/readyz' ? '{"status":"ready"}' : '{}'))
  .listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ msg: 'listening', url: 'http://127.0.0.1:' + this.address().port + '/graphql' })) })`;

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

async function start(args: string[]): Promise<{ child: ChildProcess; url: string; ms: number; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runwatch-start-'));
  const started = performance.now();
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', DATA_DIR: path.join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${buffered}`)));
  });
  const ready = url.replace(/\/graphql$/, '/readyz');
  for (;;) {
    const ok = await fetch(ready).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, url, ms: performance.now() - started, dir };
}

async function stop(run: { child: ChildProcess; dir: string }) {
  const exited = new Promise((resolve) => run.child.once('exit', resolve));
  run.child.kill('SIGTERM');
  await exited;
  rmSync(run.dir, { recursive: true, force: true });
}

const ours: number[] = [];
const bare: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const b = await start(['-e', BARE]);
  bare.push(b.ms);
  await stop(b);
  const o = await start(['--import', 'tsx', 'src/main.ts']);
  ours.push(o.ms);
  await stop(o);
}

// Memory: idle after start, then under a closed-loop query load (the executions page, 20 seeded runs).
const o = await start(['--import', 'tsx', 'src/main.ts']);
const b = await start(['-e', BARE]);
const post = (query: string, variables: object = {}) =>
  fetch(o.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
for (let i = 0; i < 20; i++) {
  await post('mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id } }', {
    input: { workflow: 'startup', steps: Array.from({ length: 8 }, (_, s) => ({ name: `s${s}`, type: 'script' })) },
  });
}
await new Promise((r) => setTimeout(r, 2_000));
const idleOurs = rssMb(o.child.pid!);
const idleBare = rssMb(b.child.pid!);
let peakOurs = idleOurs;
const sampler = setInterval(() => (peakOurs = Math.max(peakOurs, rssMb(o.child.pid!))), 100);
const loaded = await load({ mode: 'closed', url: o.url, body: requestBody(50), connections: 8, seconds: quick ? 5 : 15 });
clearInterval(sampler);
const afterLoad = rssMb(o.child.pid!);
await stop(o);
await stop(b);

report(`Cold start and memory (embedded PGlite, npm start)${quick ? ' (quick)' : ''}`, {
  'cold start to /readyz 200, median of 3 (ms): Runwatch (runs)': `${median(ours).toFixed(0)} (${ours.map((m) => m.toFixed(0)).join(', ')})`,
  'cold start, bare node -e http server (ms) (runs)': `${median(bare).toFixed(0)} (${bare.map((m) => m.toFixed(0)).join(', ')})`,
  'ratio cold start Runwatch / bare': ratio(median(ours), median(bare)),
  'RSS idle (MB): Runwatch / bare': `${idleOurs} / ${idleBare}`,
  'RSS under load, peak / after (MB)': `${peakOurs} / ${afterLoad}`,
  'load: executions(first: 50) req/s, 8 connections': `${loaded.rps} (p99 ${loaded.p99} ms)`,
});
