/**
 * Writing a range's predictions: one statement per chunk, the rows travelling
 * as ONE jsonb parameter unpacked by jsonb_to_recordset (as the import writer
 * does), instead of drizzle's multi-row VALUES with ten bind parameters per
 * row. Embeddings go as base64 text and are decoded in SQL.
 */
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { predictions } from "@/db/schema";
import { col, cols, excluded } from "@/db/sql";
import type { Prediction } from "@/ml";

/**
 * Rows per statement: big enough that round trips do not count, small enough that one statement
 * holds PGlite (one connection, shared with every request of the demo) for well under 100 ms.
 */
const WRITE_CHUNK = 1000;

export type ScoredItem = { itemId: number; prediction: Prediction };

function embeddingBase64(e: Float32Array | undefined): string | null {
  return e ? Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString("base64") : null;
}

function categoryAt(categoryIds: readonly number[], classIndex: number): number {
  const id = categoryIds[classIndex];
  if (id === undefined)
    throw new Error(`scoring: class ${classIndex} is not among the version's ${categoryIds.length} categories`);
  return id;
}

function rowJson(categoryIds: readonly number[], s: ScoredItem): string {
  const p = s.prediction;
  const top = p.top.map((t) => ({ categoryId: categoryAt(categoryIds, t.classIndex), prob: t.prob }));
  const [first] = top;
  if (!first) throw new Error(`scoring: the prediction of item ${s.itemId} has no top category`);
  return JSON.stringify({
    item_id: s.itemId,
    category_id: first.categoryId,
    confidence: p.confidence,
    margin: p.margin,
    entropy: p.entropy,
    top,
    ancestors: p.ancestors?.map((a) => ({ path: a.path, prob: a.prob })) ?? null,
    embedding: embeddingBase64(p.embedding),
  });
}

/** Upserts (version, item) predictions; a redelivered range rewrites the same rows. */
export async function writePredictions(
  db: DbOrTx,
  p: { projectId: number; versionId: number; categoryIds: readonly number[] },
  scored: readonly ScoredItem[],
): Promise<void> {
  const pr = predictions;
  for (let s = 0; s < scored.length; s += WRITE_CHUNK) {
    const json = `[${scored
      .slice(s, s + WRITE_CHUNK)
      .map((x) => rowJson(p.categoryIds, x))
      .join(",")}]`;
    await db.execute(sql`
      insert into ${pr} ${cols(
        pr.modelVersionId,
        pr.itemId,
        pr.projectId,
        pr.categoryId,
        pr.confidence,
        pr.margin,
        pr.entropy,
        pr.top,
        pr.ancestors,
        pr.embedding,
        pr.scoredAt,
      )}
      select ${p.versionId}, x.item_id, ${p.projectId}, x.category_id, x.confidence, x.margin, x.entropy, x.top,
        x.ancestors, decode(x.embedding, 'base64'), now()
      from jsonb_to_recordset(${json}::jsonb) as x(item_id integer, category_id integer, confidence float8,
        margin float8, entropy float8, top jsonb, ancestors jsonb, embedding text)
      on conflict (${col(pr.modelVersionId)}, ${col(pr.itemId)}) do update set
        ${col(pr.categoryId)} = ${excluded(pr.categoryId)}, ${col(pr.confidence)} = ${excluded(pr.confidence)},
        ${col(pr.margin)} = ${excluded(pr.margin)}, ${col(pr.entropy)} = ${excluded(pr.entropy)},
        ${col(pr.top)} = ${excluded(pr.top)}, ${col(pr.ancestors)} = ${excluded(pr.ancestors)},
        ${col(pr.embedding)} = ${excluded(pr.embedding)},
          ${col(pr.scoredAt)} = ${excluded(pr.scoredAt)}`);
  }
}
