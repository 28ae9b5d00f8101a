/**
 * What the loop bench reports beyond automation: the gold set the project has
 * (and where it came from), the active model's accuracy on the file's test
 * rows scored offline when the project never saw them (gold "loop"), how well
 * the label-error detector's latest flags match labels that are truly wrong,
 * and how many wrong legacy labels still stand.
 */
import { and, eq, inArray, max } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, labels, labelSuspects } from "@/db/schema";
import { getEvaluationStatus } from "@/server/services/evaluation";
import { loadActiveModel } from "@/server/services/models";
import { toTextInput } from "@/server/services/training";
import type { BenchRow, GoldSource } from "./loop-setup";

export type LabelErrorFigures = {
  flagged: number;
  truePositives: number;
  precision: number | null;
  recall: number | null;
};
export type QualityFigures = {
  gold: number;
  goldSource: GoldSource;
  /** The active model on the test rows the project never saw (gold "loop"), else null. */
  offlineTestAccuracy: number | null;
  labelErrors: LabelErrorFigures;
  /** Pool items whose imported legacy label is wrong and still the current label. */
  legacyWrongStanding: number;
};

async function offlineAccuracy(db: Db, projectId: number, rows: BenchRow[], truth: Map<string, number>) {
  if (rows.length === 0) return null;
  const v = await loadActiveModel(db, projectId);
  if (!v) return null;
  const preds = await v.model.predict(
    // The same input the product builds from a stored item (attributes included: the demo's specs carry signal).
    rows.map((r) => toTextInput({ title: r.title, description: r.description, attributes: r.attributes ?? {} })),
    v.calibration,
    { topK: 1 },
  );
  let right = 0;
  rows.forEach((r, i) => {
    const top = preds[i]?.top[0];
    if (top && v.categoryIds[top.classIndex] === truth.get(r.id)) right++;
  });
  return right / rows.length;
}

async function labelErrorFigures(
  db: Db,
  projectId: number,
  truthById: Map<number, number>,
): Promise<LabelErrorFigures> {
  const [latest] = await db
    .select({ v: max(labelSuspects.modelVersionId) })
    .from(labelSuspects)
    .where(eq(labelSuspects.projectId, projectId));
  const flagged = latest?.v
    ? await db
        .select({ itemId: labelSuspects.itemId, given: labelSuspects.givenCategoryId })
        .from(labelSuspects)
        .where(
          and(
            eq(labelSuspects.projectId, projectId),
            eq(labelSuspects.modelVersionId, latest.v),
            inArray(labelSuspects.status, ["open", "confirmed", "kept"]),
          ),
        )
    : [];
  const tp = flagged.filter((f) => f.given !== truthById.get(f.itemId)).length;
  const flaggedIds = new Set(flagged.map((f) => f.itemId));
  const current = await db
    .select({ itemId: labels.itemId, categoryId: labels.categoryId })
    .from(labels)
    .where(and(eq(labels.projectId, projectId), inArray(labels.source, ["human", "import"])));
  const missed = current.filter((l) => !flaggedIds.has(l.itemId) && l.categoryId !== truthById.get(l.itemId)).length;
  return {
    flagged: flagged.length,
    truePositives: tp,
    precision: flagged.length ? tp / flagged.length : null,
    recall: tp + missed ? tp / (tp + missed) : null,
  };
}

async function wrongLegacyStanding(db: Db, projectId: number, legacyWrong: Set<string>, truth: Map<string, number>) {
  if (legacyWrong.size === 0) return 0;
  const rows = await db
    .select({ externalId: items.externalId, categoryId: labels.categoryId })
    .from(labels)
    .innerJoin(items, eq(items.id, labels.itemId))
    .where(and(eq(labels.projectId, projectId), eq(labels.source, "import")));
  return rows.filter((r) => legacyWrong.has(r.externalId) && r.categoryId !== truth.get(r.externalId)).length;
}

export async function measureQuality(
  db: Db,
  p: {
    projectId: number;
    goldSource: GoldSource;
    heldOutTest: BenchRow[];
    truth: Map<string, number>;
    truthById: Map<number, number>;
    legacyWrong: Set<string>;
  },
): Promise<QualityFigures> {
  const status = await getEvaluationStatus(db, { projectId: p.projectId });
  return {
    gold: status.gold.total,
    goldSource: p.goldSource,
    offlineTestAccuracy: await offlineAccuracy(db, p.projectId, p.heldOutTest, p.truth),
    labelErrors: await labelErrorFigures(db, p.projectId, p.truthById),
    legacyWrongStanding: await wrongLegacyStanding(db, p.projectId, p.legacyWrong, p.truth),
  };
}
