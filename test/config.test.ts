import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
  }, 20_000);
});
