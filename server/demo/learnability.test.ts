import { describe, expect, it } from "vitest";
import { generateCatalogueWithMeta } from "./catalogue";
import { NaiveBayes } from "./naive-bayes";

/**
 * The demo must be learnable but not solved: a bag-of-words model trained on the whole
 * pool should sit in the high 80s / low 90s, not at 99%, and clearly above chance.
 */
describe("demo learnability (naive Bayes stand-in for fastText)", () => {
  it.each([42, 7])("seed %i: useful but imperfect accuracy on the gold test split", (seed) => {
    const { catalogue, kinds } = generateCatalogueWithMeta({ seed });
    const nb = new NaiveBayes();
    const pool = catalogue.items.filter((i) => i.split === "pool");
    const test = catalogue.items.filter((i) => i.split === "test");
    for (const item of pool) nb.train(item.title, item.category);

    let hits = 0;
    let ambiguousHits = 0;
    let ambiguous = 0;
    for (const item of test) {
      const hit = nb.predict(item.title) === item.category;
      hits += Number(hit);
      if (kinds.get(item.id) === "ambiguous") {
        ambiguous += 1;
        ambiguousHits += Number(hit);
      }
    }
    const accuracy = hits / test.length;
    expect(accuracy).toBeGreaterThan(0.8);
    expect(accuracy).toBeLessThan(0.94);
    // Ambiguous items really are coin flips between two categories.
    expect(ambiguousHits / ambiguous).toBeLessThan(0.75);

    // With only 1,000 labels (early active learning) it is clearly harder.
    const early = new NaiveBayes();
    for (const item of pool.slice(0, 1_000)) early.train(item.title, item.category);
    const earlyAcc = test.filter((i) => early.predict(i.title) === i.category).length / test.length;
    expect(earlyAcc).toBeLessThan(accuracy);
    expect(earlyAcc).toBeGreaterThan(0.6);
  });
});
