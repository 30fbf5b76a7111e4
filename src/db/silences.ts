/** Silences: stored, listed by state, expired. Which alerts they silence is decided in src/domain/notifications.ts. */
import { and, desc, eq, gt, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SilenceState } from '../domain/notifications.js';
import type { Db } from './client.js';
import type { NamespaceScope } from './query.js';
import { alertSilences, type SilenceRow } from './schema.js';

const iso = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/**
 * What a key limited to namespaces sees: silences confined to some of its namespaces. Those of other
 * namespaces and unconfined ones (made by keys without a limit) are hidden from it.
 */
export const visibleTo = (column: typeof alertSilences.namespaces, scope: NamespaceScope): SQL | undefined =>
  scope === null ? undefined : sql`(${column} is not null and ${column} <@ ${sql.param([...scope])}::text[])`;

const inState = (state: SilenceState, now: Date) => {
  if (state === 'PENDING') return gt(alertSilences.startsAt, iso(now));
  if (state === 'EXPIRED') return lte(alertSilences.endsAt, iso(now));
  return and(lte(alertSilences.startsAt, iso(now)), gt(alertSilences.endsAt, iso(now)));
};

export async function insertSilence(db: Db, row: SilenceRow): Promise<SilenceRow> {
  const [inserted] = await db.insert(alertSilences).values(row).returning();
  return inserted!;
}

/** Newest first, after `after`; one more than `limit` to tell whether a page follows. */
export function listSilences(
  db: Db,
  filter: { states: readonly SilenceState[]; now: Date },
  scope: NamespaceScope,
  after: { createdAt: Date; id: string } | null,
  limit: number,
): Promise<SilenceRow[]> {
  return db
    .select()
    .from(alertSilences)
    .where(
      and(
        filter.states.length ? or(...filter.states.map((state) => inState(state, filter.now))) : undefined,
        visibleTo(alertSilences.namespaces, scope),
        after ? sql`(${alertSilences.createdAt}, ${alertSilences.id}) < (${iso(after.createdAt)}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(alertSilences.createdAt), desc(alertSilences.id))
    .limit(limit + 1);
}

export function silencesByIds(db: Db, ids: readonly string[], scope: NamespaceScope): Promise<SilenceRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(alertSilences)
    .where(and(inArray(alertSilences.id, [...ids]), visibleTo(alertSilences.namespaces, scope)));
}

/** Every silence in force at `now`, whoever made it. */
export function activeSilences(db: Db, now: Date): Promise<SilenceRow[]> {
  return db.select().from(alertSilences).where(inState('ACTIVE', now));
}

/** Ends the silence at `now` (a pending one never starts); null when it had already ended or `scope` may not see it. */
export async function expireSilence(db: Db, id: string, now: Date, scope: NamespaceScope): Promise<SilenceRow | null> {
  const [expired] = await db
    .update(alertSilences)
    .set({ endsAt: now, startsAt: sql`least(${alertSilences.startsAt}, ${iso(now)})`, updatedAt: now })
    .where(and(eq(alertSilences.id, id), gt(alertSilences.endsAt, iso(now)), visibleTo(alertSilences.namespaces, scope)))
    .returning();
  return expired ?? null;
}
