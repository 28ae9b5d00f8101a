import type { CategorySpec } from "./category-spec";
import type { Rng } from "./prng";

const LETTERS = "ABCDEFGHJKLMNPRSTVWXZ";

/** Model-number shapes seen on real listings: WH-1000XM4, K380, 737, MX3S Pro. */
const STYLES: readonly ((rng: Rng) => string)[] = [
  (r) => `${letters(r, 2)}-${digits(r, 4)}${r.chance(0.5) ? `${letters(r, 2)}${1 + r.int(5)}` : ""}`,
  (r) => `${letters(r, 1)}${digits(r, 3)}`,
  (r) => digits(r, 3),
  (r) => `${letters(r, 2)}${digits(r, 2)}${r.pick(["", " Pro", " Max", " Lite", "S", " Plus"])}`,
  (r) => `${letters(r, 1)}${1 + r.int(9)} Gen ${2 + r.int(4)}`,
];

function letters(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += LETTERS[rng.int(LETTERS.length)];
  return s;
}

function digits(rng: Rng, n: number): string {
  let s = String(1 + rng.int(9));
  for (let i = 1; i < n; i++) s += String(rng.int(10));
  return s;
}

/** path → brand → model numbers. Each brand keeps one naming style across its range. */
export type ProductLines = Map<string, Map<string, string[]>>;

export function buildProductLines(rng: Rng, specs: readonly CategorySpec[]): ProductLines {
  const styleOf = new Map<string, (rng: Rng) => string>();
  const lines: ProductLines = new Map();
  for (const spec of specs) {
    const byBrand = new Map<string, string[]>();
    for (const brand of spec.brands) {
      let style = styleOf.get(brand);
      if (!style) {
        style = rng.pick(STYLES);
        styleOf.set(brand, style);
      }
      const models = new Set<string>();
      const count = 2 + rng.int(5);
      while (models.size < count) models.add(style(rng));
      byBrand.set(brand, [...models]);
    }
    lines.set(spec.path, byBrand);
  }
  return lines;
}

export function modelsFor(lines: ProductLines, path: string, brand: string): readonly string[] {
  return lines.get(path)?.get(brand) ?? [];
}
