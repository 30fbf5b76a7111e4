import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { StartupError } from '../src/startup.js';
import { onPostgres, testConfig } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ http: { port: 4000, host: '127.0.0.1' }, database: { dataDir: './.runwatch/data' }, log: { level: 'info' } });
    expect(config.database.url).toBeUndefined();
  });

  it('counts empty strings as unset', () => {
    const config = loadConfig({ PORT: '', HOST: '', DATA_DIR: '', DATABASE_URL: '', LOG_LEVEL: '', DATABASE_POOL_SIZE: '' });
    expect(config).toMatchObject({ http: { port: 4000, host: '127.0.0.1' }, database: { dataDir: './.runwatch/data', poolSize: 10 }, log: { level: 'info' } });
    expect(config.database.url).toBeUndefined();
  });

  it('reads and coerces given values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/runwatch',
      DATABASE_URL: 'postgresql://user@db:5432/runwatch',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      http: { port: 8080, host: '0.0.0.0' },
      database: { dataDir: '/var/lib/runwatch', url: 'postgresql://user@db:5432/runwatch' },
      log: { level: 'debug' },
    });
  });

  it('reads only the record it is given when one is passed', () => {
    vi.stubEnv('PORT', 'abc');
    expect(loadConfig({}).http.port).toBe(4000);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', HOST: '127.0.0.1' });
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(error.message).toContain(name);
    expect(error.message).not.toContain('HOST');
    expect(error.problems).toHaveLength(3);
    expect(error.problems.find((p) => p.startsWith('DATABASE_URL'))).toMatch(/postgres/);
  });

  it('reads read replicas, comma-separated, and refuses them without DATABASE_URL (PGlite has none)', () => {
    const replicaUrls = ['postgres://db-replica-1/runwatch', 'postgres://db-replica-2/runwatch'];
    const config = loadConfig({ DATABASE_URL: 'postgres://db/runwatch', DATABASE_REPLICA_URL: `${replicaUrls[0]}, ${replicaUrls[1]}` });
    expect(config.database).toMatchObject({ replicaUrls, replicaMaxLagMs: 5_000 });
    expect(configError({ DATABASE_REPLICA_URL: replicaUrls[0] }).problems).toEqual([
      'DATABASE_REPLICA_URL: read replicas need DATABASE_URL (their primary); the embedded PGlite database has none',
    ]);
    expect(configError({ DATABASE_URL: 'postgres://db/runwatch', DATABASE_REPLICA_URL: 'db-replica' }).message).toContain('DATABASE_REPLICA_URL');
  });

  it.each([['-1'], ['65536'], ['80.5']])('rejects PORT=%s', (port) => {
    expect(configError({ PORT: port }).message).toContain('PORT');
  });
});

describe('the entry point', () => {
  it('exits non-zero and names PORT when PORT is invalid', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'abc', DATABASE_URL: '', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // If the bad config were accepted the server would keep running: never let it outlive the test.
      timeout: 15_000,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    expect(signal).toBeNull();
    expect(code).not.toBe(0);
    expect(stderr).toContain('PORT');
    expect(stderr).not.toContain('    at '); // a message for the operator, not a stack trace
  });
});

// Driver-independent (each case names its own database or folder): on the PGlite project only.
describe.runIf(!onPostgres)('start-up failures a person can fix', () => {
  /** What start-up says, as the entry points print it (a StartupError's message, no stack). */
  async function startupMessage(env: Record<string, string>, port = 0): Promise<string> {
    let app: App | undefined;
    try {
      app = await buildApp(testConfig(env));
      await app.start(port);
    } catch (error) {
      expect(error).toBeInstanceOf(StartupError);
      return (error as Error).message;
    } finally {
      await app?.stop();
    }
    throw new Error(`started with ${JSON.stringify(env)}`);
  }

  it('names DATABASE_URL and what to check: a closed port, an unknown host, a missing database', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect(await startupMessage({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/runwatch` })).toBe(
      `DATABASE_URL cannot be used: nothing accepts connections at 127.0.0.1:${closed}; check that Postgres runs there, on that port (or unset DATABASE_URL to run on the embedded database).`,
    );
    expect(await startupMessage({ DATABASE_URL: 'postgres://postgres@runwatch-no-such-host.invalid/runwatch' })).toMatch(
      /^DATABASE_URL cannot be used: the host runwatch-no-such-host.invalid (is unknown|could not be resolved)/,
    );
    const server = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
    if (server) {
      const url = new URL(server);
      url.pathname = '/runwatch_no_such_database';
      expect(await startupMessage({ DATABASE_URL: url.toString() })).toBe(
        `DATABASE_URL cannot be used: the database "runwatch_no_such_database" does not exist on ${url.host}: create it (createdb runwatch_no_such_database) or name another in the URL (or unset DATABASE_URL to run on the embedded database).`,
      );
    }
  });

  it('names DATA_DIR when the folder cannot be made, /proc included (which once hung)', async () => {
    expect(await startupMessage({ DATA_DIR: '/proc/runwatch' })).toBe(
      "DATA_DIR=/proc/runwatch cannot be used (ENOENT: no such file or directory, mkdir '/proc/runwatch'): set DATA_DIR to a folder this user may write, or memory:// for a throwaway database.",
    );
    expect(await startupMessage({ DATA_DIR: join(root, 'package.json', 'data') })).toMatch(/^DATA_DIR=.*package\.json\/data cannot be used \(ENOTDIR: /);
  });

  it('names PORT when the port is in use, with no WebSocket "internal error" beside it', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    const consoleErrors = vi.spyOn(console, 'error');
    try {
      expect(await startupMessage({ DATA_DIR: 'memory://' }, port)).toBe(`PORT=${port} on 127.0.0.1 is in use by another process: stop it, or set PORT to a free port.`);
      expect(consoleErrors).not.toHaveBeenCalled();
    } finally {
      consoleErrors.mockRestore();
      taken.close();
    }
  });
});
