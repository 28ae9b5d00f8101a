/**
 * The models of one thread, by key. Stored versions are loaded on first use (their bytes
 * verified against the sha256 the caller read from the version row) and kept in a small
 * LRU; models trained here are pinned until released. An evicted or released model's
 * tfjs tensors are disposed.
 */
import type { TrainedModel } from "./model";
import { deserializeModel } from "./serialize";

export type ModelBytes = { bytes: Uint8Array; sha256: string };
/** Where a stored model's bytes come from when the store does not hold it. */
export type FetchModel = (key: string) => Promise<ModelBytes>;

type Entry = { model: Promise<TrainedModel>; pinned: boolean };

export class ModelStore {
  private readonly map = new Map<string, Entry>();
  private nextTrained = 1;

  constructor(
    private readonly fetch: FetchModel,
    private readonly capacity = 4,
  ) {}

  get(key: string): Promise<TrainedModel> {
    const hit = this.map.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting makes the first entry the least recently used.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit.model;
    }
    const model = this.fetch(key).then((b) => deserializeModel(b.bytes, b.sha256));
    const entry = { model, pinned: false };
    // A failed load must not poison the store (only this entry: a newer one may have replaced it).
    model.catch(() => this.map.get(key) === entry && this.map.delete(key));
    this.map.set(key, entry);
    this.evict();
    return model;
  }

  /** Keeps a model trained in this thread until released; returns its key. */
  pin(model: TrainedModel): string {
    const key = `trained:${this.nextTrained++}`;
    this.map.set(key, { model: Promise.resolve(model), pinned: true });
    return key;
  }

  release(key: string): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    disposeLater(e.model);
  }

  /** Forgets every stored (unpinned) model, so the next use reads and verifies its bytes again. */
  clearStored(): void {
    for (const [key, e] of [...this.map]) if (!e.pinned) this.release(key);
  }

  get size(): number {
    return this.map.size;
  }

  private evict(): void {
    const unpinned = [...this.map].filter(([, e]) => !e.pinned);
    for (const [key] of unpinned.slice(0, Math.max(0, unpinned.length - this.capacity))) this.release(key);
  }
}

function disposeLater(p: Promise<TrainedModel>): void {
  void p.then((m) => m.dispose()).catch(() => {});
}
