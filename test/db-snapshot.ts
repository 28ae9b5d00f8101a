/**
 * A fingerprint of every table in the public schema (row count + hash of the
 * rows), so a test can assert that a refused call changed nothing at all,
 * including in tables added after the test was written.
 */
import type { DbHandle } from "@/db/client";

export type DbSnapshot = Record<string, { rows: number; hash: string }>;

/**
 * `ignore` leaves columns out of a table's hash, for bookkeeping a refused call
 * may legitimately write (an API token's last-used time); its row count still counts.
 */
export async function snapshotDb(
  h: Pick<DbHandle, "executeSql">,
  ignore: Record<string, string[]> = {},
): Promise<DbSnapshot> {
  const { rows: tables } = await h.executeSql(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    [],
  );
  const out: DbSnapshot = {};
  for (const t of tables) {
    const name = String(t.name);
    const skipped = (ignore[name] ?? []).map((c) => ` - '${c.replace(/'/g, "''")}'`).join("");
    const row = skipped ? `(to_jsonb(x)${skipped})::text` : "x::text";
    const { rows } = await h.executeSql(
      `select count(*)::int as n, coalesce(md5(string_agg(${row}, '|' order by ${row})), '') as h from "public"."${name.replace(/"/g, '""')}" x`,
      [],
    );
    out[name] = { rows: Number(rows[0]?.n ?? 0), hash: String(rows[0]?.h ?? "") };
  }
  return out;
}
