/**
 * The process-wide database. Cached on globalThis: opening the same PGlite
 * folder twice in one process corrupts it (Next dev reloads modules).
 */
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { env } from "./env";

const g = globalThis as unknown as { __loupeDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  g.__loupeDb ??= (async () => {
    const e = env();
    const handle = await openDb({ url: e.DATABASE_URL, dataDir: e.pgliteDir, maxConnections: e.DATABASE_POOL_SIZE });
    await migrateDb(handle);
    return handle;
  })();
  return g.__loupeDb;
}

/** For tests and CLIs that open their own database. */
export function setDbHandle(handle: DbHandle): void {
  g.__loupeDb = Promise.resolve(handle);
}

/** Closes the process-wide database if it was opened (server shutdown); never opens one. */
export async function closeDbHandle(): Promise<void> {
  const open = g.__loupeDb;
  if (!open) return;
  g.__loupeDb = undefined;
  await (await open).close();
}
