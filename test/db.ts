/**
 * Test databases: every database test runs on in-memory PGlite and, when
 * TEST_DATABASE_URL is set, on a fresh Postgres database of its own.
 * Under CI=true a missing TEST_DATABASE_URL is a failure, not a skip.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";

export type DbTarget = { name: "pglite" | "postgres"; url?: string };

export function dbTargets(): DbTarget[] {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.CI === "true") {
    throw new Error("CI=true but TEST_DATABASE_URL is not set: the Postgres half of the tests cannot be skipped in CI");
  }
  return [{ name: "pglite" }, ...(url ? [{ name: "postgres" as const, url }] : [])];
}

export type TestDb = DbHandle & { drop: () => Promise<void> };

/** A migrated, empty database; `drop()` closes it and removes the Postgres database. */
export async function createTestDb(target: DbTarget, opts: { maxConnections?: number } = {}): Promise<TestDb> {
  if (target.name === "pglite" || !target.url) {
    const handle = await openDb({});
    await migrateDb(handle);
    return { ...handle, drop: handle.close };
  }
  const fresh = await createPostgresDatabase(target.url);
  const handle = await openDb({ url: fresh.url, maxConnections: opts.maxConnections ?? 10 });
  await migrateDb(handle);
  return {
    ...handle,
    drop: async () => {
      await handle.close();
      await fresh.drop();
    },
  };
}

/** An empty database of its own on the server behind `baseUrl`; `drop()` removes it even with open connections. */
export async function createPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `loupe_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
