import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.js';

// Docker does not run on our machines: this checks the file's shape and that the API's environment
// is a valid configuration, so `docker compose up` has what it needs.
describe.runIf(process.env.RUNWATCH_TEST_DRIVER !== 'postgres')('docker-compose.yml', () => {
  const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
    services: Record<string, { image?: string; build?: string; environment?: Record<string, string>; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>; deploy?: { replicas?: number }; ports?: string[] }>;
    volumes: Record<string, unknown>;
  };

  it('runs Postgres with a health check and two API replicas that wait for it', () => {
    const { postgres, api } = compose.services;
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(api?.build).toBe('.');
    expect(api?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(api?.deploy?.replicas).toBe(2);
    expect(api?.healthcheck?.test.join(' ')).toContain('/readyz');
    expect(Object.keys(compose.volumes)).toContain('pgdata');
  });

  it("gives the API a configuration the server accepts", () => {
    const env = { ...compose.services.api!.environment } as Record<string, string>;
    env.RUNWATCH_ADMIN_KEY = 'x'.repeat(32); // compose requires it from the caller's environment
    const config = loadConfig(env);
    expect(config.database.url).toBe('postgres://runwatch:runwatch@postgres:5432/runwatch');
    expect(config.http.host).toBe('0.0.0.0');
    expect(compose.services.api!.environment!.RUNWATCH_ADMIN_KEY).toContain('${RUNWATCH_ADMIN_KEY:?');
  });

  it('builds an image that runs the server with production dependencies only', () => {
    const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/COPY drizzle/);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    for (const runtime of ['postgres', 'graphql-yoga', 'pino']) expect(pkg.dependencies).toHaveProperty(runtime);
  });
});
