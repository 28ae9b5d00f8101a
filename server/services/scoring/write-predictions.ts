/**
 * Writing a range's predictions: one statement per chunk, the rows travelling
 * as ONE jsonb parameter unpacked by jsonb_to_recordset (as the import writer
 * does), instead of drizzle's multi-row VALUES with ten bind parameters per
 * row. Embeddings go as base64 text and are decoded in SQL.
 */
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import type { Prediction } from "@/ml";

/** Rows per statement: big enough that round trips don't count, small enough to keep each jsonb parameter a few MB. */
const WRITE_CHUNK = 5000;

export type ScoredItem = { itemId: number; prediction: Prediction };

function embeddingBase64(e: Float32Array | undefined): string | null {
  return e ? Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString("base64") : null;
}

function rowJson(categoryIds: readonly number[], s: ScoredItem): string {
  const p = s.prediction;
  const top = p.top.map((t) => ({ categoryId: categoryIds[t.classIndex]!, prob: t.prob }));
  return JSON.stringify({
    item_id: s.itemId,
    category_id: top[0]!.categoryId,
    confidence: p.confidence,
    margin: p.margin,
    entropy: p.entropy,
    top,
    embedding: embeddingBase64(p.embedding),
  });
}

/** Upserts (version, item) predictions; a redelivered range rewrites the same rows. */
export async function writePredictions(
  db: DbOrTx,
  p: { projectId: number; versionId: number; categoryIds: readonly number[] },
  scored: readonly ScoredItem[],
): Promise<void> {
  for (let s = 0; s < scored.length; s += WRITE_CHUNK) {
    const json = `[${scored
      .slice(s, s + WRITE_CHUNK)
      .map((x) => rowJson(p.categoryIds, x))
      .join(",")}]`;
    await db.execute(sql`
      insert into predictions (model_version_id, item_id, project_id, category_id, confidence, margin, entropy, top, embedding, created_at)
      select ${p.versionId}, x.item_id, ${p.projectId}, x.category_id, x.confidence, x.margin, x.entropy, x.top, decode(x.embedding, 'base64'), now()
      from jsonb_to_recordset(${json}::jsonb) as x(item_id integer, category_id integer, confidence float8, margin float8, entropy float8, top jsonb, embedding text)
      on conflict (model_version_id, item_id) do update set
        category_id = excluded.category_id, confidence = excluded.confidence, margin = excluded.margin, entropy = excluded.entropy,
        top = excluded.top, embedding = excluded.embedding, created_at = excluded.created_at`);
  }
}
