/** Scores one id range of a project with the active version and applies auto-accept to it. */
import { and, between, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, modelVersions, predictions, projects } from "@/db/schema";
import type { Prediction } from "@/ml/prediction";
import { autoAcceptRange } from "./auto-accept";
import { loadVersion, type LoadedVersion } from "./models-load";
import { scoringRanges, type ScoreRange } from "./scoring-plan";
import { predictWith } from "./training-evaluate";
import { toTextInput } from "./training-data";

const UPSERT_CHUNK = 500;

function embeddingBytes(e: Float32Array | undefined): Uint8Array | null {
  return e ? new Uint8Array(e.buffer, e.byteOffset, e.byteLength).slice() : null;
}

function predictionRow(v: LoadedVersion, projectId: number, itemId: number, p: Prediction) {
  const top = p.top.map((t) => ({ categoryId: v.categoryIds[t.classIndex]!, prob: t.prob }));
  return { modelVersionId: v.versionId, itemId, projectId, categoryId: top[0]!.categoryId, confidence: p.confidence, margin: p.margin, entropy: p.entropy, top, embedding: embeddingBytes(p.embedding), scoredAt: new Date() };
}

/** A job for a version or calibration that is no longer current is stale: a newer plan covers the range. */
async function isCurrent(db: Db, r: ScoreRange): Promise<boolean> {
  const [row] = await db
    .select({ cal: modelVersions.currentCalibrationId })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .where(and(eq(projects.id, r.projectId), eq(modelVersions.id, r.versionId)));
  return row !== undefined && row.cal === r.calibrationId;
}

export async function scoreRange(db: Db, r: ScoreRange): Promise<{ scored: number; accepted: number; revoked: number; skipped: boolean }> {
  if (!(await isCurrent(db, r))) return { scored: 0, accepted: 0, revoked: 0, skipped: true };
  const v = await loadVersion(db, r.projectId, r.versionId);
  const rows = await db
    .select({ id: items.id, title: items.title, description: items.description, attributes: items.attributes })
    .from(items)
    .where(and(eq(items.projectId, r.projectId), between(items.id, r.fromId, r.toId)))
    .orderBy(items.id);
  const preds = await predictWith(v.model, v.calibration, rows.map(toTextInput), { topK: 3, withEmbedding: true });
  const values = rows.map((it, i) => predictionRow(v, r.projectId, it.id, preds[i]!));
  for (let s = 0; s < values.length; s += UPSERT_CHUNK) {
    await db
      .insert(predictions)
      .values(values.slice(s, s + UPSERT_CHUNK))
      .onConflictDoUpdate({
        target: [predictions.modelVersionId, predictions.itemId],
        set: { categoryId: sql`excluded.category_id`, confidence: sql`excluded.confidence`, margin: sql`excluded.margin`, entropy: sql`excluded.entropy`, top: sql`excluded.top`, embedding: sql`excluded.embedding`, scoredAt: sql`excluded.created_at` },
      });
  }
  const aa = await autoAcceptRange(db, { projectId: r.projectId, version: v, fromId: r.fromId, toId: r.toId });
  return { scored: values.length, ...aa, skipped: false };
}

/** Every range of the active version, inline (tests, CLI, and a web process without a worker). */
export async function scoreProjectInline(db: Db, p: { projectId: number; versionId: number; calibrationId: number | null }) {
  const totals = { scored: 0, accepted: 0, revoked: 0 };
  for (const r of await scoringRanges(db, p)) {
    const res = await scoreRange(db, r);
    totals.scored += res.scored;
    totals.accepted += res.accepted;
    totals.revoked += res.revoked;
  }
  return totals;
}
