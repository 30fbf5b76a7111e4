import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, onPostgres } from './harness.js';
import { repoRoot, runScript, runToEnd, type RunningProcess } from './processes.js';

// The production build, run as the image runs it: plain Node, and (through the hook) no devDependency,
// so tsx, esbuild and the GraphiQL sources are out of reach and the web pages must come prebuilt.
// `npm run build` takes a few seconds, so this file runs it itself, once (on the PGlite project).
const folder = mkdtempSync(join(tmpdir(), 'runwatch-build-'));
const production = {
  NODE_OPTIONS: `--import=${join(repoRoot, 'test/support/runtime-dependencies-only.mjs')}`,
  NODE_ENV: 'production',
  GRAPHIQL: 'true',
  DATABASE_URL: '',
  TEST_DATABASE_URL: '',
  RUNWATCH_ADMIN_KEY: '',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
};
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.runIf(!onPostgres)('the production build (npm run build, then plain node dist/main.js)', () => {
  let server: RunningProcess;
  let url: string;
  let builtTemplates: string[];
  const templates = () => readdirSync(join(repoRoot, 'dist/pglite'));
  const env = { ...production, DATA_DIR: join(folder, 'data') };

  beforeAll(async () => {
    const build = await runToEnd('scripts/build.ts', [], {});
    expect(build.code, build.stderr).toBe(0);
    builtTemplates = templates();
    server = runScript('dist/main.js', [], env);
    url = await server.listening;
  }, 120_000);

  it('starts a fresh folder from the template the build made', () => {
    expect(builtTemplates).toEqual([expect.stringMatching(/^pglite-[0-9a-f]{16}\.tar\.gz$/)]);
    // The build's template fits this PGlite and these migrations: the server did not make another.
    expect(existsSync(join(env.DATA_DIR, 'PG_VERSION'))).toBe(true);
    expect(templates()).toEqual(builtTemplates);
  });

  it('serves the API, the dashboard and GraphiQL, its pages prebuilt', async () => {
    expect((await fetch(url.replace('/graphql', '/readyz'))).status).toBe(200);
    const created = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createExecution(input: { workflow: "built", steps: [] }) { workflow status } }' }),
    });
    expect(await created.json()).toEqual({ data: { createExecution: { workflow: 'built', status: 'PENDING' } } });

    const dashboard = await fetch(url.replace('/graphql', '/'));
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<title>Runwatch</title>');
    const graphiql = await fetch(url, { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).toContain('/graphiql/graphiql.js');
    for (const asset of ['graphiql.js', 'graphiql.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
      const response = await fetch(url.replace('/graphql', `/graphiql/${asset}`));
      expect(response.status, asset).toBe(200);
      const etag = response.headers.get('etag')!;
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(10_000);
      const again = await fetch(url.replace('/graphql', `/graphiql/${asset}`), { headers: { 'if-none-match': etag } });
      expect(again.status, asset).toBe(304);
    }
    expect(server.stderr).toBe('');
  });

  it('runs the keys CLI from the build, through the running server', async () => {
    const created = await runToEnd('dist/keys.js', ['create', '--name', 'from-build', '--scopes', 'read'], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Created');
    // The first key ends anonymous access.
    await eventually(async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status === 401, 10_000, 'anonymous access to end');
  });

  it('migrates a fresh folder with dist/migrate.js, and stops cleanly on SIGTERM', async () => {
    const migrate = await runToEnd('dist/migrate.js', [], { ...production, DATA_DIR: join(folder, 'migrated') });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(existsSync(join(folder, 'migrated', 'PG_VERSION'))).toBe(true);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });
});
