/**
 * Planner statistics kept fresh where the database does not keep them itself.
 *
 * PGlite has no autovacuum: a table last analysed when it was empty (or never) keeps
 * an estimate of about one row after a bulk write, and the planner then picks nested
 * loops over 20k items × 10k labels (a batch page measured at 150 s, holding PGlite's
 * one connection all along). Postgres's autovacuum corrects this within a minute;
 * refreshing right after bulk writes closes that minute on Postgres too.
 *
 * A table is stale when it was never analysed but holds pages, or when its size has
 * moved by more than a tenth since its last analysis (bulk inserts, rescoring and
 * relabelling all grow tables: without vacuum even updates do). The size is read from
 * the catalog, so the check costs one small query and works without pgstat counters,
 * which PGlite does not keep.
 */
import { getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { executeRows, type Db } from "./client";
import * as schema from "./schema";

/** Sample of 300 × target rows: enough for row counts and the few filter columns, ~0.1 s per table on PGlite. */
const STATISTICS_TARGET = 20;
/** Below this many pages of growth a table is not worth re-analysing (64 KiB). */
const MIN_PAGE_CHANGE = 8;
const CHANGE_SHARE = 0.1;

const LOUPE_TABLES: string[] = (Object.values(schema) as unknown[]).flatMap((t) =>
  is(t, PgTable) ? [getTableName(t)] : [],
);

type TableSize = { name: string; analysedRows: number; analysedPages: number; pages: number };

export function isStale(t: TableSize): boolean {
  if (t.analysedRows < 0) return t.pages > 0;
  return Math.abs(t.pages - t.analysedPages) > Math.max(MIN_PAGE_CHANGE, CHANGE_SHARE * t.analysedPages);
}

export async function tableSizes(db: Db): Promise<TableSize[]> {
  const rows = await executeRows<{ name: string; analysed_rows: number; analysed_pages: number; pages: number }>(
    db,
    sql`select c.relname as name, c.reltuples::float8 as analysed_rows, c.relpages::int as analysed_pages,
          (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'
          and c.relname in (${sql.join(
            LOUPE_TABLES.map((n) => sql`${n}`),
            sql`, `,
          )})`,
  );
  return rows.map((r) => ({
    name: r.name,
    analysedRows: Number(r.analysed_rows),
    analysedPages: Number(r.analysed_pages),
    pages: Number(r.pages),
  }));
}

/**
 * Analyses the tables whose statistics no longer describe them; returns their names.
 * One short transaction per table, so a request waits behind at most one of them.
 */
export async function refreshStatistics(db: Db): Promise<string[]> {
  const stale = (await tableSizes(db)).filter(isStale).map((t) => t.name);
  for (const name of stale) {
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local default_statistics_target = ${STATISTICS_TARGET}`));
      await tx.execute(sql`analyze ${sql.identifier(name)}`);
    });
  }
  return stale;
}

/** A handle closed meanwhile (a process or a test ending) is no failure: nothing is left to refresh. */
function reportRefreshError(err: unknown): void {
  const describe = (e: unknown): string =>
    e instanceof Error
      ? `${(e as { code?: string }).code ?? ""} ${e.message} ${e.cause ? describe(e.cause) : ""}`
      : String(e);
  const text = describe(err);
  if (/CONNECTION_ENDED|CONNECTION_DESTROYED|closed/i.test(text)) return;
  console.error("[db] refreshing statistics:", err);
}

/** Per database handle: the refresh running now, and whether another was asked for meanwhile. */
const background = new WeakMap<Db, { running: Promise<void>; again: boolean }>();

/** A burst of small writes is re-checked at most this often (each analysis samples 6,000 rows per table). */
export const BACKGROUND_REFRESH_INTERVAL_MS = 3_000;

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    // Unreferenced: a process that is done (a CLI command, a test file) does not wait for the next check.
    setTimeout(resolve, ms).unref();
  });

/**
 * A refresh after the caller's answer instead of before it, for frequent small writes
 * (API upserts of at most a batch each). Calls while one runs coalesce into one more run,
 * started at least BACKGROUND_REFRESH_INTERVAL_MS after the previous one: a stream of
 * upserts costs a size check every few seconds rather than a check (and often an
 * analysis, while a table grows from empty) after each. The promise settles when a run
 * that started after this call has finished; it never rejects.
 */
export function refreshStatisticsSoon(db: Db): Promise<void> {
  const current = background.get(db);
  if (current) {
    current.again = true;
    return current.running;
  }
  const state = { running: Promise.resolve(), again: false };
  state.running = (async () => {
    for (;;) {
      const started = Date.now();
      state.again = false;
      await refreshStatistics(db).catch(reportRefreshError);
      if (!state.again) break;
      await pause(BACKGROUND_REFRESH_INTERVAL_MS - (Date.now() - started));
    }
    background.delete(db);
  })();
  background.set(db, state);
  return state.running;
}
