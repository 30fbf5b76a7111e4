/**
 * Cold start and memory of the embedded default (PGlite, PORT=0): wall time and the process's CPU
 * time from spawn until a GraphQL query is answered, median of 3, and RSS (VmRSS) at idle and under
 * query load. Contestants, alternated in one run:
 * - the build (`node dist/main.js`, made by `npm run build` at the start of this run) on a fresh
 *   folder (loaded from the build's template) and on an existing one (a second start);
 * - the sources (`npm start`: tsx) on a fresh folder, with the template cached, and on the first
 *   start of a machine (no template yet: initdb runs in memory and the template is made);
 * - with BENCH_STARTUP_BEFORE=<an older checkout, with its node_modules>, that checkout's `npm start`;
 * - baseline: a bare `node -e` http server started the same way.
 *
 *   NODE_ENV=production npx tsx bench/startup.ts   (BENCH_QUICK=1: shorter load)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgliteTemplatesFolder } from '../src/paths.js';
import { requestBody } from './executions-page.js';
import { alternate, load, median, quick, ratio, report } from './support.js';

const RUNS = 3;
const root = fileURLToPath(new URL('..', import.meta.url));
const before = process.env.BENCH_STARTUP_BEFORE;
const BARE = `require('node:http').createServer((q, s) => s.end('{"data":{}}'))
  .listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ msg: 'listening', url: 'http://127.0.0.1:' + this.address().port + '/graphql' })) })`;
const FIRST_QUERY = JSON.stringify({ query: '{ executions(first: 1) { edges { node { id } } } }' });

interface Started {
  child: ChildProcess;
  url: string;
  ms: number;
  cpuMs: number;
  dataDir: string;
}

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};
/** User + system CPU time of a process, all its threads (WASM compilation runs on several). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
};

async function start(args: string[], options: { cwd?: string; dataDir?: string } = {}): Promise<Started> {
  const dataDir = options.dataDir ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'runwatch-start-')), 'data');
  const started = performance.now();
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? root,
    env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', DATA_DIR: dataDir },
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
  const answered = () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: FIRST_QUERY }).then(
      async (r) => r.status === 200 && 'data' in ((await r.json()) as object),
      () => false,
    );
  while (!(await answered())) await new Promise((r) => setTimeout(r, 5));
  return { child, url, ms: performance.now() - started, cpuMs: cpuMs(child.pid!), dataDir };
}

async function stop(run: Started, keepData = false) {
  const exited = new Promise((resolve) => run.child.once('exit', resolve));
  run.child.kill('SIGTERM');
  await exited;
  if (!keepData) rmSync(path.dirname(run.dataDir), { recursive: true, force: true });
}

const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

const FROM_BUILD = ['dist/main.js'];
const FROM_SOURCES = ['--import', 'tsx', 'src/main.ts'];
const contestants: Record<string, () => Promise<Started>> = {
  bare: () => start(['-e', BARE]),
  'build, fresh folder': () => start(FROM_BUILD),
  'build, existing folder': async () => {
    const first = await start(FROM_BUILD);
    await stop(first, true);
    return start(FROM_BUILD, { dataDir: first.dataDir });
  },
  'sources, fresh folder': () => start(FROM_SOURCES),
  'sources, first start on the machine': () => {
    rmSync(pgliteTemplatesFolder, { recursive: true, force: true });
    return start(FROM_SOURCES);
  },
  ...(before ? { 'before (BENCH_STARTUP_BEFORE), fresh folder': () => start(FROM_SOURCES, { cwd: before }) } : {}),
};
const startAndStop = (run: () => Promise<Started>) => async () => {
  const started = await run();
  await stop(started);
  return started;
};
const runs = await alternate(RUNS, Object.fromEntries(Object.entries(contestants).map(([name, run]) => [name, startAndStop(run)])));

// Memory: idle after a start on a fresh folder and 20 executions written, then under a closed-loop query load.
async function idleRss(args: string[], cwd?: string) {
  const run = await start(args, { cwd });
  const post = (query: string, variables: object = {}) =>
    fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
  for (let i = 0; i < 20; i++) {
    await post('mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id } }', {
      input: { workflow: 'startup', steps: Array.from({ length: 8 }, (_, s) => ({ name: `s${s}`, type: 'script' })) },
    });
  }
  await new Promise((r) => setTimeout(r, 2_000));
  return { run, rss: rssMb(run.child.pid!) };
}
const bare = await idleRss(['-e', BARE]);
const sources = await idleRss(FROM_SOURCES);
await stop(sources.run);
const old = before ? await idleRss(FROM_SOURCES, before) : null;
if (old) await stop(old.run);
const built = await idleRss(FROM_BUILD);
let peak = built.rss;
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(built.run.child.pid!))), 100);
const loaded = await load({ mode: 'closed', url: built.run.url, body: requestBody(50), connections: 8, seconds: quick ? 5 : 15 });
clearInterval(sampler);
const afterLoad = rssMb(built.run.child.pid!);
await stop(built.run);
await stop(bare.run);

const figure = (name: string) => {
  const wall = median(runs[name]!.map((r) => r.ms));
  const cpu = median(runs[name]!.map((r) => r.cpuMs));
  return `${wall.toFixed(0)} ms (${runs[name]!.map((r) => r.ms.toFixed(0)).join(', ')}); CPU ${cpu.toFixed(0)} ms; ${ratio(wall, median(runs.bare!.map((r) => r.ms)))}x bare`;
};
report(`Cold start and memory (embedded PGlite)${quick ? ' (quick)' : ''}`, {
  ...Object.fromEntries(Object.keys(contestants).map((name) => [`start to the first answered query, median of ${RUNS}: ${name}`, figure(name)])),
  'RSS idle after 20 executions (MB): build / sources / bare': `${built.rss} / ${sources.rss} / ${bare.rss}`,
  ...(old ? { 'RSS idle (MB): before (BENCH_STARTUP_BEFORE)': old.rss } : {}),
  'RSS under load, build, peak / after (MB)': `${peak} / ${afterLoad}`,
  'load: executions(first: 50) req/s, 8 connections, build': `${loaded.rps} (p99 ${loaded.p99} ms)`,
});
