/**
 * Every label change is pulled exactly once while people, imports and undos
 * write concurrently: a reader walks the log in small pages during the writes,
 * then drains it; the change ids it saw are exactly the log's rows, and the
 * last change of each item is the item's current label.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { categories, labelChanges, labels } from "@/db/schema";
import { upsertItems } from "@/server/services/imports";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { pullLabelChanges, restoreLabel, writeHumanLabels, type PulledLabelChange } from ".";

const ITEMS = 120;
const ROUNDS = 25;

describe.each(dbTargets())("pulling label changes during concurrent writes on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    // Several connections on Postgres, so the writers' transactions really interleave.
    h = await createTestDb(target, { maxConnections: 8 });
  });
  afterAll(async () => h?.drop());

  it("returns each change once, and the last change per item is its current label", async () => {
    const user = await makeUser(h.db);
    const { project, categories: cats } = await makeProject(h.db);
    const projectId = project.id;
    const extId = (i: number) => `sku-${i}`;
    const seeded = await upsertItems(h.db, {
      projectId,
      actorId: user.id,
      items: Array.from({ length: ITEMS }, (_, i) => ({ id: extId(i), title: `Item ${i}` })),
      unknownCategories: "reject",
    });
    expect(seeded.created).toBe(ITEMS);
    const itemRows = await h.db.query.items.findMany({ where: (t, { eq: e }) => e(t.projectId, projectId) });
    const itemIds = itemRows.map((r) => r.id);
    const pick = (n: number, salt: number) =>
      Array.from({ length: n }, (_, k) => itemIds[(salt * 37 + k * 13) % ITEMS]!);
    const cat = (i: number) => cats[i % cats.length]!;

    let writing = true;
    let annotationId = 1;
    const human = async (w: number) => {
      for (let r = 0; r < ROUNDS; r++) {
        // Sorted, as the service locks them: writers that lock in different orders could deadlock.
        const ids = [...new Set(pick(5, r * 3 + w))].sort((x, y) => x - y);
        await h.db.transaction(async (tx) => {
          await writeHumanLabels(
            tx,
            projectId,
            ids.map((itemId, k) => ({
              itemId,
              categoryId: k % 4 === 0 ? null : cat(r + k + w).id,
              userId: user.id,
              annotationId: annotationId++,
            })),
          );
        });
      }
    };
    const importer = async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const rows = Array.from({ length: 10 }, (_, k) => (r * 11 + k * 7) % ITEMS).sort((x, y) => x - y);
        const batch = rows.map((i, k) => ({ id: extId(i), title: `Item ${i}`, category: cat(r + k).path }));
        await upsertItems(h.db, { projectId, actorId: user.id, items: batch, unknownCategories: "reject" });
      }
    };
    const undo = async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const itemId = pick(1, r + 100)[0]!;
        await h.db.transaction((tx) => restoreLabel(tx, { projectId, itemId, previous: null }));
      }
    };

    const logCount = async () =>
      (await h.db.select({ id: labelChanges.id }).from(labelChanges).where(eq(labelChanges.projectId, projectId)))
        .length;
    const seen: PulledLabelChange[] = [];
    let pagesDuringWrites = 0;
    let expected = Infinity;
    const reader = async () => {
      let since: string | undefined;
      const deadline = Date.now() + 60_000;
      // Pull while the writers run, then drain. A change shows once no older transaction on
      // the server is open (any database's: xids are cluster-wide), so draining may need a wait.
      while (Date.now() < deadline) {
        const page = await pullLabelChanges(h.db, { projectId, since, limit: 7 });
        if (writing) pagesDuringWrites++;
        seen.push(...page.changes);
        since = page.next;
        if (!page.hasMore && seen.length >= expected) break;
        if (!page.hasMore) await new Promise((r) => setTimeout(r, writing ? 1 : 50));
      }
      return since;
    };

    const read = reader();
    await Promise.all([human(0), human(1), human(2), importer(), undo()]);
    writing = false;
    expected = await logCount();
    const cursor = await read;
    expect(pagesDuringWrites).toBeGreaterThan(3);
    expect(await pullLabelChanges(h.db, { projectId, since: cursor })).toMatchObject({ changes: [], hasMore: false });

    const logIds = (
      await h.db.select({ id: labelChanges.id }).from(labelChanges).where(eq(labelChanges.projectId, projectId))
    )
      .map((r) => r.id)
      .sort((x, y) => x - y);
    const seenIds = seen.map((c) => c.changeId);
    expect(new Set(seenIds).size, "no change twice").toBe(seenIds.length);
    expect([...seenIds].sort((x, y) => x - y)).toEqual(logIds);
    expect(logIds.length).toBeGreaterThan(ROUNDS * 10);
    expect(seen.some((c) => c.deleted)).toBe(true);

    const lastByItem = new Map<string, PulledLabelChange>();
    for (const c of seen) lastByItem.set(c.externalId, c);
    const current = await h.db
      .select({ itemId: labels.itemId, path: categories.path, source: labels.source })
      .from(labels)
      .leftJoin(categories, eq(categories.id, labels.categoryId))
      .where(eq(labels.projectId, projectId));
    const externalOf = new Map(itemRows.map((r) => [r.id, r.externalId]));
    const currentByExt = new Map(current.map((l) => [externalOf.get(l.itemId), l]));
    for (const [ext, last] of lastByItem) {
      const now = currentByExt.get(ext);
      if (last.deleted) expect(now, `${ext}: tombstone, so no label`).toBeUndefined();
      else
        expect({ category: last.category, source: last.source }, ext).toEqual({
          category: now?.path ?? null,
          source: now?.source,
        });
    }
    for (const ext of currentByExt.keys())
      expect(lastByItem.has(ext as string), `${ext} has a label but no change`).toBe(true);
  }, 120_000);
});
