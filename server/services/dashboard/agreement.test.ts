import { describe, expect, it } from "vitest";
import { agreementOf } from "./peer-agreement";

describe("agreementOf", () => {
  it("percent agreement and Cohen's kappa (the textbook 50-pair table: po 0.70, pe 0.50, kappa 0.40)", () => {
    const pairs = [
      ...Array.from({ length: 20 }, () => ({ first: 1, second: 1 })),
      ...Array.from({ length: 15 }, () => ({ first: 2, second: 2 })),
      ...Array.from({ length: 5 }, () => ({ first: 1, second: 2 })),
      ...Array.from({ length: 10 }, () => ({ first: 2, second: 1 })),
    ];
    const a = agreementOf(pairs);
    expect(a).toMatchObject({ pairs: 50, agreed: 35 });
    expect(a.rate).toBeCloseTo(0.7, 10);
    expect(a.kappa).toBeCloseTo(0.4, 10);
    expect(a.interval!.lower).toBeLessThan(0.7);
    expect(a.interval!.upper).toBeGreaterThan(0.7);
  });
  it("'none fits' on both sides agrees; no pairs means no figures", () => {
    expect(
      agreementOf([
        { first: null, second: null },
        { first: 3, second: null },
      ]),
    ).toMatchObject({ pairs: 2, agreed: 1, rate: 0.5 });
    expect(agreementOf([])).toEqual({ pairs: 0, agreed: 0, rate: null, interval: null, kappa: null });
  });
});
