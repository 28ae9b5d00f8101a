import { describe, expect, it } from "vitest";
import type { TrainedModel } from "@/ml";
import { ModelCache } from "@/server/services/models/cache";

/** A stand-in model: only dispose() matters to the cache. */
function fake(name: string) {
  const m = {
    name,
    disposed: false,
    dispose() {
      m.disposed = true;
    },
  };
  return m;
}
const asModel = (m: ReturnType<typeof fake>) => m as unknown as TrainedModel;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("model cache", () => {
  it("keys by database, version and sha256", async () => {
    const cache = new ModelCache(4);
    const dbA = {};
    const dbB = {};
    const a = fake("a");
    expect(await cache.get({ db: dbA, versionId: 1, sha256: "x" }, async () => asModel(a))).toBe(a);
    // Same version id in another database: its own model, never database A's.
    const b = fake("b");
    expect(await cache.get({ db: dbB, versionId: 1, sha256: "x" }, async () => asModel(b))).toBe(b);
    // Same database and id but a different sha256 (artifact rewritten): loaded again.
    const c = fake("c");
    expect(await cache.get({ db: dbA, versionId: 1, sha256: "y" }, async () => asModel(c))).toBe(c);
    // A hit does not load.
    expect(
      await cache.get({ db: dbA, versionId: 1, sha256: "x" }, () => Promise.reject(new Error("must not load"))),
    ).toBe(a);
  });

  it("evicts the least recently used and disposes it", async () => {
    const cache = new ModelCache(2);
    const db = {};
    const m = [fake("0"), fake("1"), fake("2")];
    await cache.get({ db, versionId: 0, sha256: "s" }, async () => asModel(m[0]!));
    await cache.get({ db, versionId: 1, sha256: "s" }, async () => asModel(m[1]!));
    await cache.get({ db, versionId: 0, sha256: "s" }, () => Promise.reject(new Error("hit expected"))); // 0 is now the most recent
    await cache.get({ db, versionId: 2, sha256: "s" }, async () => asModel(m[2]!));
    await flush();
    expect(cache.size).toBe(2);
    expect(m.map((x) => x.disposed)).toEqual([false, true, false]);
  });

  it("forgets a failed load", async () => {
    const cache = new ModelCache(2);
    const db = {};
    await expect(
      cache.get({ db, versionId: 1, sha256: "s" }, () => Promise.reject(new Error("sha256 mismatch"))),
    ).rejects.toThrow(/sha256/);
    await flush();
    const ok = fake("ok");
    expect(await cache.get({ db, versionId: 1, sha256: "s" }, async () => asModel(ok))).toBe(ok);
  });
});
