/**
 * db/postgres-prepared.ts on real Postgres: drizzle's statements become named
 * prepared statements on the connection (one round trip each instead of a
 * describe first), inside transactions and savepoints too; many-parameter
 * statements stay unnamed; and the connection plans every execution for its
 * own parameters. (PGlite runs in-process: there is no round trip to save.)
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type Tx } from "@/db/client";
import { MAX_PREPARED_PARAMS } from "@/db/postgres-prepared";
import { users } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser } from "@/test/factories";

const url = dbTargets().find((t) => t.name === "postgres")?.url;

/** Prepared statements of the transaction's connection whose text mentions `marker`. */
async function preparedWith(tx: Tx, marker: string): Promise<number> {
  const rows = await executeRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} and statement not like '%pg_prepared_statements%'`,
  );
  return rows[0]!.n;
}

describe.skipIf(!url)("prepared statements through drizzle (postgres)", () => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb({ name: "postgres", url }, { maxConnections: 2 });
  });
  afterAll(async () => h?.drop());

  it("prepares a parameterised query once per connection and reuses it", async () => {
    const u = await makeUser(h.db, { name: "prepared-probe" });
    await h.db.transaction(async (tx) => {
      const before = await preparedWith(tx, '"users"."name" = $');
      for (let i = 0; i < 3; i++) {
        const rows = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.name, "prepared-probe"), eq(users.id, u.id)));
        expect(rows).toEqual([{ id: u.id }]);
      }
      expect(before).toBe(0);
      expect(await preparedWith(tx, '"users"."name" = $')).toBe(1);
    });
  });

  it("prepares inside a savepoint (nested transaction) too, and rolls it back correctly", async () => {
    await h.db.transaction(async (tx) => {
      await expect(
        tx.transaction(async (inner) => {
          await inner
            .insert(users)
            .values({ email: "nested-probe@example.test", name: "nested-probe", passwordHash: "x" });
          expect(await preparedWith(inner, 'insert into "users"')).toBeGreaterThanOrEqual(1);
          throw new Error("roll back the savepoint");
        }),
      ).rejects.toThrow("roll back the savepoint");
      expect(await tx.select().from(users).where(eq(users.email, "nested-probe@example.test"))).toEqual([]);
    });
  });

  it("sends a statement with more than MAX_PREPARED_PARAMS parameters unnamed", async () => {
    const ids = Array.from({ length: MAX_PREPARED_PARAMS + 5 }, (_, i) => -1 - i);
    await h.db.transaction(async (tx) => {
      expect(await tx.select({ id: users.id }).from(users).where(inArray(users.id, ids))).toEqual([]);
      expect(await preparedWith(tx, '"users"."id" in ($')).toBe(0);
    });
  });

  it("plans each execution for its own parameters (plan_cache_mode)", async () => {
    await h.db.transaction(async (tx) => {
      const [row] = await executeRows<{ mode: string }>(tx, sql`select current_setting('plan_cache_mode') as mode`);
      expect(row!.mode).toBe("force_custom_plan");
    });
  });
});
