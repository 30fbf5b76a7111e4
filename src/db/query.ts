import { Column, getTableColumns, sql, type InferSelectModel, type Query, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn, PgTable, PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** Raw `execute` results differ by driver: an array (postgres.js) or `{ rows }` (PGlite). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Runs raw SQL and returns its rows as the driver gives them (column names, no mapping). */
export async function queryRows<T>(db: Db, query: SQLWrapper): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** A statement's values by placeholder name; an absent (undefined) value leaves its condition out. */
export type StatementValues = Record<string, unknown>;

/**
 * Reads whole rows of `table` through Drizzle's prepared statements. Each statement's SQL is built
 * once per shape (its name and which values are given) with the values as placeholders, so a
 * request pays no query building; `build` may depend on which values are given, never on what they
 * are. Rows come back in array mode and are mapped by a function generated once per table (one
 * object literal per row; only columns whose driver value needs decoding call their column).
 * Drizzle's own result mapping checks each column's class on every row of every query: on a page
 * of executions with their steps it was a quarter of the server's CPU time, and building the two
 * statements another 5 %.
 */
export function tableReader<T extends PgTable>(table: T) {
  type Row = InferSelectModel<T>;
  const columns = Object.entries(getTableColumns(table));
  const decoders = columns.map(([, column]) => column);
  const fields = columns.map(([key, column], i) => {
    const value = `row[${i}]`;
    const decodes = column.mapFromDriverValue !== Column.prototype.mapFromDriverValue;
    return `${JSON.stringify(key)}: ${decodes ? `${value} == null ? null : decoders[${i}].mapFromDriverValue(${value})` : `${value} ?? null`}`;
  });
  const map = new Function('decoders', `return (row) => ({ ${fields.join(', ')} });`)(decoders) as (row: unknown[]) => Row;
  const mapRows = (rows: unknown[][]) => rows.map(map);
  const statements = new Map<string, Query>();

  /** `build` selects every column of `table` (`db.select().from(table)`), in their declared order. */
  return (db: Db, name: string, values: StatementValues, build: () => { toSQL(): Query }): Promise<Row[]> => {
    const given: StatementValues = {};
    for (const key in values) if (values[key] !== undefined) given[key] = values[key];
    const shape = `${name}(${Object.keys(given).join()})`;
    let query = statements.get(shape);
    if (!query) statements.set(shape, (query = build().toSQL()));
    return db._.session.prepareQuery<{ execute: Row[] } & PreparedQueryConfig>(query, undefined, undefined, true, mapRows).execute(given);
  };
}

/** A statement's value, bound when it runs. */
export const value = (name: string) => sql.placeholder(name);

/**
 * `column = any($name)` with the values as one array parameter: the statement text is the same
 * for any number of values, so it is prepared once per connection.
 */
export function anyOf(column: PgColumn, name: string, type: 'uuid' | 'text' | 'bigint'): SQL {
  return sql`${column} = any(${value(name)}::${sql.raw(type)}[])`;
}
