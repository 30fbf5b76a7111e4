import { Column, getTableColumns, sql, type InferSelectModel, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** Raw `execute` results differ by driver: an array (postgres.js) or `{ rows }` (PGlite). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Runs raw SQL and returns its rows as the driver gives them (column names, no mapping). */
export async function queryRows<T>(db: Db, query: SQLWrapper): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/**
 * Reads whole rows of `table` from a Drizzle select, mapped by a function generated once per table
 * (one object literal per row; only columns whose driver value needs decoding call their column).
 * Drizzle's own result mapping checks each column's class on every row of every query: on a page
 * of executions with their steps it was a quarter of the server's CPU time.
 */
export function rowReader<T extends PgTable>(table: T) {
  const columns = Object.entries(getTableColumns(table));
  const decoders = columns.map(([, column]) => column);
  const fields = columns.map(([key, column], i) => {
    const value = `row[${JSON.stringify(column.name)}]`;
    const decodes = column.mapFromDriverValue !== Column.prototype.mapFromDriverValue;
    return `${JSON.stringify(key)}: ${decodes ? `${value} == null ? null : decoders[${i}].mapFromDriverValue(${value})` : `${value} ?? null`}`;
  });
  const map = new Function('decoders', `return (row) => ({ ${fields.join(', ')} });`)(decoders) as (row: unknown) => InferSelectModel<T>;
  return async (db: Db, query: SQLWrapper): Promise<InferSelectModel<T>[]> => (await queryRows(db, query)).map(map);
}

/**
 * `column = any($1)` with the values as one array parameter: unlike `in ($1, $2, ...)` the
 * statement text is the same for any number of values, so it is prepared once per connection.
 */
export function anyOf(column: PgColumn, values: readonly unknown[], type: 'uuid' | 'text' | 'bigint'): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
}
