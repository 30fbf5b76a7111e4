import { defineConfig } from 'vitest/config';

const withPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

/**
 * Files whose behaviour does not depend on the driver (request parsing and limits, the access rules
 * over the same SQL, the engine client, the demo's engine): run on PGlite only, to keep CI in budget.
 */
const driverIndependent = ['test/auth.test.ts', 'test/fuzz.test.ts', 'test/limits.test.ts', 'test/client.test.ts', 'test/demo.test.ts'];

/** The same suite runs on PGlite always, and on real Postgres when a database URL is given. */
export default defineConfig({
  // graphql 16 ships CJS (`main`) and ESM (`module`) builds. Node loads the CJS one for Yoga and Pothos,
  // Vite would pick the ESM one for our own files: two realms, so `instanceof GraphQLError` fails
  // (every expected error masked as INTERNAL) and printSchema throws "from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Vitest's default on 2 cores is one worker; the files spend much of their time waiting on
    // sockets and timers, so two overlap well.
    maxWorkers: 2,
    // No test waits on wall time (events, manual clocks): these only catch a hang, so they leave room
    // for a machine busy with twice as many runnable threads as cores (scripts/cpu-load.mjs).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      { extends: true as const, test: { name: 'pglite', env: { RUNWATCH_TEST_DRIVER: 'pglite' }, sequence: { groupOrder: 0 } } },
      ...(withPostgres
        ? [
            // One file at a time on the shared server: feeds serve events below the oldest open
            // transaction of the whole server, so one file's transactions would hold back another's feeds.
            // After the PGlite files, which run two at a time.
            {
              extends: true as const,
              test: {
                name: 'postgres',
                env: { RUNWATCH_TEST_DRIVER: 'postgres' },
                exclude: driverIndependent,
                fileParallelism: false,
                sequence: { groupOrder: 1 },
              },
            },
          ]
        : []),
    ],
  },
});
