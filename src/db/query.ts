import { getTableColumns, sql, type InferSelectModel, type SQL, type SQLWrapper } from 'drizzle-orm';
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
 * Reads whole rows of `table` from a Drizzle select, mapped by a mapper built once per table.
 * Drizzle's own result mapping checks each column's class on every row of every query: on a page
 * of executions with their steps it was a quarter of the server's CPU time.
 */
export function rowReader<T extends PgTable>(table: T) {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, name: column.name, column }));
  const map = (row: Record<string, unknown>) => {
    const mapped: Record<string, unknown> = {};
    for (const { key, name, column } of columns) {
      const value = row[name];
      mapped[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return mapped as InferSelectModel<T>;
  };
  return async (db: Db, query: SQLWrapper): Promise<InferSelectModel<T>[]> => (await queryRows<Record<string, unknown>>(db, query)).map(map);
}

/**
 * `column = any($1)` with the values as one array parameter: unlike `in ($1, $2, ...)` the
 * statement text is the same for any number of values, so it is prepared once per connection.
 */
export function anyOf(column: PgColumn, values: readonly unknown[], type: 'uuid' | 'text' | 'bigint'): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(type)}[])`;
}
