/**
 * PGlite runs on the caller's thread: a loop of statements must let the event loop (other
 * requests' I/O, timers) in between them, not run as one chain of microtasks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDb, type DbHandle } from "@/db/client";

describe("PGlite gives way between statements", () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDb({});
  });
  afterAll(() => h.close());

  it("a timer set before a loop of statements fires before the loop ends, in and outside a transaction", async () => {
    for (const inTx of [false, true]) {
      let fired = -1;
      let done = 0;
      setTimeout(() => (fired = done), 0);
      const loop = async (db: Pick<DbHandle["db"], "execute">) => {
        for (let i = 0; i < 40; i++, done++) await db.execute(sql`select ${i}::int as i`);
      };
      if (inTx) await h.db.transaction((tx) => loop(tx));
      else await loop(h.db);
      expect(done).toBe(40);
      // The timer ran after a few statements at most, not after the whole loop.
      expect(fired).toBeGreaterThanOrEqual(0);
      expect(fired).toBeLessThan(5);
    }
  });
});
