import { Column, getTableColumns, sql, type InferSelectModel, type Query, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
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

type Buildable = SQL | { toSQL(): Query };
const dialect = new PgDialect();

/**
 * Drizzle's prepared statements, built once per shape. A statement's SQL is built the first time
 * its shape (its name and which values are given) runs, with the values as placeholders; after
 * that a request pays no query building (on the write path it was a quarter of a mutation's CPU
 * time). `build` may depend on which values are given, never on what they are.
 */
export function preparedStatements() {
  const built = new Map<string, Query>();
  return function prepare(db: Db, name: string, values: StatementValues, build: () => Buildable) {
    const given: StatementValues = {};
    for (const key in values) if (values[key] !== undefined) given[key] = values[key];
    const shape = `${name}(${Object.keys(given).join()})`;
    let query = built.get(shape);
    if (!query) {
      const statement = build();
      built.set(shape, (query = 'toSQL' in statement ? statement.toSQL() : dialect.sqlToQuery(statement)));
    }
    const session = db._.session;
    return {
      /** The driver's result, as `db.execute` gives it. */
      run: () => session.prepareQuery(query, undefined, undefined, false).execute(given),
      /** Rows in array mode, mapped by `map`. */
      rows: <R>(map: (rows: unknown[][]) => R[]) =>
        session.prepareQuery<{ execute: R[] } & PreparedQueryConfig>(query, undefined, undefined, true, map).execute(given),
    };
  };
}

/**
 * Reads whole rows of `table` through prepared statements (see preparedStatements). Rows come back
 * in array mode and are mapped by a function generated once per table (one object literal per row;
 * only columns whose driver value needs decoding call their column). Drizzle's own result mapping
 * checks each column's class on every row of every query: on a page of executions with their steps
 * it was a quarter of the server's CPU time, and building the two statements another 5 %.
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
  const prepare = preparedStatements();

  /** `build` selects every column of `table` (`db.select().from(table)`), in their declared order. */
  return (db: Db, name: string, values: StatementValues, build: () => { toSQL(): Query }): Promise<Row[]> =>
    prepare(db, name, values, build).rows(mapRows);
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
