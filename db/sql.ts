/**
 * Raw SQL that names tables and columns through the schema, so a renamed
 * column fails the type check instead of a query at run time. drizzle renders
 * `${table.column}` qualified ("labels"."item_id"), which Postgres refuses in
 * an INSERT column list, a SET target and after `excluded.`: these helpers
 * give the bare name there, and a table under an alias for correlated queries.
 */
import { sql, type SQL } from "drizzle-orm";
import { alias, type PgColumn, type PgTable } from "drizzle-orm/pg-core";

/** The column's bare name: for INSERT column lists and SET targets. */
export const col = (c: PgColumn): SQL => sql`${sql.identifier(c.name)}`;

/** `(a, b, c)`: an INSERT column list. */
export const cols = (...cs: PgColumn[]): SQL => sql`(${sql.join(cs.map(col), sql`, `)})`;

/** `excluded.<column>`: the row an ON CONFLICT DO UPDATE would have inserted. */
export const excluded = (c: PgColumn): SQL => sql`excluded.${col(c)}`;

/**
 * A table under another name, for self-joins and correlated subqueries:
 * `${x.from}` renders `"annotations" "u"`, and `x.t.itemId` renders `"u"."item_id"`.
 */
export function tableAs<T extends PgTable, N extends string>(table: T, name: N) {
  return { t: alias(table, name), from: sql`${table} ${sql.identifier(name)}` };
}
