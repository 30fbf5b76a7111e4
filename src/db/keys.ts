import { and, desc, eq, gt, isNull, like, or, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { apiKeys, type ApiKeyRow } from './schema.js';

/** A key to store: everything but its use and revocation, which start empty. */
export type NewApiKeyRow = Omit<ApiKeyRow, 'revokedAt' | 'lastUsedAt'>;

export async function insertKey(db: Db, row: NewApiKeyRow): Promise<ApiKeyRow> {
  const [inserted] = await db.insert(apiKeys).values(row).returning();
  return inserted!;
}

/** Newest first. */
export function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export function keysById(db: Db, id: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id));
}

/** Keys whose shown prefix starts with `prefix` (taken literally: `%` and `_` match themselves). */
export function keysByPrefix(db: Db, prefix: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(like(apiKeys.prefix, `${prefix.replace(/[%_\\]/g, '\\$&')}%`));
}

/** Revokes the key unless it already is; null when it was revoked before. */
export async function revokeKey(db: Db, id: string, at: Date): Promise<ApiKeyRow | null> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row ?? null;
}

/** The key with this hash, marked as used at `at`. */
export async function useKeyByHash(db: Db, keyHash: string, at: Date): Promise<ApiKeyRow | null> {
  const [row] = await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.keyHash, keyHash)).returning();
  return row ?? null;
}

/** How many keys exist, and how many are neither revoked nor expired at `at`. */
export async function countKeys(db: Db, at: Date): Promise<{ total: number; usable: number }> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      usable: sql<number>`(count(*) filter (where ${and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, at)))}))::int`,
    })
    .from(apiKeys);
  return { total: Number(row?.total ?? 0), usable: Number(row?.usable ?? 0) };
}
