/** Title search is served by the trigram index on both databases, not by scanning the project. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";

describe.each(dbTargets())("title search index on $name", (target) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(target);
  });
  afterAll(() => db?.drop());

  it("has pg_trgm and plans an ILIKE '%…%' search through items_title_trgm_idx", async () => {
    const ext = await executeRows<{ n: number }>(
      db.db,
      sql`select count(*)::int as n from pg_extension where extname = 'pg_trgm'`,
    );
    expect(ext[0]?.n).toBe(1);
    await db.db.execute(sql`insert into projects (name, slug, settings) values ('P', 'p', '{}')`);
    await db.db.execute(
      sql`insert into items (project_id, external_id, title)
          select 1, 'e' || g, 'product ' || md5(g::text) from generate_series(1, 5000) g`,
    );
    await db.db.execute(sql`analyze items`);
    // At this size a scan is cheaper; what matters is that the index can serve the search.
    const plan = await db.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return executeRows<Record<string, string>>(
        tx,
        sql`explain select id from items where project_id = 1 and title ilike '%c0ffee%' order by id limit 50`,
      );
    });
    expect(plan.map((r) => Object.values(r).join(" ")).join("\n")).toContain("items_title_trgm_idx");
  });
});
