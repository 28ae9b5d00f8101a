/** Applies the committed drizzle-kit migrations; safe to call from several processes. */
import path from "node:path";
import type { DbHandle } from "./client";

export const migrationsFolder = path.resolve(process.cwd(), "db/migrations");

const MIGRATION_LOCK = 746_201; // arbitrary advisory-lock key for Loupe migrations

export async function migrateDb(handle: DbHandle): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder });
    return;
  }
  if (!handle.url) throw new Error("migrateDb: a Postgres handle needs its url");
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // One connection, so the advisory lock and the migration share a session:
  // a web server and a worker starting together migrate one after the other.
  const client = postgres(handle.url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.end({ timeout: 5 });
  }
}
