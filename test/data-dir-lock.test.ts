import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { onPostgres } from './harness.js';
import { runScript, runToEnd, type RunningProcess } from './processes.js';

const folder = mkdtempSync(join(tmpdir(), 'runwatch-lock-'));
const dataDir = join(folder, 'data');
const lockFile = join(dataDir, 'runwatch.lock');
const env = { DATA_DIR: dataDir, DATABASE_URL: '', TEST_DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RUNWATCH_ADMIN_KEY: '' };
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}, key?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] } };
}

const CREATE = 'mutation($input: CreateExecutionInput!) { createExecution(input: $input) { id } }';
const EXECUTION = 'query($id: ID!) { execution(id: $id) { id workflow } }';

/** The refusal a second opener prints: one line naming the folder and the holder's pid, no stack. */
function expectRefused(exit: { code: number | null; stderr: string }, holder: RunningProcess) {
  expect(exit.code).toBe(1);
  expect(exit.stderr).toContain(`The data folder ${dataDir} is in use by process ${holder.child.pid}`);
  expect(exit.stderr.trim().split('\n')).toHaveLength(1);
}

describe.runIf(!onPostgres)('one process per PGlite data folder', () => {
  let first: RunningProcess;
  let url: string;
  let executionId: string;
  let key: string;

  it('refuses a second server, the demo and db:migrate on the same folder; the first keeps its data', async () => {
    first = runScript('src/main.ts', [], env);
    url = await first.listening;
    const created = await graphql(url, CREATE, { input: { workflow: 'kept', steps: [{ name: 'a', type: 'script' }] } });
    executionId = (created.body.data!.createExecution as { id: string }).id;

    const [server, demo, migrate] = await Promise.all([
      runToEnd('src/main.ts', [], env),
      runToEnd('scripts/demo.ts', [], env),
      runToEnd('scripts/migrate.ts', [], env),
    ]);
    expectRefused(server, first);
    expectRefused(demo, first);
    expectRefused(migrate, first);

    const read = await graphql(url, EXECUTION, { id: executionId });
    expect(read.body.data!.execution).toEqual({ id: executionId, workflow: 'kept' });
  });

  it('lets the keys CLI work through the running server: create ends anonymous access, revoke closes the key\'s sockets', async () => {
    const created = await runToEnd('scripts/keys.ts', ['create', '--name', 'ops', '--scopes', 'admin', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    key = (JSON.parse(created.stdout) as { key: string }).key;
    expect((await graphql(url, '{ __typename }')).status).toBe(401);
    expect((await graphql(url, '{ __typename }', {}, key)).status).toBe(200);

    const listed = await runToEnd('scripts/keys.ts', ['list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((k) => k.name)).toEqual(['ops']);

    const closed = new Promise<number>((resolve) => {
      const client = createClient({
        url: url.replace('http', 'ws'),
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${key}` },
        on: { closed: (event) => resolve((event as { code: number }).code) },
      });
      client.on('connected', async () => {
        const revoked = await runToEnd('scripts/keys.ts', ['revoke', key.slice(0, 11)], env);
        expect(revoked.code, revoked.stderr).toBe(0);
      });
    });
    expect(await closed).toBe(4403);
    expect((await graphql(url, '{ __typename }', {}, key)).status).toBe(401);
  });

  it('frees the folder on SIGTERM; a lock left by a killed process is taken over by exactly one of two starters', async () => {
    expect((await first.stop('SIGTERM')).code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);

    const admin = 'a'.repeat(32);
    const withAdmin = { ...env, RUNWATCH_ADMIN_KEY: admin };
    const killed = runScript('src/main.ts', [], withAdmin);
    await killed.listening;
    await killed.stop('SIGKILL');
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(killed.child.pid);

    const racers = [runScript('src/main.ts', [], withAdmin), runScript('src/main.ts', [], withAdmin)];
    const outcomes = await Promise.all(racers.map((r) => r.listening.then(() => 'listening', () => 'refused')));
    expect([...outcomes].sort()).toEqual(['listening', 'refused']);
    const winner = racers[outcomes.indexOf('listening')]!;
    const loser = racers[outcomes.indexOf('refused')]!;
    expectRefused(await loser.exited, winner);

    const winnerUrl = await winner.listening;
    const read = await graphql(winnerUrl, EXECUTION, { id: executionId }, admin);
    expect(read.body.data!.execution).toEqual({ id: executionId, workflow: 'kept' });
    const keys = await graphql(winnerUrl, '{ apiKeys { name revokedAt } }', {}, admin);
    expect(keys.body.data!.apiKeys).toEqual([{ name: 'ops', revokedAt: expect.any(String) }]);
    expect((await winner.stop('SIGTERM')).code).toBe(0);
  });
});
