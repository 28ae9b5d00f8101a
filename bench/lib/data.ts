import { readFileSync } from "node:fs";
import type { TextInput } from "../../ml/features";
import { generateCatalogue } from "../../server/demo/catalogue";

/** One line of the shared JSONL data format (attributes: the demo catalogue's extra fields). */
export type Row = {
  id: string;
  title: string;
  description: string | null;
  category: string;
  split: string;
  attributes?: Record<string, string>;
};

export type Dataset = {
  categories: string[];
  pool: { ids: string[]; inputs: TextInput[]; labels: number[] };
  test: { ids: string[]; inputs: TextInput[]; labels: number[] };
  dropped: number;
};

/** Category truncated to its first `depth` " > " levels (0 = full). */
function atDepth(cat: string, depth: number): string {
  return depth > 0 ? cat.split(" > ").slice(0, depth).join(" > ") : cat;
}

/** `demo` is the demo catalogue (generateCatalogue, seed 42: 20k pool, 2k test); anything else a JSONL file. */
export function readRows(data: string): Row[] {
  return data === "demo" ? generateCatalogue({ seed: 42 }).items : readJsonl(data);
}

export function readJsonl(file: string): Row[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
}

/**
 * Splits rows into pool/test with category indices. Categories with fewer
 * than `minClassSize` pool items are dropped (from both splits).
 */
export function buildDataset(rows: Row[], opts: { categoryDepth?: number; minClassSize?: number } = {}): Dataset {
  const depth = opts.categoryDepth ?? 0;
  const minSize = opts.minClassSize ?? 1;
  const poolCounts = new Map<string, number>();
  for (const r of rows)
    if (r.split !== "test")
      poolCounts.set(atDepth(r.category, depth), (poolCounts.get(atDepth(r.category, depth)) ?? 0) + 1);
  const categories = [...poolCounts]
    .filter(([, c]) => c >= minSize)
    .map(([k]) => k)
    .sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const ds: Dataset = {
    categories,
    pool: { ids: [], inputs: [], labels: [] },
    test: { ids: [], inputs: [], labels: [] },
    dropped: 0,
  };
  for (const r of rows) {
    const y = index.get(atDepth(r.category, depth));
    if (y === undefined) {
      ds.dropped++;
      continue;
    }
    const part = r.split === "test" ? ds.test : ds.pool;
    part.ids.push(r.id);
    part.inputs.push({ title: r.title, description: r.description, attributes: r.attributes ?? null });
    part.labels.push(y);
  }
  return ds;
}
