import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVER_ENTRIES } from '../scripts/build.js';
import { loadConfig } from '../src/config.js';

// Docker does not run on our machines, so no test builds or runs the image: this checks the files'
// shape and that the API's environment is a valid configuration. What the image runs (the build,
// with production dependencies only) is exercised by test/build.test.ts.
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
}

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);

describe.runIf(process.env.RUNWATCH_TEST_DRIVER !== 'postgres')('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const { postgres, api } = compose.services as { postgres: Service; api: Service };

  it('runs Postgres with a health check, a restart policy and a bound on idle transactions', () => {
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(postgres.restart).toBe('unless-stopped');
    const timeout = /idle_in_transaction_session_timeout=(\d+)s/.exec(postgres.command!.join(' '));
    expect(Number(timeout?.[1])).toBeGreaterThan(0);
    expect(Object.keys(compose.volumes)).toContain('pgdata');
  });

  it('runs two API replicas that wait for Postgres, restart, and get time to drain on stop', () => {
    expect(api.build).toBe('.');
    expect(api.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(api.deploy?.replicas).toBe(2);
    expect(api.restart).toBe('unless-stopped');
    const env = { ...api.environment, RUNWATCH_ADMIN_KEY: 'x'.repeat(32) };
    expect(seconds(api.stop_grace_period!) * 1000).toBeGreaterThan(loadConfig(env).http.shutdownGraceMs);
  });

  it('gives the API a configuration the server accepts', () => {
    const env = { ...api.environment } as Record<string, string>;
    env.RUNWATCH_ADMIN_KEY = 'x'.repeat(32); // compose requires it from the caller's environment
    const config = loadConfig(env);
    expect(config.database.url).toBe('postgres://runwatch:runwatch@postgres:5432/runwatch');
    expect(config.http.host).toBe('0.0.0.0');
    expect(api.environment!.RUNWATCH_ADMIN_KEY).toContain('${RUNWATCH_ADMIN_KEY:?');
  });
});

describe.runIf(process.env.RUNWATCH_TEST_DRIVER !== 'postgres')('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const [buildStage, runtimeStage] = dockerfile.split(/^FROM /m).slice(1) as [string, string];

  it('builds in a stage with every dependency, and runs the build with production dependencies only', () => {
    expect(buildStage).toMatch(/AS build\n/);
    expect(buildStage).toMatch(/RUN npm ci\b(?!.*--omit)/);
    expect(buildStage).toContain('RUN npm run build');
    expect(runtimeStage).toContain('npm ci --omit=dev');
    expect(runtimeStage).toContain('COPY --from=build /app/dist ./dist');
    expect(runtimeStage).toContain('COPY drizzle ./drizzle');
    expect(runtimeStage).toContain('CMD ["node", "dist/main.js"]');
    expect(runtimeStage).not.toMatch(/tsx/);
  });

  it('runs as a non-root user with a writable data volume, on all interfaces, with a health check', () => {
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toContain('chown node:node /data');
    expect(runtimeStage).toMatch(/^VOLUME \/data$/m);
    const env = Object.fromEntries([...runtimeStage.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', DATA_DIR: '/data' });
    expect(loadConfig({ ...env, RUNWATCH_ADMIN_KEY: 'x'.repeat(32) }).database.dataDir).toBe('/data');
    // Slim images have no curl: the check is Node's fetch.
    expect(runtimeStage).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.PORT \|\| 4000\) \+ '\/readyz'\)/);
  });

  it('points npm start, keys and db:migrate at files the build writes', () => {
    const scripts = Object.fromEntries([...runtimeStage.matchAll(/"?scripts\.([\w:]+)="?node dist\/(\w+)\.js"?/g)].map((m) => [m[1], m[2]]));
    expect(scripts).toEqual({ start: 'main', keys: 'keys', 'db:migrate': 'migrate' });
    for (const entry of Object.values(scripts)) expect(Object.keys(SERVER_ENTRIES)).toContain(entry);
  });
});
