/**
 * API upserts run side by side (they share the import lock): several batches with
 * overlapping external ids in different orders, some naming new categories, all
 * succeed without a deadlock, and the items end as one row per external id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { categories, items, labels } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { upsertItems } from ".";

describe.each(dbTargets())("concurrent API upserts on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target, { maxConnections: 8 });
  });
  afterAll(async () => h?.drop());

  it("overlapping batches in different orders neither deadlock nor duplicate", async () => {
    const user = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    const batch = (w: number) =>
      Array.from({ length: 300 }, (_, k) => {
        // Writer w walks the ids in its own order: forwards, backwards, or strided.
        const i = w % 3 === 0 ? k : w % 3 === 1 ? 299 - k : (k * 7) % 300;
        return { id: `sku-${i}`, title: `Item ${i} from writer ${w}`, category: `New > C${(i + w) % 5}` };
      });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, w) =>
        upsertItems(h.db, { projectId: project.id, actorId: user.id, items: batch(w), unknownCategories: "create" }),
      ),
    );
    expect(results.every((r) => r.rows === 300)).toBe(true);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(300);
    const stored = await h.db.select({ id: items.id }).from(items).where(eq(items.projectId, project.id));
    expect(stored).toHaveLength(300);
    const labelled = await h.db.select({ id: labels.itemId }).from(labels).where(eq(labels.projectId, project.id));
    expect(labelled).toHaveLength(300);
    const paths = await h.db
      .select({ path: categories.path })
      .from(categories)
      .where(eq(categories.projectId, project.id));
    expect(paths.filter((c) => c.path.startsWith("New > "))).toHaveLength(5);
  }, 60_000);
});
