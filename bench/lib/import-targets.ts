/**
 * Fresh, migrated databases for the import benchmark: PGlite in a temporary folder on
 * disk (as the demo runs it, not in memory) and a new Postgres database of its own.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";

export type BenchDb = { handle: DbHandle; dispose: () => Promise<void> };

export async function freshPglite(): Promise<BenchDb> {
  const dir = mkdtempSync(path.join(tmpdir(), "loupe-bench-"));
  const handle = await openDb({ dataDir: path.join(dir, "pglite") });
  await migrateDb(handle);
  return {
    handle,
    dispose: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgres(baseUrl: string): Promise<BenchDb> {
  const name = `loupe_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  await migrateDb(handle);
  return {
    handle,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
