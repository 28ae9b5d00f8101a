/**
 * Loaded models, shared by the jobs of one process (score ranges of a rescore
 * reuse one deserialised model instead of reading and verifying 10–25 MB each).
 *
 * Keyed by (database, version id, artifact sha256):
 * - the database, because version ids are per database and one process can hold
 *   several (tests on PGlite and Postgres, benches): each db object gets a
 *   number through a WeakMap, so the cache never keeps a closed database alive;
 * - the sha256, which the caller reads from the version row on every load, so a
 *   hit is a model whose bytes were verified against that very sha256; an
 *   artifact rewritten under the same id misses and is loaded and verified again.
 * Bounded LRU; an evicted model's tfjs tensors are disposed.
 */
import type { TrainedModel } from "@/ml";

/**
 * Database numbers live on globalThis with the cache itself: the web server
 * loads this module twice (Next's bundle, and tsx for the tRPC fast path), and
 * both copies must number one database alike.
 */
const ids = ((
  globalThis as unknown as { __loupeModelCacheDbIds?: { map: WeakMap<object, number>; next: number } }
).__loupeModelCacheDbIds ??= {
  map: new WeakMap(),
  next: 1,
});

function dbKey(db: object): number {
  let id = ids.map.get(db);
  if (id === undefined) {
    id = ids.next++;
    ids.map.set(db, id);
  }
  return id;
}

export type ModelKey = { db: object; versionId: number; sha256: string };

export class ModelCache {
  private readonly map = new Map<string, Promise<TrainedModel>>();
  constructor(private readonly capacity = 4) {}

  private keyOf(k: ModelKey): string {
    return `${dbKey(k.db)}:${k.versionId}:${k.sha256}`;
  }

  get(k: ModelKey, load: () => Promise<TrainedModel>): Promise<TrainedModel> {
    const key = this.keyOf(k);
    const hit = this.map.get(key);
    if (hit) {
      // Re-insert: Map keeps insertion order, so the first entry is the least recently used.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const p = load();
    // A failed load must not poison the cache (only this entry: a newer one may have replaced it).
    p.catch(() => this.map.get(key) === p && this.map.delete(key));
    this.map.set(key, p);
    this.evict();
    return p;
  }

  get size(): number {
    return this.map.size;
  }

  private evict(): void {
    while (this.map.size > this.capacity) {
      const [oldest, model] = this.map.entries().next().value as [string, Promise<TrainedModel>];
      this.map.delete(oldest);
      disposeLater(model);
    }
  }

  clear(): void {
    for (const m of this.map.values()) disposeLater(m);
    this.map.clear();
  }
}

function disposeLater(p: Promise<TrainedModel>): void {
  void p.then((m) => m.dispose()).catch(() => {});
}

const g = globalThis as unknown as { __loupeModelCacheByDb?: ModelCache };
/** One per process (globalThis survives Next's dev-mode module reloads). */
export const modelCache = (g.__loupeModelCacheByDb ??= new ModelCache());
