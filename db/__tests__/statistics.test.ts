/**
 * db/statistics.ts on both databases: a bulk write leaves a table's planner
 * statistics describing the table as it was (PGlite never refreshes them itself);
 * refreshStatistics finds such tables by size and analyses them, and leaves
 * unchanged ones alone. The demo seed and the job runner call it.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "@/db/client";
import { items } from "@/db/schema";
import { isStale, refreshStatistics, refreshStatisticsSoon, tableSizes } from "@/db/statistics";
import { upsertItems } from "@/server/services/imports";
import { seedDemoProject } from "@/server/demo/seed";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";

async function estimatedRows(h: TestDb, table: string): Promise<number> {
  const [r] = await executeRows<{ n: number }>(
    h.db,
    sql`select reltuples::float8 as n from pg_class where relname = ${table}`,
  );
  return Number(r!.n);
}

describe("isStale", () => {
  it("is stale when never analysed but holding pages, or moved by more than a tenth", () => {
    expect(isStale({ name: "t", analysedRows: -1, analysedPages: 0, pages: 0 })).toBe(false);
    expect(isStale({ name: "t", analysedRows: -1, analysedPages: 0, pages: 1 })).toBe(true);
    expect(isStale({ name: "t", analysedRows: 10, analysedPages: 1, pages: 5 })).toBe(false);
    expect(isStale({ name: "t", analysedRows: 10, analysedPages: 1, pages: 20 })).toBe(true);
    expect(isStale({ name: "t", analysedRows: 1e5, analysedPages: 1000, pages: 1090 })).toBe(false);
    expect(isStale({ name: "t", analysedRows: 1e5, analysedPages: 1000, pages: 1200 })).toBe(true);
  });
});

describe.each(dbTargets())("refreshStatistics ($name)", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("analyses a table after a bulk insert, and only then", async () => {
    const { project } = await makeProject(h.db);
    await refreshStatistics(h.db);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      projectId: project.id,
      externalId: `bulk-${i}`,
      title: `Bulk product number ${i} with a longer title`,
      split: "pool" as const,
    }));
    for (let i = 0; i < rows.length; i += 500) await h.db.insert(items).values(rows.slice(i, i + 500));
    const before = (await tableSizes(h.db)).find((t) => t.name === "items")!;
    expect(isStale(before)).toBe(true);

    expect(await refreshStatistics(h.db)).toContain("items");
    expect(await estimatedRows(h, "items")).toBeGreaterThan(2500);
    expect(await refreshStatistics(h.db)).not.toContain("items");
  });

  it("refreshes soon after an API upsert, one run for a burst of them", async () => {
    const { project } = await makeProject(h.db, { categories: ["A > B"] });
    await refreshStatistics(h.db);
    const owner = await makeUser(h.db);
    const batch = (b: number) =>
      Array.from({ length: 1000 }, (_, i) => ({
        id: `api-${b}-${i}`,
        title: `API product ${b} ${i}`,
        category: "A > B",
      }));
    await Promise.all(
      [0, 1, 2].map((b) =>
        upsertItems(h.db, { projectId: project.id, actorId: owner.id, items: batch(b), unknownCategories: "reject" }),
      ),
    );
    const runs = [refreshStatisticsSoon(h.db), refreshStatisticsSoon(h.db)];
    // Both calls wait for the same coalesced run.
    expect(runs[0]).toBe(runs[1]);
    await Promise.all(runs);
    const stale = (await tableSizes(h.db)).filter(isStale).map((t) => t.name);
    expect(stale).not.toContain("items");
    expect(stale).not.toContain("labels");
    // Analysed at least once since it was empty (a later growth under the threshold may not be).
    expect(await estimatedRows(h, "labels")).toBeGreaterThan(900);
  });

  it("leaves the seeded demo analysed", async () => {
    await seedDemoProject(h.db, { poolSize: 2000, testSize: 200, password: "statistics-test-pw" });
    expect((await tableSizes(h.db)).filter(isStale).map((t) => t.name)).toEqual([]);
    expect(await estimatedRows(h, "items")).toBeGreaterThan(4000);
  });
});
