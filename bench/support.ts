import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import postgres from 'postgres';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

/** A fresh database on the server named by DATABASE_URL, dropped by `drop()`. */
export async function benchDatabase() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('benchmarks need DATABASE_URL (a real Postgres)');
  const name = `runwatch_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export async function startBenchServer(databaseUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, PORT: '0', ...env });
  const app = await buildApp(config);
  const port = await app.start(0);
  return {
    app,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    stop: () => app.stop(),
  };
}

export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
};
export const median = (values: number[]) => percentile(values, 0.5);

/** Prints one result line and appends it to BENCHMARKS.md with the machine and command. */
export function report(name: string, result: Record<string, unknown>) {
  console.log(name, JSON.stringify(result, null, 2));
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  if (!existsSync(file)) writeFileSync(file, '# Benchmarks\n\nEach benchmark measures its baseline in the same run; quote medians and ratios.\n');
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const rows = Object.entries(result).map(([k, v]) => `| ${k} | ${v} |`).join('\n');
  appendFileSync(
    file,
    `\n## ${name} (${new Date().toISOString().slice(0, 16)}Z)\n\nMachine: ${machine}. Command: \`${process.env.BENCH_COMMAND ?? process.argv.slice(1).join(' ')}\`\n\n| metric | value |\n| --- | --- |\n${rows}\n`,
  );
}

export const quick = process.env.BENCH_QUICK === '1';

export interface LoadJob {
  mode: 'closed' | 'open';
  url: string;
  /** One body, or several sent in turn. */
  body?: string;
  bodies?: string[];
  headers?: Record<string, string>;
  connections?: number;
  seconds: number;
  /** Requests per second, open loop only. */
  rate?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

/** Drives HTTP load from a worker thread (bench/http-load.mjs) and summarises it. */
export function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-load.mjs', import.meta.url), { workerData: job });
    worker.once('error', reject);
    worker.once('message', (m: { requests: number; errors: number; firstError?: string; elapsed: number; latencies: number[] }) => {
      if (m.errors > 0) console.warn(`${m.errors} failed requests, first: ${m.firstError}`);
      resolve({
        requests: m.requests,
        errors: m.errors,
        rps: Math.round(m.requests / m.elapsed),
        p50: percentile(m.latencies, 0.5),
        p99: percentile(m.latencies, 0.99),
      });
    });
  });
}

/** Runs `measure` alternately for each contestant, `rounds` times, and returns each one's results. */
export async function alternate<K extends string, T>(rounds: number, contestants: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const results = Object.fromEntries(Object.keys(contestants).map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let i = 0; i < rounds; i++) {
    for (const key of Object.keys(contestants) as K[]) results[key].push(await contestants[key]());
  }
  return results;
}

export const ratio = (ours: number, baseline: number) => Number((ours / baseline).toFixed(3));
