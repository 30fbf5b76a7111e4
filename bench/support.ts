import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
