/**
 * One drizzle client over either driver. With a URL: Postgres through
 * postgres.js. Without: embedded PGlite in a data folder (or in memory).
 * Everything above db/ sees the same `Db` type.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite as PGliteClient } from "@electric-sql/pglite";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle has the same query surface as the client. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

/** Rows of a raw statement on either driver: postgres.js returns them as an array, PGlite as `{ rows }`. */
export async function executeRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res: unknown = await db.execute(query);
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  /** Postgres URL (migrations use their own single connection). */
  url?: string;
  /** Raw SQL with positional parameters, used by pg-boss. */
  executeSql: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  close: () => Promise<void>;
};

export type OpenOptions = {
  url?: string;
  dataDir?: string;
  maxConnections?: number;
  /** Postgres only: every statement on these connections is cancelled after this long (0 or absent: never). */
  statementTimeoutMs?: number;
};

export async function openDb(opts: OpenOptions): Promise<DbHandle> {
  return opts.url
    ? openPostgres(opts.url, opts.maxConnections ?? 10, opts.statementTimeoutMs ?? 0)
    : openPglite(opts.dataDir);
}

async function openPostgres(url: string, max: number, statementTimeoutMs: number): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { preparingClient } = await import("./postgres-prepared");
  // force_custom_plan: prepared statements (postgres-prepared.ts) are still planned per execution.
  const connection = {
    plan_cache_mode: "force_custom_plan",
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
  };
  const client = postgres(url, { max, onnotice: () => {}, connection });
  const db = drizzle({ client: preparingClient(client), schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    url,
    executeSql: async (text, values) => {
      const rows = await client.unsafe(text, (values ?? []) as never[]);
      return { rows: rows as unknown as Record<string, unknown>[] };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * LOUPE_SLOW_QUERY_MS: log every PGlite statement or transaction that held the database longer.
 * PGlite serves one statement or transaction at a time, in order, on the caller's thread, so
 * what one holds everybody else waits for. A call's hold is its end minus the later of its start
 * and the previous call's end (its own wait behind others is reported apart). Postgres has
 * log_min_duration_statement for the same question. Also logs when the thread itself was
 * blocked that long (PGlite's statements run on it too; a block with no slow statement
 * beside it is computing).
 */
function logSlowStatements(client: PGliteClient, slowMs: number): void {
  // The other way a request waits in one process: the thread busy with something else (a job's computing).
  const TICK_MS = 50;
  let expected = performance.now() + TICK_MS;
  setInterval(() => {
    const late = performance.now() - expected;
    if (late >= slowMs) console.warn(`[event loop] blocked ${Math.round(late)} ms`);
    expected = performance.now() + TICK_MS;
  }, TICK_MS).unref();
  let lastEnd = 0;
  const report = (what: string, label: string, t0: number) => {
    const end = performance.now();
    const hold = end - Math.max(t0, lastEnd);
    const waited = Math.max(0, lastEnd - t0);
    lastEnd = end;
    if (hold >= slowMs)
      console.warn(
        `[pglite slow ${what}] held ${Math.round(hold)} ms (waited ${Math.round(waited)}): ${label.replace(/\s+/g, " ").slice(0, 300)}`,
      );
  };
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  client.query = (async (q: string, ...rest: unknown[]) => {
    const t0 = performance.now();
    try {
      return await (query as (...a: unknown[]) => Promise<unknown>)(q, ...rest);
    } finally {
      report("query", q, t0);
    }
  }) as typeof client.query;
  client.exec = (async (q: string, ...rest: unknown[]) => {
    const t0 = performance.now();
    try {
      return await (exec as (...a: unknown[]) => Promise<unknown>)(q, ...rest);
    } finally {
      report("exec", q, t0);
    }
  }) as typeof client.exec;
  client.transaction = (async (cb: (tx: { query: (...a: unknown[]) => Promise<unknown> }) => Promise<unknown>) => {
    const t0 = performance.now();
    const statements: string[] = [];
    try {
      return await (transaction as (cb: (tx: never) => Promise<unknown>) => Promise<unknown>)(async (tx) => {
        const t = tx as { query: (...a: unknown[]) => Promise<unknown> };
        const q = t.query.bind(t);
        t.query = (text: unknown, ...rest: unknown[]) => {
          statements.push(String(text).slice(0, 90));
          return q(text, ...rest);
        };
        return cb(t);
      });
    } finally {
      report("transaction", `${statements.length} statements: ${statements.slice(0, 3).join(" | ")}`, t0);
    }
  }) as typeof client.transaction;
}

/**
 * PGlite executes on the caller's thread and its promises settle as microtasks, so a loop of
 * statements (a model's parts, a rescore's batches) would run start to end without the event
 * loop ever taking another request's I/O in between, however short each statement. Every
 * statement (and every statement inside a transaction) therefore ends with a macrotask hop.
 */
function giveWayAfterStatements(client: PGliteClient): void {
  const hop = () => new Promise<void>((r) => setImmediate(r));
  type Call = (...a: unknown[]) => Promise<unknown>;
  const after =
    (call: Call): Call =>
    async (...a) => {
      try {
        return await call(...a);
      } finally {
        await hop();
      }
    };
  const transaction = client.transaction.bind(client);
  client.query = after(client.query.bind(client) as Call) as typeof client.query;
  client.exec = after(client.exec.bind(client) as Call) as typeof client.exec;
  client.transaction = (async (cb: (tx: { query: Call }) => Promise<unknown>) => {
    try {
      return await (transaction as (cb: (tx: never) => Promise<unknown>) => Promise<unknown>)(async (tx) => {
        const t = tx as { query: Call };
        t.query = after(t.query.bind(t));
        return cb(t);
      });
    } finally {
      await hop();
    }
  }) as typeof client.transaction;
}

/** dataDir undefined or "memory://" = in-memory database (tests). */
async function openPglite(dataDir: string | undefined): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const inMemory = !dataDir || dataDir.startsWith("memory://");
  // PGlite fails with ENOENT when the parent folder is missing.
  if (!inMemory) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // pg_trgm: the title search index (migration 0015).
  const extensions = { pg_trgm };
  const client = inMemory ? new PGlite({ extensions }) : new PGlite(path.resolve(dataDir), { extensions });
  await client.waitReady;
  const slowMs = Number(process.env.LOUPE_SLOW_QUERY_MS ?? "");
  if (slowMs > 0) logSlowStatements(client, slowMs);
  giveWayAfterStatements(client);
  const db = drizzle({ client, schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    executeSql: async (text, values) => {
      // Multi-statement SQL without parameters must go through exec.
      if (!values || values.length === 0) {
        const results = await client.exec(text);
        const last = results[results.length - 1];
        return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
      }
      const res = await client.query(text, values);
      return { rows: res.rows as Record<string, unknown>[] };
    },
    close: () => client.close(),
  };
}
