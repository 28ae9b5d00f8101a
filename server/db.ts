/**
 * The process-wide database. Cached on globalThis: opening the same PGlite
 * folder twice in one process corrupts it (Next dev reloads modules).
 */
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { env } from "./env";

const g = globalThis as unknown as { __loupeDb?: Promise<DbHandle>; __loupeRequestDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  g.__loupeDb ??= (async () => {
    const e = env();
    const handle = await openDb({ url: e.DATABASE_URL, dataDir: e.pgliteDir, maxConnections: e.DATABASE_POOL_SIZE });
    await migrateDb(handle);
    return handle;
  })();
  return g.__loupeDb;
}

/**
 * The database for answering a request (tRPC, server components). On Postgres its own pool
 * whose statements are cancelled after LOUPE_STATEMENT_TIMEOUT_MS, so no request (a search
 * no index serves, a count over everything) holds a connection and the CPU for long; the
 * jobs, imports and exports keep the main pool without that limit. On PGlite the same
 * handle: its one thread runs the statement and has nobody to cancel it.
 */
export function getRequestDb(): Promise<DbHandle> {
  g.__loupeRequestDb ??= (async () => {
    const main = await getDbHandle(); // migrated first
    const e = env();
    if (main.kind !== "postgres" || !main.url || e.LOUPE_STATEMENT_TIMEOUT_MS === 0) return main;
    return openDb({
      url: main.url,
      maxConnections: e.DATABASE_POOL_SIZE,
      statementTimeoutMs: e.LOUPE_STATEMENT_TIMEOUT_MS,
    });
  })();
  return g.__loupeRequestDb;
}

/** For tests and CLIs that open their own database. */
export function setDbHandle(handle: DbHandle): void {
  g.__loupeDb = Promise.resolve(handle);
  g.__loupeRequestDb = Promise.resolve(handle);
}

/** Closes the process-wide database if it was opened (server shutdown); never opens one. */
export async function closeDbHandle(): Promise<void> {
  const open = g.__loupeDb;
  const request = g.__loupeRequestDb;
  g.__loupeDb = undefined;
  g.__loupeRequestDb = undefined;
  const [main, forRequests] = await Promise.all([open, request]);
  if (forRequests && forRequests !== main) await forRequests.close();
  if (main) await main.close();
}
