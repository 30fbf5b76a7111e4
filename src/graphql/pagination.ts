import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { cursorNotFound, invalidCursor, isUuid } from '../domain/cursors.js';
import { badInput } from '../errors.js';
import { builder } from './builder.js';

/** `first`/`after` arguments of every connection in this API (forward pagination only). */
export const pageArgs = builder.args((t) => ({
  first: t.int({ description: 'Page size: 50 when omitted, at most 500.' }),
  after: t.string({
    description:
      'Cursor of the last item seen; the page starts right after it. One that names nothing the caller may see (gone, never there, ' +
      'another namespace\'s) is BAD_USER_INPUT with extensions.reason CURSOR_NOT_FOUND, as on the subscriptions.',
  }),
}));

/** The page size to read, or BAD_USER_INPUT when it is out of bounds (never silently cut). */
export function pageSize(first: number | null | undefined, config: Config): number {
  if (first === null || first === undefined) return config.limits.defaultPageSize;
  if (first < 0 || first > config.limits.maxPageSize) {
    throw badInput(`first must be between 0 and ${config.limits.maxPageSize}, got ${first}`, {
      field: 'first',
      max: config.limits.maxPageSize,
    });
  }
  return first;
}

/**
 * The rows after `after` (from the start without it), read by `read`. A cursor must name an item
 * the caller may see, which `exists` checks concurrently with the read: CURSOR_NOT_FOUND otherwise,
 * the answer the live feeds give, rather than a page after a position nothing holds. The check
 * reads the primary: a cursor from the live feed or a fresher replica names rows a lagging replica
 * has not replayed yet.
 */
export async function rowsAfter<P, T>(
  ctx: Context,
  after: string | null | undefined,
  decode: (cursor: string) => P,
  exists: (position: P) => Promise<boolean>,
  read: (position: P | null) => Promise<T[]>,
): Promise<T[]> {
  if (!after) return read(null);
  const position = decode(after);
  const [found, rows] = await Promise.all([ctx.services.readFromPrimary(() => exists(position)), read(position)]);
  if (!found) throw cursorNotFound();
  return rows;
}

/** Builds a Relay connection from `limit + 1` rows read after `after`. */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => string, after: string | null | undefined) {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? after ?? null,
    },
  };
}

/** An opaque cursor over a newest-first list ordered by (a time, a uuid), as `prefix:<ms>:<uuid>`. */
export function timeAndIdCursor(prefix: string) {
  return {
    encode: (at: Date, id: string) => Buffer.from(`${prefix}:${at.getTime()}:${id}`).toString('base64url'),
    decode(cursor: string): { at: Date; id: string } {
      const match = new RegExp(`^${prefix}:(\\d{1,15}):(.+)$`).exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!match || !isUuid(match[2]!)) throw invalidCursor(cursor);
      return { at: new Date(Number(match[1])), id: match[2]! };
    },
  };
}
