import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { migrationsFolder, pgliteTemplatesFolder } from '../paths.js';

/**
 * Postgres' own default (128 MB) grows PGlite's WASM heap from its fixed 128 MB minimum to ~190 MB,
 * all of it resident once touched; with 16 MB the heap stays at the minimum. PGlite is the embedded
 * default for one process and a small database: the OS page cache still holds the data files.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** Applies the migrations to a PGlite database. */
export type Migrate = (client: PGlite) => Promise<void>;

/**
 * Opens PGlite in `dataDir` (a folder, or `memory://`) and applies the migrations.
 *
 * A fresh database is loaded from a template instead of running initdb: initdb costs ~4 s of CPU and
 * a second ~190 MB WASM instance, loading the template ~1 s. The template is an initdb'ed database with
 * the migrations applied, one per PGlite version and set of migrations: made by `npm run build` in the
 * build, and from the sources made once (on the first fresh start) in node_modules/.cache/runwatch/.
 */
export async function openPglite(dataDir: string, migrate: Migrate, templates = pgliteTemplatesFolder): Promise<PGlite> {
  const fresh = dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = fresh ? await template(migrate, templates) : undefined;
  const client = await PGlite.create(dataDir, { startParams: START_PARAMS, loadDataDir });
  try {
    if (!loadDataDir) await migrate(client); // a template has this set of migrations applied
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}

/** The template's file for this PGlite and these migrations, made if missing. */
export async function ensureTemplate(migrate: Migrate, folder = pgliteTemplatesFolder): Promise<string> {
  const file = join(folder, `pglite-${await templateKey()}.tar.gz`);
  if (existsSync(file)) return file;
  const client = await PGlite.create('memory://', { startParams: START_PARAMS });
  let tar: Blob;
  try {
    await migrate(client);
    tar = await client.dumpDataDir('gzip');
  } finally {
    await client.close();
  }
  await mkdir(folder, { recursive: true });
  // Replaced whole (another process may be making the same one), and older ones removed.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await tar.arrayBuffer()));
  await rename(partial, file);
  for (const name of await readdir(folder)) {
    if (name.startsWith('pglite-') && join(folder, name) !== file && !name.endsWith('.partial')) await rm(join(folder, name), { force: true });
  }
  return file;
}

/** The template, or none (initdb runs) when it cannot be stored, on a read-only install say. */
async function template(migrate: Migrate, folder: string): Promise<Blob | undefined> {
  const file = await ensureTemplate(migrate, folder).catch(() => null);
  // Read now, not lazily (openAsBlob): another process making the same template renames a new file
  // over it, and a lazy blob of the replaced file then fails with NotReadableError.
  return file ? new Blob([await readFile(file)]) : undefined;
}

async function templateKey(): Promise<string> {
  const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pgliteVersion = JSON.parse(await readFile(join(dirname(pgliteEntry), '../package.json'), 'utf8')).version as string;
  const hash = createHash('sha256').update(`${pgliteVersion}\n${START_PARAMS.join(' ')}\n`);
  const journal = join(migrationsFolder, 'meta/_journal.json');
  hash.update(await readFile(journal));
  for (const { tag } of JSON.parse(await readFile(journal, 'utf8')).entries as { tag: string }[]) {
    hash.update(await readFile(join(migrationsFolder, `${tag}.sql`)));
  }
  return hash.digest('hex').slice(0, 16);
}
