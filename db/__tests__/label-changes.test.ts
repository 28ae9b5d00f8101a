/** The label change log is written by the database for every writer: insert, update, upsert, delete. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { executeRows } from "@/db/client";
import { LABEL_CURSOR_START, labelChangesAfter, readLabelChanges } from "@/server/services/labels";

describe.each(dbTargets())("label_changes triggers on $name", (target) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(target);
    await db.db.execute(sql`insert into users (email, name, password_hash) values ('a@x', 'A', 'x')`);
    await db.db.execute(sql`insert into projects (name, slug, settings) values ('P', 'p', '{}')`);
    await db.db.execute(sql`insert into categories (project_id, name, path) values (1, 'A', 'A'), (1, 'B', 'B')`);
    await db.db.execute(
      sql`insert into items (project_id, external_id, title) select 1, 'e' || g, 't' || g from generate_series(1, 3) g`,
    );
  });
  afterAll(() => db?.drop());

  it("logs inserts, real updates and deletes as tombstones, and skips no-op updates", async () => {
    await db.db.execute(
      sql`insert into labels (item_id, project_id, category_id, source) values (1, 1, 1, 'import'), (2, 1, 1, 'import')`,
    );
    await db.db.execute(sql`update labels set confidence = 0.5 where item_id = 1`);
    await db.db.execute(
      sql`insert into labels (item_id, project_id, category_id, source, user_id) values (1, 1, 2, 'human', 1), (3, 1, 2, 'auto', null)
          on conflict (item_id) do update set category_id = excluded.category_id, source = excluded.source, user_id = excluded.user_id`,
    );
    await db.db.execute(sql`delete from labels where item_id = 2`);
    const log = await executeRows<{
      item_id: number;
      category_id: number | null;
      source: string | null;
      deleted: boolean;
    }>(db.db, sql`select item_id, category_id, source, deleted from label_changes order by tx, id`);
    expect(log.map((r) => [r.item_id, r.category_id, r.source, r.deleted])).toEqual([
      [1, 1, "import", false],
      [2, 1, "import", false],
      [1, 2, "human", false],
      [3, 2, "auto", false],
      [2, null, null, true],
    ]);
  });

  it("pages through the log with a cursor, each change once, and stays put when nothing is new", async () => {
    const seen: number[] = [];
    let cursor = LABEL_CURSOR_START;
    for (let i = 0; i < 10; i++) {
      const page = await readLabelChanges(db.db, { projectId: 1, after: cursor, limit: 2 });
      seen.push(...page.changes.map((c) => c.changeId));
      cursor = page.next;
      if (!page.hasMore) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const again = await readLabelChanges(db.db, { projectId: 1, after: cursor, limit: 2 });
    expect(again).toMatchObject({ changes: [], next: cursor, hasMore: false });
    expect(await labelChangesAfter(db.db, { projectId: 1, after: LABEL_CURSOR_START })).toMatchObject({
      count: 5,
      latest: cursor,
    });
    await expect(readLabelChanges(db.db, { projectId: 1, after: "x", limit: 2 })).rejects.toThrow(/cursor/);
  });
});
