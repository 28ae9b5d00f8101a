/**
 * The real file, end to end: 48,430 instacart products into a fresh project on each
 * database. Skipped (with a message) when the shared data is not checked out, but a
 * failure under CI=true, where the data must be present.
 */
import { existsSync, createReadStream } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { items, labels, projects } from "@/db/schema";
import { importItems } from "@/server/services/imports/import-items";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { projectCounts } from "@/test/import-helpers";

const FILE = path.resolve(process.cwd(), "../shared/data/instacart-products/products.jsonl");
const present = existsSync(FILE);

if (!present && process.env.CI === "true") {
  throw new Error(
    `CI=true but the instacart data is missing at ${FILE}: the real-data import test cannot be skipped in CI`,
  );
}
if (!present) console.warn(`import-instacart: ${FILE} not found, skipping the real-data import test`);

describe.skipIf(!present).each(dbTargets())("instacart import on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it(
    "imports all 48,430 rows: 133 categories, a label each, 38,777 pool / 9,653 test",
    { timeout: 180_000 },
    async () => {
      const [project] = await h.db
        .insert(projects)
        .values({ slug: "instacart", name: "Instacart", settings: DEFAULT_SETTINGS })
        .returning({ id: projects.id });
      if (!project) throw new Error("project insert returned nothing");
      const r = await importItems(h.db, {
        projectId: project.id,
        actorId: null,
        source: createReadStream(FILE),
        format: "jsonl",
        filename: "products.jsonl",
        unknownCategories: "create",
      });
      console.log(
        `instacart on ${target.name}: ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.rows / (r.ms / 1000))} rows/s)`,
      );
      expect(r).toMatchObject({ rows: 48_430, created: 48_430, labels: 48_430, categoriesCreated: 133 });
      expect(await projectCounts(h, project.id)).toMatchObject({
        items: 48_430,
        labels: 48_430,
        categories: 133,
        succeededImports: 1,
      });
      const bySplit = await h.db
        .select({ split: items.split, n: count() })
        .from(labels)
        .innerJoin(items, eq(items.id, labels.itemId))
        .where(and(eq(labels.projectId, project.id), eq(labels.source, "import")))
        .groupBy(items.split);
      expect(Object.fromEntries(bySplit.map((s) => [s.split, s.n]))).toEqual({ pool: 38_777, test: 9_653 });
    },
  );
});
