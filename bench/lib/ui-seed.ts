/**
 * A review project for the browser test and the UI benchmark: a grocery
 * taxonomy, pool items with a model's predictions, and human-labelled items
 * as neighbours. The model is a `model_versions` row plus `predictions`
 * inserted directly (no training run): the review page only reads them, and
 * the suggestions must be known to the test in advance.
 */
import { createRng } from "@/ml/rng";
import { eq } from "drizzle-orm";
import { items, modelVersions, predictions, projects } from "@/db/schema";
import type { SeedApi } from "@/e2e/harness";
import { DEFAULT_SETTINGS } from "@/server/services/projects";

export const TAXONOMY = [
  "Produce > Fruit > Apples",
  "Produce > Fruit > Citrus",
  "Produce > Fruit > Berries",
  "Produce > Vegetables > Leafy greens",
  "Produce > Vegetables > Root vegetables",
  "Dairy > Yogurt",
  "Dairy > Cheese > Hard cheese",
  "Dairy > Cheese > Soft cheese",
  "Dairy > Milk",
  "Bakery > Bread",
  "Bakery > Pastries",
  "Snacks > Chips",
  "Snacks > Crackers",
  "Snacks > Nuts and seeds",
  "Beverages > Water > Sparkling water",
  "Beverages > Water > Still water",
  "Beverages > Coffee",
  "Beverages > Tea",
  "Pantry > Pasta",
  "Pantry > Rice and grains",
  "Pantry > Sauces > Tomato sauce",
  "Pantry > Sauces > Pesto",
  "Frozen > Ice cream",
  "Frozen > Frozen vegetables",
  "Household > Cleaning > Dish soap",
];

const BRANDS = [
  "Green Valley",
  "Nordic Farm",
  "Casa Bella",
  "Sunny Side",
  "Blue Ridge",
  "Maple & Co",
  "Harvest Moon",
  "Oak Lane",
];
const SIZES = ["250 g", "500 g", "1 kg", "6 pack", "12 oz", "1 l", "2 lb", "750 ml"];
export const HOSTILE_TITLE = "<img src=x onerror=alert(1)>";

export type SeededItem = {
  externalId: string;
  title: string;
  top: { categoryId: number; path: string; prob: number }[];
};
export type ReviewSeed = {
  projectId: number;
  categories: { id: number; path: string }[];
  items: Map<string, SeededItem>;
};

/** A small deterministic PRNG so runs are comparable. */
export async function seedReviewProject(
  s: SeedApi,
  o: {
    annotator: { email: string; password: string; name: string };
    poolSize: number;
    labelled?: number;
    hostile?: boolean;
    seed?: number;
  },
): Promise<ReviewSeed> {
  const rng = createRng(o.seed ?? 7);
  const ann = await s.user(o.annotator);
  const p = await s.project({
    name: "Grocery catalogue",
    description: "Put each product in its aisle.",
    categories: TAXONOMY,
  });
  await s.member(p.id, ann.id, "annotator");
  // No audit, evaluation or suspect slots: the order of reasons stays deterministic for the tests.
  await s.db
    .update(projects)
    .set({ settings: { ...DEFAULT_SETTINGS, auditRate: 0, evaluationRate: 0, suspectRate: 0 } })
    .where(eq(projects.id, p.id));
  const cats = TAXONOMY.map((path, i) => ({ id: p.categoryIds[i]!, path }));
  const leaf = (path: string) => path.split(" > ").pop()!;
  const titleFor = (c: number, i: number) =>
    `${BRANDS[i % BRANDS.length]} ${leaf(TAXONOMY[c]!).toLowerCase()} ${SIZES[(i * 3) % SIZES.length]} #${i}`;

  const labelled = o.labelled ?? 40;
  await s.items(
    p.id,
    Array.from({ length: labelled }, (_, i) => ({
      externalId: `lab-${i}`,
      title: titleFor(i % cats.length, 1000 + i),
      label: { category: i % cats.length, source: "human" as const },
    })),
  );
  const rows = Array.from({ length: o.poolSize }, (_, i) => {
    const c = Math.floor(rng() * cats.length);
    return {
      projectId: p.id,
      externalId: `sku-${String(i).padStart(5, "0")}`,
      title: o.hostile && i === 0 ? HOSTILE_TITLE : titleFor(c, i),
      // Hostile text in the description too: it must render as text.
      description:
        o.hostile && i === 0
          ? `"><svg onload=alert(2)> A product whose import carried markup.`
          : `${leaf(TAXONOMY[c]!)} from ${BRANDS[i % BRANDS.length]}. Store cool and dry; best before the date on the pack.`,
      attributes: {
        brand: BRANDS[i % BRANDS.length],
        size: SIZES[(i * 3) % SIZES.length],
        origin: i % 2 ? "EU" : "US",
      },
    };
  });
  const inserted: { id: number; externalId: string }[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    inserted.push(
      ...(await s.db
        .insert(items)
        .values(rows.slice(i, i + 500))
        .returning({ id: items.id, externalId: items.externalId })),
    );
  }

  const [mv] = await s.db
    .insert(modelVersions)
    .values({
      projectId: p.id,
      version: 1,
      status: "ready",
      trigger: "initial",
      labelCount: labelled,
      categoryIds: cats.map((c) => c.id),
      backend: "seed",
      finishedAt: new Date(),
    })
    .returning({ id: modelVersions.id });
  await s.db.update(projects).set({ activeModelVersionId: mv!.id }).where(eq(projects.id, p.id));

  const idOf = new Map(inserted.map((r) => [r.externalId, r.id]));
  const seeded = new Map<string, SeededItem>();
  const predRows = rows.map((r, i) => {
    const order = [...cats.keys()].sort(() => rng() - 0.5).slice(0, 3);
    // The hostile item is the most uncertain, so it is among the first shown.
    const p1 = i === 0 && o.hostile ? 0.36 : 0.36 + rng() * 0.6;
    const p2 = i === 0 && o.hostile ? 0.35 : (1 - p1) * (0.4 + rng() * 0.5);
    const p3 = Math.max(0.001, (1 - p1 - p2) * 0.6);
    const probs = [p1, p2, p3].sort((a, b) => b - a);
    const top = order.map((c, k) => ({ categoryId: cats[c]!.id, path: cats[c]!.path, prob: probs[k]! }));
    seeded.set(r.title, { externalId: r.externalId, title: r.title, top });
    const entropy = -top.reduce((acc, t) => acc + t.prob * Math.log(t.prob), 0);
    return {
      modelVersionId: mv!.id,
      itemId: idOf.get(r.externalId)!,
      projectId: p.id,
      categoryId: top[0]!.categoryId,
      confidence: probs[0]!,
      margin: probs[0]! - probs[1]!,
      entropy,
      top: top.map((t) => ({ categoryId: t.categoryId, prob: t.prob })),
    };
  });
  for (let i = 0; i < predRows.length; i += 500) await s.db.insert(predictions).values(predRows.slice(i, i + 500));
  return { projectId: p.id, categories: cats, items: seeded };
}
