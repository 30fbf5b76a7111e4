import { fileURLToPath } from 'node:url';

// `true` in the bundles `npm run build` writes (scripts/build.ts sets it with esbuild's `define`).
declare const RUNWATCH_BUILD: boolean | undefined;

/** Whether this process runs the production build (`node dist/main.js`) rather than the TypeScript sources. */
export const runningFromBuild = typeof RUNWATCH_BUILD !== 'undefined' && RUNWATCH_BUILD;

// This file sits directly in src/ and the build's bundles directly in dist/: `..` is the app's root from both.
const root = new URL('..', import.meta.url);

/** The generated migrations (drizzle/), applied at start-up. */
export const migrationsFolder = fileURLToPath(new URL('drizzle/', root));

/** The web pages prebuilt by `npm run build`; null from the sources, which bundle them on first request. */
export const prebuiltPagesFolder = runningFromBuild ? fileURLToPath(new URL('dist/public/', root)) : null;

/** Where PGlite's templates for fresh databases are kept (see db/pglite.ts): made by the build, or cached. */
export const pgliteTemplatesFolder = fileURLToPath(new URL(runningFromBuild ? 'dist/pglite/' : 'node_modules/.cache/runwatch/', root));
