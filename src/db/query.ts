import { Column, getTableColumns, getTableName, sql, type InferSelectModel, type Query, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect, type PgColumn, type PgTable, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/** Namespaces a reader may see; null means all of them. */
export type NamespaceScope = readonly string[] | null;

/** Plain code-unit order, the same in every process (unlike localeCompare). */
export const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

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

export type Buildable = SQL | { toSQL(): Query };
const dialect = new PgDialect();

/**
 * Drizzle's prepared statements, built once per shape. A statement's SQL is built the first time
 * its shape (its name and which values are given) runs, with the values as placeholders; after
 * that a request pays no query building, which Drizzle otherwise redoes for every statement.
 * `build` may depend on which values are given, never on what they are.
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

/** Maps array-mode rows whose columns `offset..` are `table`'s, in their declared order, to its rows. */
export function rowMapper<T extends PgTable>(table: T, offset = 0) {
  type Row = InferSelectModel<T>;
  const columns = Object.entries(getTableColumns(table));
  const decoders = columns.map(([, column]) => column);
  const fields = columns.map(([key, column], i) => {
    const value = `row[${offset + i}]`;
    const decodes = column.mapFromDriverValue !== Column.prototype.mapFromDriverValue;
    return `${JSON.stringify(key)}: ${decodes ? `${value} == null ? null : decoders[${i}].mapFromDriverValue(${value})` : `${value} ?? null`}`;
  });
  const map = new Function('decoders', `return (row) => ({ ${fields.join(', ')} });`)(decoders) as (row: unknown[]) => Row;
  return (rows: unknown[][]) => rows.map(map);
}

/**
 * Reads whole rows of `table` through prepared statements (see preparedStatements). Rows come back
 * in array mode and are mapped by a function generated once per table (one object literal per row;
 * only columns whose driver value needs decoding call their column), because Drizzle's own result
 * mapping checks each column's class on every row of every query.
 */
export function tableReader<T extends PgTable>(table: T) {
  const mapRows = rowMapper(table);
  const prepare = preparedStatements();

  /** `build` selects every column of `table` (`db.select().from(table)`), in their declared order. */
  return (db: Db, name: string, values: StatementValues, build: () => Buildable): Promise<InferSelectModel<T>[]> =>
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

/** The condition of a namespace scope on `column` (null: every namespace), with its value as `scope`. */
export const scopeCondition = (column: PgColumn, scope: NamespaceScope) => (scope === null ? undefined : anyOf(column, 'scope', 'text'));
export const scopeValue = (scope: NamespaceScope) => (scope === null ? undefined : [...scope]);

/*
 * Bulk writes whose statement text does not depend on how many rows they write: rows travel as one
 * array parameter per column (`unnest`), so each shape is prepared once.
 */
const prepareWrite = preparedStatements();

const asText = (column: PgColumn, value: unknown) => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return column.columnType === 'PgJsonb' ? JSON.stringify(value) : String(value);
};
const castFromText = (column: PgColumn) => {
  const type = column.columnType === 'PgTimestamp' ? 'timestamptz' : column.getSQLType();
  return type === 'text' ? '' : `::${type}[]`;
};

/**
 * `unnest($c0::text[]::uuid[], ...) as v(id, ...)`: the rows' `keys` columns, one array each,
 * given as values c0, c1, ...
 */
function unnestRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const names = keys.map((key) => columns[key]!.name);
  const values = Object.fromEntries(keys.map((key, i) => [`c${i}`, rows.map((row) => asText(columns[key]!, row[key]))]));
  const from = () =>
    sql`unnest(${sql.join(keys.map((key, i) => sql`${value(`c${i}`)}::text[]${sql.raw(castFromText(columns[key]!))}`), sql`, `)}) as v(${sql.raw(names.join(', '))})`;
  return { names, values, from, shape: `${getTableName(table)}:${names.join()}` };
}

export function insertRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(tx: Db, table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const { names, values, from, shape } = unnestRows(table, keys, rows);
  return prepareWrite(tx, `insert ${shape}`, values, () => sql`insert into ${table} (${sql.raw(names.join(', '))}) select * from ${from()}`).run();
}

/** Sets the other `keys` columns of each row found by the first one, its id. */
export function updateRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(tx: Db, table: T, keys: readonly K[], rows: readonly Pick<T['$inferSelect'], K>[]) {
  const { names, values, from, shape } = unnestRows(table, keys, rows);
  const set = names.slice(1).map((name) => `${name} = v.${name}`);
  return prepareWrite(tx, `update ${shape}`, values, () => sql`update ${table} as t set ${sql.raw(set.join(', '))} from ${from()} where t.id = v.id`).run();
}

