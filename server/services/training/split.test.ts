import { describe, expect, it } from "vitest";
import type { LabelledItem } from "@/ml/evaluate-labelled";
import { CALIBRATION_SHARE, splitSnapshot } from "./split";

const item = (itemId: number): LabelledItem => ({ itemId, input: { title: `item ${itemId}` }, categoryId: 1 });
const ids = (xs: LabelledItem[]) => xs.map((x) => x.itemId).sort((a, b) => a - b);

describe("splitSnapshot", () => {
  const pool = Array.from({ length: 2000 }, (_, i) => item(i + 1));
  const gold = Array.from({ length: 200 }, (_, i) => item(10_001 + i));
  // Audited pool items: an auditor's decision on an auto label that later became a pool label.
  const audits = [item(5), item(17), item(1999)];

  it("never trains on gold or audited items; certifies on the gold, which fits nothing", () => {
    const s = splitSnapshot({ pool, gold, audits }, 3);
    const trained = new Set(s.train.map((x) => x.itemId));
    for (const g of [...gold, ...audits]) expect(trained.has(g.itemId)).toBe(false);
    expect(ids(s.certification)).toEqual(ids(gold));
    // The calibration is fitted on the hold-out and the audits: never on a certifying item.
    const fit = new Set(s.calibration.map((x) => x.itemId));
    for (const g of gold) expect(fit.has(g.itemId)).toBe(false);
    for (const a of audits) expect(fit.has(a.itemId)).toBe(true);
  });

  it("holds out about CALIBRATION_SHARE of the pool for calibration, disjoint from training", () => {
    const s = splitSnapshot({ pool, gold, audits }, 3);
    const held = s.holdOut;
    expect(held.length / (pool.length - audits.length)).toBeGreaterThan(CALIBRATION_SHARE - 0.03);
    expect(held.length / (pool.length - audits.length)).toBeLessThan(CALIBRATION_SHARE + 0.03);
    expect(held.some((x) => s.train.some((t) => t.itemId === x.itemId))).toBe(false);
    expect(held.length + s.train.length).toBe(pool.length - audits.length);
    expect(ids(s.calibration.filter((x) => x.itemId <= 2000 && !audits.includes(x)))).toEqual(ids(held));
  });

  it("is the same split for the same seed and another one for another seed", () => {
    expect(ids(splitSnapshot({ pool, gold, audits }, 3).train)).toEqual(
      ids(splitSnapshot({ pool, gold, audits }, 3).train),
    );
    expect(ids(splitSnapshot({ pool, gold, audits }, 4).train)).not.toEqual(
      ids(splitSnapshot({ pool, gold, audits }, 3).train),
    );
  });
});
