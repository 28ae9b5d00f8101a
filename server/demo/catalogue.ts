import type { CategorySpec } from "./category-spec";
import { makeItem, type ItemContext, type ItemKind } from "./item";
import { buildProductLines } from "./product-lines";
import { Rng } from "./prng";
import { CATEGORY_SPECS, CONFUSABLE_PAIRS, POPULARITY } from "./taxonomy";

export type CatalogueItem = {
  id: string;
  title: string;
  description: string | null;
  category: string;
  split: "pool" | "test";
  attributes: Record<string, string>;
};

export type Catalogue = { categories: string[]; items: CatalogueItem[] };
export type CatalogueOptions = { seed?: number; poolSize?: number; testSize?: number };

/** Zipf exponent over POPULARITY: 51 classes → largest ≈ 35× smallest. */
const ZIPF_S = 0.9;
/** Share of items, among categories with a confusable partner, built as bundles/hybrids. */
const AMBIGUOUS_RATE = 0.075;

export function generateCatalogue(opts: CatalogueOptions = {}): Catalogue {
  return generateCatalogueWithMeta(opts).catalogue;
}

/**
 * Same output, plus which items were built hard on purpose (for tests and stats; not
 * something to show annotators). Items absent from `kinds` are "normal".
 */
export function generateCatalogueWithMeta(opts: CatalogueOptions = {}): {
  catalogue: Catalogue;
  kinds: Map<string, Exclude<ItemKind, "normal">>;
} {
  const seed = opts.seed ?? 42;
  const poolSize = opts.poolSize ?? 20_000;
  const testSize = opts.testSize ?? 2_000;
  for (const [name, n] of [
    ["poolSize", poolSize],
    ["testSize", testSize],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer`);
  }

  const root = new Rng(seed);
  const specByPath = new Map(CATEGORY_SPECS.map((s) => [s.path, s]));
  const ctx: ItemContext = { rng: root.fork(1), lines: buildProductLines(root.fork(2), CATEGORY_SPECS), specByPath };
  const partners = partnerMap(specByPath);
  const labelRng = root.fork(3);

  const items: CatalogueItem[] = [];
  const kinds = new Map<string, Exclude<ItemKind, "normal">>();
  const splits = [
    ["pool", poolSize],
    ["test", testSize],
  ] as const;
  for (const [split, size] of splits) {
    // Exact Zipf counts per split, shuffled, so both splits share one distribution.
    for (const path of labelRng.shuffle(allocate(size))) {
      const spec = specByPath.get(path);
      if (!spec) throw new Error(`unknown category ${path}`);
      const options = partners.get(path) ?? [];
      const partner = options.length > 0 && ctx.rng.chance(AMBIGUOUS_RATE) ? ctx.rng.pick(options) : null;
      const id = `demo-${String(items.length + 1).padStart(6, "0")}`;
      const { body, kind } = makeItem(ctx, spec, partner, options);
      if (kind !== "normal") kinds.set(id, kind);
      items.push({ id, category: path, split, ...body });
    }
  }
  const categories = CATEGORY_SPECS.map((s) => s.path).sort();
  return { catalogue: { categories, items }, kinds };
}

/** Largest-remainder rounding of Zipf weights to exactly `size` labels. */
function allocate(size: number): string[] {
  const weights = POPULARITY.map((_, rank) => 1 / (rank + 1) ** ZIPF_S);
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / total) * size);
  const counts = exact.map(Math.floor);
  let missing = size - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (missing-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return POPULARITY.flatMap((path, i) => Array<string>(counts[i] ?? 0).fill(path));
}

function partnerMap(specByPath: ReadonlyMap<string, CategorySpec>): Map<string, CategorySpec[]> {
  const map = new Map<string, CategorySpec[]>();
  for (const [a, b] of CONFUSABLE_PAIRS) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const spec = specByPath.get(to);
      if (!spec) throw new Error(`unknown category ${to} in CONFUSABLE_PAIRS`);
      map.set(from, [...(map.get(from) ?? []), spec]);
    }
  }
  return map;
}
