import { defineConfig } from 'vitest/config';

const withPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

/** The same suite runs on PGlite always, and on real Postgres when a database URL is given. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'pglite', env: { RUNWATCH_TEST_DRIVER: 'pglite' } } },
      ...(withPostgres
        ? [{ extends: true, test: { name: 'postgres', env: { RUNWATCH_TEST_DRIVER: 'postgres' } } }]
        : []),
    ],
  },
});
