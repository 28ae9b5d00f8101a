import { describe, expect, it } from "vitest";
import { generateCatalogue, generateCatalogueWithMeta } from "./catalogue";
import { catalogueStats } from "./stats";

// One default-sized catalogue shared by the read-only checks below (~0.2 s to build).
const big = generateCatalogueWithMeta();

describe("generateCatalogue", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = generateCatalogue({ seed: 3, poolSize: 500, testSize: 50 });
    const b = generateCatalogue({ seed: 3, poolSize: 500, testSize: 50 });
    const c = generateCatalogue({ seed: 4, poolSize: 500, testSize: 50 });
    expect(b).toEqual(a);
    expect(c.items.map((i) => i.title)).not.toEqual(a.items.map((i) => i.title));
    expect(generateCatalogue().items.slice(0, 20)).toEqual(big.catalogue.items.slice(0, 20));
  });

  it("honours sizes, with defaults of 20,000 pool and 2,000 test", () => {
    const small = catalogueStats(generateCatalogue({ poolSize: 123, testSize: 7 }));
    expect([small.pool, small.test]).toEqual([123, 7]);
    const stats = catalogueStats(big.catalogue);
    expect([stats.pool, stats.test]).toEqual([20_000, 2_000]);
    expect(generateCatalogue({ poolSize: 0, testSize: 0 }).items).toEqual([]);
    expect(() => generateCatalogue({ poolSize: -1 })).toThrow(RangeError);
  });

  it("is fast", () => {
    const t0 = performance.now();
    generateCatalogue({ seed: 9 });
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it("has 30-60 categories written as 2-3 level paths, all used", () => {
    const { categories, items } = big.catalogue;
    expect(categories.length).toBeGreaterThanOrEqual(30);
    expect(categories.length).toBeLessThanOrEqual(60);
    for (const c of categories) {
      expect(c).toMatch(/^[^>]+( > [^>]+){1,2}$/);
    }
    expect(categories.some((c) => c.split(" > ").length === 3)).toBe(true);
    expect(new Set(items.map((i) => i.category))).toEqual(new Set(categories));
  });

  it("has skewed class sizes with a usable smallest class, in both splits", () => {
    const stats = catalogueStats(big.catalogue);
    expect(stats.skew).toBeGreaterThanOrEqual(10);
    expect(stats.smallest).toBeGreaterThanOrEqual(40);
    for (const { test } of Object.values(stats.perCategory)) expect(test).toBeGreaterThan(0);
  });

  it("gives unique, well-formed ids", () => {
    const ids = big.catalogue.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe("demo-000001");
    for (const id of ids) expect(id).toMatch(/^demo-\d{6}$/);
  });

  it("builds 5-8% genuinely ambiguous items naming products of two categories", () => {
    const { catalogue, kinds } = big;
    const ambiguous = catalogue.items.filter((i) => kinds.get(i.id) === "ambiguous");
    const share = ambiguous.length / catalogue.items.length;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.08);
    // Both splits carry them, so the gold set measures the same difficulty.
    expect(ambiguous.some((i) => i.split === "test")).toBe(true);
  });

  it("looks like a catalogue: brands, descriptions mostly present, noisy titles", () => {
    const { items } = big.catalogue;
    const stats = catalogueStats(big.catalogue);
    expect(stats.withDescription / stats.total).toBeGreaterThan(0.75);
    expect(stats.withDescription).toBeLessThan(stats.total);
    for (const i of items.slice(0, 500)) {
      expect(i.attributes["brand"]).toBeTruthy();
      expect(i.title.length).toBeGreaterThan(3);
    }
    expect(items.some((i) => i.title === i.title.toUpperCase())).toBe(true);
    expect(items.some((i) => /\b\d-Pack\b|Pack of \d/.test(i.title))).toBe(true);
    expect(items.some((i) => /\b[A-Z]{2}-\d{4}/.test(i.title))).toBe(true); // WH-1000XM4-style
  });

  it("shares brands and words across categories", () => {
    const brandCats = new Map<string, Set<string>>();
    const tokenCats = new Map<string, Set<string>>();
    for (const i of big.catalogue.items) {
      const brand = i.attributes["brand"] ?? "";
      brandCats.set(brand, (brandCats.get(brand) ?? new Set()).add(i.category));
      for (const t of i.title.toLowerCase().split(/[\s,|]+/)) {
        tokenCats.set(t, (tokenCats.get(t) ?? new Set()).add(i.category));
      }
    }
    const multiBrand = [...brandCats.values()].filter((s) => s.size >= 3).length;
    expect(multiBrand).toBeGreaterThanOrEqual(10);
    expect(brandCats.get("Basix")?.size ?? 0).toBeGreaterThanOrEqual(20);
    // Tokens that appear in titles of 5+ categories: the overlap a classifier must cope with.
    const shared = [...tokenCats.entries()].filter(([, s]) => s.size >= 5).map(([t]) => t);
    expect(shared.length).toBeGreaterThanOrEqual(100);
    expect(shared).toEqual(expect.arrayContaining(["wireless", "usb-c", "black"]));
  });
});
