import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompleteStep, FailStep, ReportStepProgress, SkipStep, StartStep } from './documents.js';
import { runningExecution } from './fixtures.js';
import { graphql } from './gql/index.js';
import { eventually, manualClock, onPostgres, startServer, type TestServer } from './harness.js';

const PROMTOOL = '/usr/bin/promtool';
const promtoolInstalled = existsSync(PROMTOOL);
if (!promtoolInstalled && !onPostgres) console.warn(`${PROMTOOL} is missing (apt-get install prometheus): the promtool check of /metrics is skipped`);

const Create = graphql(`
  mutation PromCreate($input: CreateExecutionInput!) { createExecution(input: $input) { id } }
`);
const Start = graphql(`mutation PromStart($id: ID!) { startExecution(id: $id) { id } }`);
const Complete = graphql(`mutation PromComplete($id: ID!) { completeExecution(id: $id) { id } }`);
const ProgressPercentOf = graphql(`query PromProgress($id: ID!) { execution(id: $id) { progress { progressPercent } } }`);
const Fail = graphql(`mutation PromFail($id: ID!) { failExecution(id: $id, error: "x") { id } }`);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/** A strict parser of the Prometheus text exposition format (0.0.4); throws on anything malformed. */
function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  expect(text.endsWith('\n')).toBe(true);
  for (const [n, line] of text.split('\n').entries()) {
    const where = `line ${n + 1}: ${line}`;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) continue; // other comments are allowed
      const [, kind, name, rest] = m;
      if (!NAME.test(name!)) throw new Error(`bad metric name, ${where}`);
      const family = families.get(name!) ?? { name: name!, type: 'untyped', help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest!)) throw new Error(`bad type, ${where}`);
        if (family.samples.length) throw new Error(`TYPE after samples, ${where}`);
        family.type = rest!;
      } else family.help = rest!;
      families.set(name!, family);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!m) throw new Error(`bad sample, ${where}`);
    const [, name, , labelText = '', valueText] = m;
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/gy;
    let consumed = 0;
    for (let lm = labelPattern.exec(labelText); lm; lm = labelPattern.exec(labelText)) {
      if (lm[1]! in labels) throw new Error(`duplicate label, ${where}`);
      labels[lm[1]!] = lm[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = labelPattern.lastIndex;
      if (lm[3] === '') break;
    }
    if (consumed !== labelText.length) throw new Error(`bad labels, ${where}`);
    // Go's ParseFloat, which Prometheus uses: NaN and Inf in any case
    const special = valueText!.toLowerCase();
    const value = /^[+]?inf$/.test(special) ? Infinity : special === '-inf' ? -Infinity : special === 'nan' ? NaN : Number(valueText);
    if (Number.isNaN(value) && special !== 'nan') throw new Error(`bad value, ${where}`);
    const family = [...families.values()].find(
      (f) => f.name === name || (SUFFIXES[f.type] ?? []).some((suffix) => `${f.name}${suffix}` === name),
    );
    if (!family) throw new Error(`sample without a TYPE, ${where}`);
    family.samples.push({ name: name!, labels, value });
  }
  for (const family of families.values()) {
    if (family.type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of family.samples.filter((s) => s.name.endsWith('_bucket'))) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      for (let i = 1; i < buckets.length; i++) {
        if (!(les[i]! > les[i - 1]!)) throw new Error(`${family.name}${key}: le not increasing`);
        if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${family.name}${key}: buckets not cumulative`);
      }
      if (les.at(-1) !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
      const count = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key);
      if (!count || count.value !== buckets.at(-1)!.value) throw new Error(`${family.name}${key}: _count differs from +Inf`);
    }
  }
  return families;
}

const value = (families: Map<string, Family>, name: string, labels: Record<string, string>) => {
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return 0;
};

const clock = manualClock(new Date('2026-04-01T12:00:00.000Z'));
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ clock });
});

async function scrapeText(target = server) {
  const response = await fetch(target.url.replace('/graphql', '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

const scrape = async (target = server) => parsePrometheus(await scrapeText(target));

/** `promtool check metrics` on `text`: its exit code and everything it printed (problems and lint findings). */
function promtoolCheck(text: string) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

async function run(outcome: 'complete' | 'fail', durationMs: number, queued = false) {
  const { createExecution } = await server.data(Create, { input: { workflow: 'deploy', namespace: 'prom', steps: [], queued } });
  await server.data(Start, { id: createExecution.id });
  clock.advance(durationMs);
  await server.data((outcome === 'complete' ? Complete : Fail) as typeof Complete, { id: createExecution.id });
}

describe('/metrics', () => {
  it('parses as Prometheus text, with process metrics', async () => {
    const families = await scrape();
    expect(families.get('runwatch_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('runwatch_nodejs_heap_size_total_bytes')?.type).toBe('gauge');
    for (const name of ['runwatch_executions_total', 'runwatch_executions', 'runwatch_queue_depth', 'runwatch_live_subscriptions']) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.get('runwatch_execution_duration_seconds')?.type).toBe('histogram');
    expect(families.get('runwatch_execution_queue_time_seconds')?.type).toBe('histogram');
    expect(() => parsePrometheus('bad line here\n')).toThrow();
    expect(() => parsePrometheus('# TYPE x gauge\nx{a="1} 2\n')).toThrow();
  });

  it('moves its execution counters and histograms when executions finish', async () => {
    const labels = { namespace: 'prom', workflow: 'deploy' };
    const before = await scrape();
    expect(value(before, 'runwatch_executions_total', { ...labels, status: 'COMPLETED' })).toBe(0);

    await run('complete', 2_000);
    await run('complete', 45_000, true);
    await run('fail', 300);
    const { createExecution } = await server.data(Create, { input: { workflow: 'deploy', namespace: 'prom', steps: [], queued: true } });
    await server.data(Create, { input: { workflow: 'deploy', namespace: 'prom', steps: [] } });

    const after = await scrape();
    expect(value(after, 'runwatch_executions_created_total', labels)).toBe(5);
    expect(value(after, 'runwatch_executions_total', { ...labels, status: 'COMPLETED' })).toBe(2);
    expect(value(after, 'runwatch_executions_total', { ...labels, status: 'FAILED' })).toBe(1);
    expect(value(after, 'runwatch_executions', { ...labels, status: 'QUEUED' })).toBe(1);
    expect(value(after, 'runwatch_executions', { ...labels, status: 'PENDING' })).toBe(1);
    expect(value(after, 'runwatch_queue_depth', { namespace: 'prom' })).toBe(1);

    const h = 'runwatch_execution_duration_seconds';
    expect(value(after, `${h}_count`, labels)).toBe(3);
    expect(value(after, `${h}_sum`, labels)).toBeCloseTo(47.3, 6);
    const bucket = (le: string) => value(after, `${h}_bucket`, { ...labels, le });
    const les = after.get(h)!.samples.filter((s) => s.name === `${h}_bucket` && s.labels.workflow === 'deploy').map((s) => s.labels.le!);
    const firstAtLeast = (seconds: number) => les.find((le) => le !== '+Inf' && Number(le) >= seconds)!;
    expect(bucket(firstAtLeast(0.3))).toBe(1);
    expect(bucket(firstAtLeast(2))).toBe(2);
    expect(bucket(firstAtLeast(45))).toBe(3);
    expect(bucket('+Inf')).toBe(3);
    expect(value(after, 'runwatch_execution_queue_time_seconds_count', labels)).toBe(1);

    // and it keeps moving
    await server.data(Start, { id: createExecution.id });
    clock.advance(10);
    await server.data(Complete, { id: createExecution.id });
    const later = await scrape();
    expect(value(later, 'runwatch_executions_total', { ...labels, status: 'COMPLETED' })).toBe(3);
    expect(value(later, `${h}_count`, labels)).toBe(4);
    expect(value(later, 'runwatch_execution_queue_time_seconds_count', labels)).toBe(2);
    expect(value(later, 'runwatch_queue_depth', { namespace: 'prom' })).toBe(0);
  });

  it('counts the steps of unfinished executions by status and their successful work as progressPercent does', async () => {
    const execution = await runningExecution(server, { workflow: 'progress', namespace: 'prom-progress', stepCount: 4 });
    const [s0, s1, s2, s3] = execution.steps.map((s) => s.id) as [string, string, string, string];
    await server.data(StartStep, { stepId: s0 });
    await server.data(CompleteStep, { stepId: s0 });
    await server.data(SkipStep, { stepId: s1 });
    await server.data(StartStep, { stepId: s2 });
    await server.data(FailStep, { stepId: s2, error: 'exit 1', retry: false });
    await server.data(StartStep, { stepId: s3 });
    await server.data(ReportStepProgress, { stepId: s3, percent: 40 });

    const families = await scrape();
    const labels = { namespace: 'prom-progress', workflow: 'progress' };
    const steps = (status: string) => value(families, 'runwatch_active_execution_steps', { ...labels, status });
    expect(['COMPLETED', 'SKIPPED', 'FAILED', 'RUNNING', 'PENDING'].map(steps)).toEqual([1, 1, 1, 1, 0]);
    const work = value(families, 'runwatch_active_execution_work_done_steps', labels);
    expect(work).toBeCloseTo(2.4, 9);
    const { execution: read } = await server.data(ProgressPercentOf, { id: execution.id });
    expect(read!.progress.progressPercent).toBe((work / 4) * 100);
  });

  it('counts live subscriptions, and each app has its own registry', async () => {
    const other = await startServer();
    const client = server.wsClient();
    const dispose = client.subscribe({ query: 'subscription { events { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    await eventually(() => server.app.services.live.watcher.size > 0, 5_000, 'subscribed');
    expect(value(await scrape(), 'runwatch_live_subscriptions', {})).toBe(1);
    expect(value(await scrape(other), 'runwatch_live_subscriptions', {})).toBe(0);
    dispose();
  });
});

describe('/metrics exposition', () => {
  it('keeps created and finished executions in separate series: summing the finished ones counts each once', async () => {
    const labels = { namespace: 'prom-sum', workflow: 'sum' };
    const { createExecution: finished } = await server.data(Create, { input: { ...labels, steps: [] } });
    await server.data(Start, { id: finished.id });
    await server.data(Complete, { id: finished.id });
    await server.data(Create, { input: { ...labels, steps: [] } });

    const families = await scrape();
    const samplesOf = (name: string) => families.get(name)!.samples.filter((s) => s.labels.namespace === labels.namespace);
    expect(samplesOf('runwatch_executions_total').map((s) => s.labels.status).sort()).toEqual(['CANCELLED', 'COMPLETED', 'FAILED', 'TIMED_OUT']);
    expect(samplesOf('runwatch_executions_total').reduce((sum, s) => sum + s.value, 0)).toBe(1);
    expect(families.get('runwatch_executions_created_total')?.type).toBe('counter');
    expect(samplesOf('runwatch_executions_created_total')).toEqual([{ name: 'runwatch_executions_created_total', labels, value: 2 }]);
  });

  it.runIf(promtoolInstalled)('passes `promtool check metrics` as served, with every kind of series present', async () => {
    await run('complete', 1_500, true);
    await run('fail', 200);
    const { code, output } = await promtoolCheck(await scrapeText());
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});

describe('/metrics access', () => {
  it('needs a key with the read scope once keys exist, and shows only the key\'s namespaces', async () => {
    const admin = 'k'.repeat(32);
    const server = await startServer({ env: { RUNWATCH_ADMIN_KEY: admin } });
    const url = server.url.replace('/graphql', '/metrics');
    const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(url, auth('rw_not-a-key'))).status).toBe(401);

    await server.app.services.executions.createExecution({ workflow: 'visible', namespace: 'team-a', steps: [] });
    await server.app.services.executions.createExecution({ workflow: 'hidden', namespace: 'team-b', steps: [] });
    const ingestOnly = await server.app.services.auth.keys.create({ name: 'engine', scopes: ['ingest'] });
    expect((await fetch(url, auth(ingestOnly.key))).status).toBe(403);
    const teamA = await server.app.services.auth.keys.create({ name: 'team-a', scopes: ['read'], namespaces: ['team-a'] });
    const scoped = await fetch(url, auth(teamA.key));
    expect(scoped.status).toBe(200);
    const text = await scoped.text();
    expect(text).toContain('workflow="visible"');
    expect(text).not.toContain('team-b');
    expect((await (await fetch(url, auth(admin))).text())).toContain('workflow="hidden"');
  });
});
