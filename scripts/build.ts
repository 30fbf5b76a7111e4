/**
 * `npm run build`: the production build in dist/, run with plain Node (`npm run start:prod`).
 * - dist/main.js, dist/keys.js, dist/migrate.js: the server and the two scripts an operator needs,
 *   our code bundled by esbuild; packages stay in node_modules (`npm ci --omit=dev` installs them).
 *   Shared code goes to chunks beside them, directly in dist/, which src/paths.ts relies on.
 * - dist/public/<page>/: the dashboard and GraphiQL, prebuilt (served instead of bundling on request).
 * - dist/pglite/: the template a fresh embedded database starts from (see src/db/pglite.ts).
 * Migrations are read from drizzle/ next to dist/.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { dashboardBundle } from '../src/dashboard/page.js';
import { migratePgliteDatabase } from '../src/db/client.js';
import { ensureTemplate } from '../src/db/pglite.js';
import { buildBundle } from '../src/server/bundles.js';
import { graphiqlBundle } from '../src/server/graphiql.js';

/** dist/<name>.js for each source (the Dockerfile's npm scripts name them). */
export const SERVER_ENTRIES = { main: 'src/main.ts', keys: 'scripts/keys.ts', migrate: 'scripts/migrate.ts' };

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

async function buildDist() {
  const started = performance.now();
  await rm(dist, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: SERVER_ENTRIES,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    define: { RUNWATCH_BUILD: 'true' },
    logLevel: 'warning',
  });
  for (const bundle of [dashboardBundle, graphiqlBundle]) {
    for (const [name, contents] of await buildBundle(bundle)) {
      const file = join(dist, 'public', bundle.name, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, contents);
    }
  }
  await ensureTemplate(migratePgliteDatabase, join(dist, 'pglite'));
  console.log(`Built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s: npm run start:prod (node dist/main.js)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
