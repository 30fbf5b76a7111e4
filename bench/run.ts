/**
 * Runs every benchmark in sequence, each in its own process, and appends their results to
 * BENCHMARKS.md. Needs DATABASE_URL (a real Postgres on loopback; each benchmark creates and drops
 * its own database). `npm run bench -- --quick` (or BENCH_QUICK=1) for a CI-sized run (3-5 minutes on the 2-core machine).
 * `npm run bench -- ingest startup` runs only the named ones.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['graphql-overhead', 'best-sql', 'ingest', 'concurrency', 'execution-by-id', 'startup', 'subscriptions', 'active-executions', 'metrics', 'alerts', 'notifications', 'retention'];

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const only = args.filter((a) => !a.startsWith('--'));
const unknown = only.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
if (!process.env.DATABASE_URL) {
  console.error('npm run bench needs DATABASE_URL, a real Postgres on loopback, e.g. postgres://postgres@127.0.0.1:5432/test');
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const command = `${quick ? 'BENCH_QUICK=1 ' : ''}NODE_ENV=production DATABASE_URL=<loopback> npm run bench${only.length ? ` -- ${only.join(' ')}` : ''}`;
const failed: string[] = [];
const started = performance.now();
for (const name of only.length ? only : BENCHMARKS) {
  console.log(`\n=== ${name}${quick ? ' (quick)' : ''} ===`);
  const t0 = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${name}.ts`], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', BENCH_QUICK: quick ? '1' : '0', BENCH_COMMAND: command },
  });
  console.log(`=== ${name}: ${result.status === 0 ? 'done' : `FAILED (${result.status ?? result.signal})`} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failed.push(name);
}
console.log(`\nall benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);
