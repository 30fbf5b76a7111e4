import type { Config } from '../config.js';
import { isUuid } from '../domain/cursors.js';
import { badInput } from '../errors.js';
import { builder } from './builder.js';

/** `first`/`after` arguments of every connection in this API (forward pagination only). */
export const pageArgs = builder.args((t) => ({
  first: t.int({ description: 'Page size: 50 when omitted, at most 500.' }),
  after: t.string({ description: 'Cursor of the last item seen; the page starts right after it.' }),
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
      if (!match || !isUuid(match[2]!)) throw badInput(`"${cursor.slice(0, 80)}" is not a valid cursor; pass a cursor this API returned`, { field: 'after' });
      return { at: new Date(Number(match[1])), id: match[2]! };
    },
  };
}
