import { describe, expect, it, vi } from "vitest";
import type { TrainedModel } from "./model";
import { ModelStore, type ModelBytes } from "./model-store";
import * as serialize from "./serialize";

/** A stand-in model: only dispose() matters to the store. */
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
const flush = () => new Promise((r) => setTimeout(r, 0));

/** The store's loads, with deserialisation replaced by a lookup of fakes by their "bytes". */
function storeOf(models: Record<string, ReturnType<typeof fake>>, capacity: number) {
  const loads: string[] = [];
  vi.spyOn(serialize, "deserializeModel").mockImplementation(async (bytes: Uint8Array) => {
    const name = new TextDecoder().decode(bytes);
    if (name === "bad") throw new Error("sha256 mismatch");
    return models[name] as unknown as TrainedModel;
  });
  const store = new ModelStore(async (key): Promise<ModelBytes> => {
    loads.push(key);
    return { bytes: new TextEncoder().encode(key.split("#")[0]), sha256: "s" };
  }, capacity);
  return { store, loads };
}

describe("model store", () => {
  it("loads a key once, and again after clearStored", async () => {
    const a = fake("a");
    const { store, loads } = storeOf({ a }, 4);
    expect(await store.get("a")).toBe(a);
    expect(await store.get("a")).toBe(a);
    expect(loads).toEqual(["a"]);
    store.clearStored();
    await flush();
    expect(a.disposed).toBe(true);
    await store.get("a");
    expect(loads).toEqual(["a", "a"]);
  });

  it("evicts the least recently used stored model and disposes it, never a pinned one", async () => {
    const m = { "0": fake("0"), "1": fake("1"), "2": fake("2") };
    const { store } = storeOf(m, 2);
    const trained = fake("t");
    const key = store.pin(trained as unknown as TrainedModel);
    await store.get("0");
    await store.get("1");
    await store.get("0"); // 0 is now the most recent
    await store.get("2");
    await flush();
    expect(store.size).toBe(3);
    expect([m["0"].disposed, m["1"].disposed, m["2"].disposed, trained.disposed]).toEqual([false, true, false, false]);
    store.clearStored();
    await flush();
    expect(trained.disposed).toBe(false);
    expect(await store.get(key)).toBe(trained);
    store.release(key);
    await flush();
    expect(trained.disposed).toBe(true);
  });

  it("forgets a failed load", async () => {
    const ok = fake("ok");
    const { store, loads } = storeOf({ ok }, 2);
    await expect(store.get("bad#1")).rejects.toThrow(/sha256/);
    await flush();
    expect(store.size).toBe(0);
    await expect(store.get("bad#1")).rejects.toThrow(/sha256/);
    expect(loads).toEqual(["bad#1", "bad#1"]);
  });
});
