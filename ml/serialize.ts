import { initBackend } from "./backend";
import { EmbeddingTable } from "./embedding-table";
import { Head, type WeightBlob } from "./head";
import { type ModelConfig, TrainedModel, type TrainingFigures } from "./model";
import type { Calibration } from "./prediction";
import type { Thresholds } from "./thresholds";

/**
 * Blob layout (little-endian):
 *   "LOUPEML1" | u32 header length | header JSON (UTF-8) | zero pad to 4 |
 *   u32 touched-row count | u32 row ids | f32 rows | f32 head weights...
 * Only table rows that training touched are stored (the table starts at zero).
 */
const MAGIC = "LOUPEML1";
const FORMAT = 1;

type Header = {
  format: number;
  config: ModelConfig;
  training: TrainingFigures;
  calibration: Calibration;
  thresholds: Thresholds | null;
  head: { name: string; shape: number[] }[];
};

export type SerializedModel = { bytes: Uint8Array; sha256: string };

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function touchedRows(table: EmbeddingTable): Uint32Array {
  const rows: number[] = [];
  const { data, dim } = table;
  for (let r = 0; r < table.rows; r++) {
    for (let k = 0; k < dim; k++) {
      if (data[r * dim + k] !== 0) {
        rows.push(r);
        break;
      }
    }
  }
  return Uint32Array.from(rows);
}

export async function serializeModel(model: TrainedModel): Promise<SerializedModel> {
  const weights = await model.head.getWeights();
  const header: Header = {
    format: FORMAT,
    config: model.config,
    training: model.training,
    calibration: model.calibration,
    thresholds: model.thresholds,
    head: weights.map((w) => ({ name: w.name, shape: w.shape })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const rows = touchedRows(model.table);
  const dim = model.config.dim;
  const headFloats = weights.reduce((s, w) => s + w.data.length, 0);
  const start = align4(12 + json.length);
  const total = start + 4 + rows.length * 4 + rows.length * dim * 4 + headFloats * 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let off = start;
  view.setUint32(off, rows.length, true);
  off += 4;
  for (const r of rows) {
    view.setUint32(off, r, true);
    off += 4;
  }
  for (const r of rows) off = writeFloats(view, off, model.table.data.subarray(r * dim, (r + 1) * dim));
  for (const w of weights) off = writeFloats(view, off, w.data);
  return { bytes, sha256: await sha256Hex(bytes) };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function writeFloats(view: DataView, off: number, data: Float32Array): number {
  for (let i = 0; i < data.length; i++, off += 4) view.setFloat32(off, data[i] as number, true);
  return off;
}

function readFloats(view: DataView, off: number, count: number): Float32Array {
  if (off + count * 4 > view.byteLength) throw new Error("model blob is truncated");
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(off + i * 4, true);
  return out;
}

function parseHeader(bytes: Uint8Array, view: DataView): { header: Header; start: number } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new Error("not a Loupe model blob (bad magic)");
  const len = view.getUint32(8, true);
  if (12 + len > bytes.length) throw new Error("model blob is truncated (header)");
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(12, 12 + len))) as Header;
  } catch (e) {
    throw new Error(`model blob header is corrupt: ${(e as Error).message}`, { cause: e });
  }
  if (header.format !== FORMAT) throw new Error(`unsupported model blob format ${header.format} (expected ${FORMAT})`);
  const c = header.config;
  if (!c || !(c.dim > 0) || !(c.numClasses > 0) || !(c.features?.buckets > 0))
    throw new Error("model blob header lacks a valid config");
  if (!Array.isArray(header.head) || !header.training || !header.calibration)
    throw new Error("model blob header is incomplete (head, training or calibration missing)");
  return { header, start: align4(12 + len) };
}

/** Rebuilds a model; verifies the sha256 first when given. Throws on any mismatch or corruption. */
export async function deserializeModel(bytes: Uint8Array, expectedSha256?: string): Promise<TrainedModel> {
  if (expectedSha256 !== undefined) {
    const actual = await sha256Hex(bytes);
    if (actual !== expectedSha256.toLowerCase())
      throw new Error(`model blob sha256 mismatch: expected ${expectedSha256}, got ${actual}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, start } = parseHeader(bytes, view);
  const { dim, features } = header.config;
  if (start + 4 > bytes.length) throw new Error("model blob is truncated (table)");
  const nRows = view.getUint32(start, true);
  let off = start + 4;
  if (off + nRows * 4 * (1 + dim) > bytes.length) throw new Error("model blob is truncated (table rows)");
  const table = new EmbeddingTable(features.buckets, dim);
  const ids = new Uint32Array(nRows);
  for (let i = 0; i < nRows; i++, off += 4) ids[i] = view.getUint32(off, true);
  for (const r of ids) {
    if (r >= features.buckets) throw new Error("model blob is corrupt (row id out of range)");
    table.data.set(readFloats(view, off, dim), r * dim);
    off += dim * 4;
  }
  const blobs: WeightBlob[] = header.head.map((h) => {
    const count = h.shape.reduce((a, b) => a * b, 1);
    const data = readFloats(view, off, count);
    off += count * 4;
    return { name: h.name, shape: h.shape, data };
  });
  if (off !== bytes.length) throw new Error("model blob is corrupt (trailing bytes)");
  await initBackend();
  const head = Head.fromWeights({ dim, hidden: header.config.hidden, numClasses: header.config.numClasses }, blobs);
  const model = new TrainedModel(header.config, table, head, header.training);
  model.setCalibration(header.calibration);
  model.setThresholds(header.thresholds);
  return model;
}
