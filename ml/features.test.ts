import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURES, type FeatureConfig, featurize, selectRows, tokenize } from "./features";
import { hashString } from "./hash";

const cfg: FeatureConfig = { ...DEFAULT_FEATURES, buckets: 1 << 12 };

function idsOf(title: string, description: string | null = null, c = cfg): number[] {
  return Array.from(featurize([{ title, description }], c).ids);
}

describe("tokenize", () => {
  it("normalises unicode, strips accents, lower-cases and splits on non-alphanumerics", () => {
    expect(tokenize("Café CRÈME—Brûlée 2×")).toEqual(["cafe", "creme", "brulee", "2"]); // × is a symbol, not a letter
    expect(tokenize("ＡＢＣ ｌａｔｔｅ")).toEqual(["abc", "latte"]); // full-width forms fold via NFKC
    expect(tokenize("  ...  ")).toEqual([]);
  });
});

describe("featurize", () => {
  it("is deterministic and keeps ids inside the table", () => {
    const a = featurize([{ title: "Organic Whole Milk", description: "1 gallon" }], cfg);
    const b = featurize([{ title: "Organic Whole Milk", description: "1 gallon" }], cfg);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(a.ids.every((id) => id >= 0 && id < cfg.buckets)).toBe(true);
    expect(hashString("milk")).toBe(hashString("milk"));
    expect(hashString("milk")).not.toBe(hashString("milK"));
  });

  it("emits unigrams, bigrams and 3–5 char n-grams per word", () => {
    // "ab cd": 2 words + 1 bigram; "<ab>" has 2+1 = 3 grams of 3–4 chars; same for "<cd>".
    expect(idsOf("ab cd")).toHaveLength(2 + 1 + 3 + 3);
    const noBigrams = idsOf("ab cd", null, { ...cfg, wordNgrams: 1 });
    expect(noBigrams).toHaveLength(2 + 3 + 3);
    const noChars = idsOf("ab cd", null, { ...cfg, charMax: 0 });
    expect(noChars).toHaveLength(3);
    // "<milk>" = 6 chars: 4 trigrams + 3 four-grams + 2 five-grams.
    expect(idsOf("milk", null, { ...cfg, wordNgrams: 1 })).toHaveLength(1 + 4 + 3 + 2);
  });

  it("gives each item weights summing to 1, title and description in separate hash spaces", () => {
    const f = featurize(
      [
        { title: "green tea", description: "green tea" },
        { title: "", description: null },
      ],
      cfg,
    );
    const first = Array.from(f.weights.subarray(f.offsets[0], f.offsets[1]));
    expect(first.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 5);
    expect(f.offsets[2]! - f.offsets[1]!).toBe(0); // empty item → no features
    const titleIds = new Set(idsOf("green tea"));
    const descIds = idsOf("", "green tea");
    const shared = descIds.filter((id) => titleIds.has(id)).length;
    expect(shared).toBeLessThan(descIds.length / 4); // only chance collisions
  });

  it("splits weight between fields by fieldWeights, whatever their lengths", () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    const f = featurize([{ title: "tea", description: long }], cfg);
    const titleCount = idsOf("tea").length;
    const w = Array.from(f.weights);
    const titleShare = w.slice(0, titleCount).reduce((s, x) => s + x, 0);
    const { title, description } = cfg.fieldWeights;
    expect(titleShare).toBeCloseTo(title / (title + description), 5);
  });

  it("hashes attributes only when given, in key order", () => {
    const a = featurize([{ title: "x", attributes: { brand: "acme", size: "1l" } }], cfg);
    const b = featurize([{ title: "x", attributes: { size: "1l", brand: "acme" } }], cfg);
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(a.ids.length).toBeGreaterThan(idsOf("x").length);
  });

  it("selectRows picks items in the requested order", () => {
    const f = featurize([{ title: "a b" }, { title: "c" }, { title: "d e f" }], cfg);
    const s = selectRows(f, [2, 0]);
    expect(s.offsets.length).toBe(3);
    expect(Array.from(s.ids.subarray(0, s.offsets[1]))).toEqual(Array.from(f.ids.subarray(f.offsets[2], f.offsets[3])));
  });
});
