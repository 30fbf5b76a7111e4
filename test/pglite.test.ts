import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePgliteDatabase } from '../src/db/client.js';
import { ensureTemplate, openPglite } from '../src/db/pglite.js';
import { migrationsFolder } from '../src/paths.js';
import { onPostgres } from './harness.js';

const folder = mkdtempSync(join(tmpdir(), 'runwatch-pglite-'));
const templates = join(folder, 'templates');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
let migrations = 0;
const countingMigrate = async (client: PGlite) => {
  migrations++;
  await migratePgliteDatabase(client);
};
const appliedMigrations = async (client: PGlite) => (await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n;

describe.runIf(!onPostgres)('PGlite: fresh databases from a template', () => {
  it('makes the template once, then opens fresh folders and memory:// from it, migrated, with small shared buffers', async () => {
    const file = await ensureTemplate(countingMigrate, templates);
    expect(migrations).toBe(1);
    const made = statSync(file).mtimeMs;
    expect(await ensureTemplate(countingMigrate, templates)).toBe(file);
    expect(statSync(file).mtimeMs).toBe(made);

    for (const dataDir of [join(folder, 'fresh'), 'memory://']) {
      const client = await openPglite(dataDir, countingMigrate, templates);
      expect(migrations).toBe(1); // the template has them applied
      expect(await appliedMigrations(client)).toBe(journal.entries.length);
      expect((await client.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
      await client.close();
    }
  });

  it('keeps what is written to a folder made from the template, and migrates an existing folder on open', async () => {
    const dataDir = join(folder, 'kept');
    const first = await openPglite(dataDir, countingMigrate, templates);
    await first.query(`insert into api_keys (id, name, prefix, key_hash, scopes, created_at) values (gen_random_uuid(), 'kept', 'rw_kept', 'x', '{read}', now())`);
    await first.close();
    const before = migrations;
    const again = await openPglite(dataDir, countingMigrate, templates);
    expect(migrations).toBe(before + 1);
    expect((await again.query<{ name: string }>('select name from api_keys')).rows).toEqual([{ name: 'kept' }]);
    await again.close();
  });

  it('runs initdb instead when the template cannot be stored', async () => {
    const notAFolder = join(folder, 'a-file');
    writeFileSync(notAFolder, '');
    const client = await openPglite(join(folder, 'without-template'), migratePgliteDatabase, join(notAFolder, 'templates'));
    expect(await appliedMigrations(client)).toBe(journal.entries.length);
    await client.close();
  });
});
