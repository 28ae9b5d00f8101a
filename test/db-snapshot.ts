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
  // One statement for every table: the adversarial suite takes hundreds of these per database.
  const parts = tables.map((t) => {
    const name = String(t.name);
    const skipped = (ignore[name] ?? []).map((c) => ` - '${c.replace(/'/g, "''")}'`).join("");
    const row = skipped ? `(to_jsonb(x)${skipped})::text` : "x::text";
    return `select '${name.replace(/'/g, "''")}' as t, count(*)::int as n, coalesce(md5(string_agg(${row}, '|' order by ${row})), '') as h from "public"."${name.replace(/"/g, '""')}" x`;
  });
  const out: DbSnapshot = {};
  if (parts.length === 0) return out;
  const { rows } = await h.executeSql(parts.join("\nunion all\n"), []);
  for (const r of rows) out[String(r.t)] = { rows: Number(r.n ?? 0), hash: String(r.h ?? "") };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
