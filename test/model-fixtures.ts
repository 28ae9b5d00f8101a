/** Small synthetic projects for the model tests: a few categories with distinctive words. */
import type { Db } from "@/db/client";
import { items, labels } from "@/db/schema";
import { makeProject, makeUser } from "@/test/factories";
import { createRng } from "@/ml/rng";

const WORDS = [
  ["headphones", "earbuds", "noise", "cancelling", "over-ear", "wireless", "headset"],
  ["speaker", "bluetooth", "woofer", "soundbar", "bass", "portable", "loud"],
  ["keyboard", "mechanical", "keycaps", "switches", "typing", "ergonomic", "rgb"],
];
const SHARED = ["black", "white", "pro", "mini", "2024", "edition", "premium", "compact", "new", "set"];

export type Synthetic = Awaited<ReturnType<typeof makeSyntheticProject>>;

export async function makeSyntheticProject(
  db: Db,
  o: { pool?: number; gold?: number; labelled?: number; seed?: number } = {},
) {
  const rng = createRng(o.seed ?? 7);
  const pick = <T>(a: T[]) => a[Math.floor(rng() * a.length)]!;
  const { project, categories } = await makeProject(db);
  const user = await makeUser(db);
  const make = (split: "pool" | "test", n: number) =>
    Array.from({ length: n }, (_, i) => {
      const c = i % categories.length;
      const words = WORDS[c % WORDS.length]!;
      // Every fifth item borrows a word of another category, so confidences spread out.
      const other = WORDS[(c + 1) % WORDS.length]!;
      const title =
        i % 5 === 4 ? `${pick(words)} ${pick(other)} ${pick(SHARED)}` : `${pick(words)} ${pick(SHARED)} ${pick(words)}`;
      return {
        c,
        row: {
          projectId: project.id,
          externalId: `${split}-${i}`,
          title,
          description: `${pick(SHARED)} ${pick(SHARED)}`,
          split,
        },
      };
    });
  const pool = make("pool", o.pool ?? 300);
  // 150 gold items: enough for a 95% Wilson bound to certify the 0.98 default target.
  const gold = make("test", o.gold ?? 150);
  const poolRows = await db
    .insert(items)
    .values(pool.map((p) => p.row))
    .returning({ id: items.id });
  const goldRows = gold.length
    ? await db
        .insert(items)
        .values(gold.map((p) => p.row))
        .returning({ id: items.id })
    : [];
  const labelled = o.labelled ?? 150;
  const labelRows = [
    ...poolRows.slice(0, labelled).map((r, i) => ({
      itemId: r.id,
      projectId: project.id,
      categoryId: categories[pool[i]!.c]!.id,
      source: "human" as const,
      userId: user.id,
    })),
    ...goldRows.map((r, i) => ({
      itemId: r.id,
      projectId: project.id,
      categoryId: categories[gold[i]!.c]!.id,
      source: "import" as const,
    })),
  ];
  if (labelRows.length) await db.insert(labels).values(labelRows);
  return {
    project,
    categories,
    user,
    poolIds: poolRows.map((r) => r.id),
    goldIds: goldRows.map((r) => r.id),
    truth: new Map([
      ...poolRows.map((r, i) => [r.id, categories[pool[i]!.c]!.id] as const),
      ...goldRows.map((r, i) => [r.id, categories[gold[i]!.c]!.id] as const),
    ]),
  };
}
