/** A fresh, migrated Postgres database per benchmark run; dropped afterwards. */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";

export const BASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type BenchDatabase = { name: string; url: string; create: () => Promise<void>; drop: () => Promise<void> };

/** Names a database next to `base`; nothing is created until `create()`. */
export function benchDatabase(prefix: string, base = BASE_URL): BenchDatabase {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const admin = () => postgres(base, { max: 1, onnotice: () => {} });
  return {
    name,
    url: url.toString(),
    create: async () => {
      const a = admin();
      try {
        await a.unsafe(`create database ${name}`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
    drop: async () => {
      const a = admin();
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

/**
 * Refreshes planner statistics. The Postgres here runs with autovacuum off, so
 * tables filled by an import would keep "empty table" estimates and the queue's
 * queries pick nested loops over the whole pool (seen: 88 s for one audit pick).
 * The benches analyse after seeding and after every round, as autovacuum would.
 */
export async function analyze(handle: DbHandle): Promise<void> {
  await handle.executeSql("analyze", []);
}

const open = new Set<OpenBenchDb>();
let hooked = false;
/** Ctrl-C or a kill drops the databases this process created. */
function dropOnSignal() {
  if (hooked) return;
  hooked = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      void Promise.allSettled([...open].map((b) => b.drop())).finally(() => process.exit(130));
    });
  }
}

export type OpenBenchDb = { handle: DbHandle; url: string; drop: () => Promise<void> };

export async function openBenchDb(prefix: string, maxConnections = 10): Promise<OpenBenchDb> {
  const d = benchDatabase(prefix);
  await d.create();
  const handle = await openDb({ url: d.url, maxConnections });
  await migrateDb(handle);
  const b: OpenBenchDb = {
    handle,
    url: d.url,
    drop: async () => {
      open.delete(b);
      await handle.close().catch(() => {});
      await d.drop();
    },
  };
  open.add(b);
  dropOnSignal();
  return b;
}
