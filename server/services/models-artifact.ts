/**
 * Model artifacts: bytes + sha256, and a small per-process cache of loaded models.
 *
 * Adapter: ml/ has no serializeModel/deserializeModel yet (checked `git log -- ml`),
 * so this file writes its own format from the model's public parts. Swap for the
 * ml/ functions when they land; the sha256 check stays here either way.
 * Format: "LPM1", u32 header length, JSON header, pad to 4, Int32 row ids of the
 * non-zero embedding rows, their Float32 data, then the head weights in order.
 */
import { createHash } from "node:crypto";
import { initBackend } from "@/ml/backend";
import { EmbeddingTable } from "@/ml/embedding-table";
import { Head, type WeightBlob } from "@/ml/head";
import { type ModelConfig, TrainedModel, type TrainingFigures } from "@/ml/model";

const MAGIC = [0x4c, 0x50, 0x4d, 0x31]; // "LPM1"

type Header = { format: 1; config: ModelConfig; training: TrainingFigures; rows: number; head: { name: string; shape: number[] }[] };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function nonZeroRows(table: EmbeddingTable): number[] {
  const rows: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const o = r * table.dim;
    for (let k = 0; k < table.dim; k++) {
      if (table.data[o + k] !== 0) {
        rows.push(r);
        break;
      }
    }
  }
  return rows;
}

export async function serializeModel(model: TrainedModel): Promise<{ bytes: Uint8Array; sha256: string }> {
  const blobs = await model.head.getWeights();
  const rows = nonZeroRows(model.table);
  const header: Header = { format: 1, config: model.config, training: model.training, rows: rows.length, head: blobs.map((b) => ({ name: b.name, shape: b.shape })) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 8 + json.length;
  const start = Math.ceil(headerEnd / 4) * 4;
  const floats = rows.length * model.table.dim + blobs.reduce((s, b) => s + b.data.length, 0);
  const buf = new ArrayBuffer(start + 4 * (rows.length + floats));
  const u8 = new Uint8Array(buf);
  u8.set(MAGIC, 0);
  new DataView(buf).setUint32(4, json.length, true);
  u8.set(json, 8);
  new Int32Array(buf, start, rows.length).set(rows);
  const f = new Float32Array(buf, start + 4 * rows.length, floats);
  const d = model.table.dim;
  rows.forEach((r, i) => f.set(model.table.data.subarray(r * d, (r + 1) * d), i * d));
  let p = rows.length * d;
  for (const b of blobs) {
    f.set(b.data, p);
    p += b.data.length;
  }
  return { bytes: u8, sha256: sha256Hex(u8) };
}

export class ArtifactIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactIntegrityError";
  }
}

/** Refuses bytes whose sha256 differs from the recorded one: a torn or tampered artifact never predicts. */
export async function deserializeModel(stored: Uint8Array, sha256: string): Promise<TrainedModel> {
  // Copy: driver buffers may start at an offset that is not 4-byte aligned.
  const u8 = new Uint8Array(stored);
  if (sha256Hex(u8) !== sha256) throw new ArtifactIntegrityError("model artifact sha256 mismatch");
  if (MAGIC.some((m, i) => u8[i] !== m)) throw new ArtifactIntegrityError("not a Loupe model artifact");
  const len = new DataView(u8.buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(u8.subarray(8, 8 + len))) as Header;
  const start = Math.ceil((8 + len) / 4) * 4;
  const { config } = header;
  const rowIds = new Int32Array(u8.buffer, start, header.rows);
  const floats = new Float32Array(u8.buffer, start + 4 * header.rows);
  const table = new EmbeddingTable(config.features.buckets, config.dim);
  rowIds.forEach((r, i) => table.data.set(floats.subarray(i * config.dim, (i + 1) * config.dim), r * config.dim));
  let p = header.rows * config.dim;
  const blobs: WeightBlob[] = header.head.map((h) => {
    const n = h.shape.reduce((a, b) => a * b, 1);
    const data = floats.slice(p, p + n);
    p += n;
    return { name: h.name, shape: h.shape, data };
  });
  await initBackend();
  const head = Head.fromWeights({ dim: config.dim, hidden: config.hidden, numClasses: config.numClasses }, blobs);
  return new TrainedModel(config, table, head, header.training);
}

/** Loaded models per version, least recently used evicted (and disposed) first. */
export class ModelCache {
  private readonly map = new Map<number, Promise<TrainedModel>>();
  constructor(private readonly capacity = 3) {}

  get(versionId: number, load: () => Promise<TrainedModel>): Promise<TrainedModel> {
    const hit = this.map.get(versionId);
    if (hit) {
      this.map.delete(versionId);
      this.map.set(versionId, hit);
      return hit;
    }
    const p = load();
    // A failed load must not poison the cache.
    p.catch(() => this.map.delete(versionId));
    this.map.set(versionId, p);
    while (this.map.size > this.capacity) {
      const [oldest, model] = this.map.entries().next().value as [number, Promise<TrainedModel>];
      this.map.delete(oldest);
      void model.then((m) => m.dispose()).catch(() => {});
    }
    return p;
  }

  clear(): void {
    for (const m of this.map.values()) void m.then((x) => x.dispose()).catch(() => {});
    this.map.clear();
  }
}

const g = globalThis as unknown as { __loupeModelCache?: ModelCache };
export const modelCache = (g.__loupeModelCache ??= new ModelCache());
