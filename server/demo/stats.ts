import type { Catalogue } from "./catalogue";

export type CatalogueStats = {
  total: number;
  pool: number;
  test: number;
  withDescription: number;
  perCategory: Record<string, { pool: number; test: number }>;
  /** Pool sizes of the largest and smallest class and their ratio (the skew). */
  largest: number;
  smallest: number;
  skew: number;
};

export function catalogueStats(catalogue: Catalogue): CatalogueStats {
  const perCategory: CatalogueStats["perCategory"] = {};
  for (const c of catalogue.categories) perCategory[c] = { pool: 0, test: 0 };
  let pool = 0;
  let withDescription = 0;
  for (const item of catalogue.items) {
    const entry = (perCategory[item.category] ??= { pool: 0, test: 0 });
    entry[item.split] += 1;
    if (item.split === "pool") pool += 1;
    if (item.description !== null) withDescription += 1;
  }
  const sizes = Object.values(perCategory).map((c) => c.pool);
  const largest = sizes.length ? Math.max(...sizes) : 0;
  const smallest = sizes.length ? Math.min(...sizes) : 0;
  return {
    total: catalogue.items.length,
    pool,
    test: catalogue.items.length - pool,
    withDescription,
    perCategory,
    largest,
    smallest,
    skew: smallest > 0 ? largest / smallest : Infinity,
  };
}
