import { defineConfig } from 'vitest/config';

const withPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

/** The same suite runs on PGlite always, and on real Postgres when a database URL is given. */
export default defineConfig({
  // graphql 16 ships CJS (`main`) and ESM (`module`) builds. Node loads the CJS one for Yoga and Pothos,
  // Vite would pick the ESM one for our own files: two realms, so `instanceof GraphQLError` fails
  // (every expected error masked as INTERNAL) and printSchema throws "from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true as const, test: { name: 'pglite', env: { RUNWATCH_TEST_DRIVER: 'pglite' } } },
      ...(withPostgres
        ? [{ extends: true as const, test: { name: 'postgres', env: { RUNWATCH_TEST_DRIVER: 'postgres' } } }]
        : []),
    ],
  },
});
