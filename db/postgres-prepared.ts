/**
 * drizzle sends every query that was not built with `.prepare(name)` to
 * postgres.js with `prepare: false`. For a statement with parameters,
 * postgres.js then needs two round trips (Parse + Describe, wait for the
 * parameter types, then Bind + Execute) and Postgres parses it every time.
 * This wraps the client so those statements are named prepared statements,
 * cached per connection: one round trip once a connection has seen the text.
 *
 * Statements with many parameters (multi-row inserts, long IN lists) keep
 * drizzle's unnamed path, so the per-connection cache holds the application's
 * fixed statements, not one entry per batch size (and postgres.js replaces
 * each connection after 30-60 minutes, cache and all). The connection runs with
 * plan_cache_mode=force_custom_plan (openPostgres), so every execution is
 * planned for its own parameters exactly as an unnamed statement was.
 */
import type { Sql } from "postgres";

/** Above this many parameters a statement is sent unnamed, as drizzle asked. */
export const MAX_PREPARED_PARAMS = 32;

type UnsafeOptions = { prepare?: boolean } & Record<string, unknown>;

export function preparingClient<T extends Sql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe") {
        return (query: string, params?: unknown[], options?: UnsafeOptions) =>
          target.unsafe(query, params as never, { ...options, prepare: (params?.length ?? 0) <= MAX_PREPARED_PARAMS });
      }
      if (prop === "begin" || prop === "savepoint") {
        // The transaction's own client: drizzle builds its session from it.
        return (...args: unknown[]) => {
          const i = args.findIndex((a) => typeof a === "function");
          if (i >= 0) {
            const fn = args[i] as (tx: Sql) => unknown;
            args[i] = (tx: Sql) => fn(preparingClient(tx));
          }
          return (Reflect.get(target, prop) as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
