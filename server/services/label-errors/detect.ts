/**
 * After a training run: out-of-fold probabilities over every labelled item and
 * confident learning on them (ml/label-errors), the suspects stored in one short
 * transaction that replaces the previous run's open ones.
 */
import { and, desc, eq, gt, inArray, or } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { labels, labelSuspects, modelVersions, projects } from "@/db/schema";
import { MIN_TRAINING_ITEMS } from "@/lib/constants";
import { LABEL_ERROR_FOLDS, type LabelErrorFlag } from "@/ml";
import { compute } from "@/server/services/models";
import { recordAudit } from "@/server/services/audit";
import { readDetectionSnapshot, type DetectionSnapshot } from "./read-labelled";

/** Every held-out fold has at least as many items as the smallest training set. */
export const MIN_DETECTION_ITEMS = LABEL_ERROR_FOLDS * MIN_TRAINING_ITEMS;

export type DetectLabelErrorsInput = { projectId: number; versionId: number };
export type DetectLabelErrorsOptions = { epochs?: number; signal?: AbortSignal };
export type DetectLabelErrorsResult = {
  /** The version the suspects belong to (see versionToUse). */
  versionId: number;
  flagged: number;
  labelled: number;
  superseded: number;
  seconds: number;
  /** Why nothing was flagged without looking (too little data, no such version). */
  reason?: string;
};

const CHUNK = 1000;

/**
 * The version the suspects are stamped with and whose seed the cross-fit uses: the
 * requested one, or the newest ready version after it. The stately queue keeps one
 * waiting job per project, so a newer version's own job may have been dropped while
 * this one waited; the late job then does its work, on the same current labels.
 */
async function versionToUse(db: Db, p: DetectLabelErrorsInput) {
  const [row] = await db
    .select({ id: modelVersions.id, version: modelVersions.version })
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.projectId, p.projectId),
        or(
          eq(modelVersions.id, p.versionId),
          and(eq(modelVersions.status, "ready"), gt(modelVersions.id, p.versionId)),
        ),
      ),
    )
    .orderBy(desc(modelVersions.id))
    .limit(1);
  return row ?? null;
}

function tooLittle(snap: DetectionSnapshot): string | null {
  const labelled = new Set(snap.rows.map((r) => r.categoryId));
  if (labelled.size < 2) return "Label-error detection needs labels in at least two categories";
  if (snap.rows.length < MIN_DETECTION_ITEMS)
    return `Label-error detection needs at least ${MIN_DETECTION_ITEMS} labelled items (has ${snap.rows.length})`;
  return null;
}

/** Class index of every row (rows come from live categories only, so each has one). */
function classIndices(snap: DetectionSnapshot): number[] {
  const index = new Map(snap.categoryIds.map((c, i) => [c, i]));
  return snap.rows.map((r) => {
    const j = index.get(r.categoryId);
    if (j === undefined) throw new Error(`label-errors: item ${r.itemId} is in no live category`);
    return j;
  });
}

type Suspect = typeof labelSuspects.$inferInsert;

function toSuspects(snap: DetectionSnapshot, flags: LabelErrorFlag[], p: DetectLabelErrorsInput): Suspect[] {
  return flags.flatMap((f) => {
    const row = snap.rows[f.index];
    const suggested = snap.categoryIds[f.suggested];
    if (!row || row.verdict || suggested === undefined) return [];
    return [
      {
        projectId: p.projectId,
        itemId: row.itemId,
        modelVersionId: p.versionId,
        givenCategoryId: row.categoryId,
        suggestedCategoryId: suggested,
        score: f.score,
        givenProbability: f.givenProbability,
        suggestedProbability: f.suggestedProbability,
      },
    ];
  });
}

/** The suspects whose item still carries the label they were flagged with (a person may have decided meanwhile). */
async function stillCurrent(tx: Tx, projectId: number, suspects: Suspect[]): Promise<Suspect[]> {
  const current = new Map<number, number | null>();
  for (let i = 0; i < suspects.length; i += CHUNK) {
    const ids = suspects.slice(i, i + CHUNK).map((s) => s.itemId);
    const rows = await tx
      .select({ itemId: labels.itemId, categoryId: labels.categoryId })
      .from(labels)
      .where(
        and(eq(labels.projectId, projectId), inArray(labels.itemId, ids), inArray(labels.source, ["human", "import"])),
      );
    for (const r of rows) current.set(r.itemId, r.categoryId);
  }
  return suspects.filter((s) => current.get(s.itemId) === s.givenCategoryId);
}

async function store(db: Db, p: DetectLabelErrorsInput, suspects: Suspect[], figures: Record<string, number>) {
  return db.transaction(async (tx) => {
    // One writer per project at a time: two runs cannot both replace the open suspects.
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, p.projectId)).for("update");
    const fresh = await stillCurrent(tx, p.projectId, suspects);
    const superseded = await tx
      .update(labelSuspects)
      .set({ status: "superseded" })
      .where(and(eq(labelSuspects.projectId, p.projectId), eq(labelSuspects.status, "open")))
      .returning({ id: labelSuspects.id });
    for (let i = 0; i < fresh.length; i += CHUNK) await tx.insert(labelSuspects).values(fresh.slice(i, i + CHUNK));
    const after = { ...figures, flagged: fresh.length, superseded: superseded.length };
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: null,
      action: "labels.errors_detected",
      entityType: "model_version",
      entityId: p.versionId,
      after,
    });
    return { flagged: fresh.length, superseded: superseded.length };
  });
}

export async function detectLabelErrors(
  db: Db,
  p: DetectLabelErrorsInput,
  o: DetectLabelErrorsOptions = {},
): Promise<DetectLabelErrorsResult> {
  const t0 = performance.now();
  const seconds = () => Math.round((performance.now() - t0) / 100) / 10;
  const version = await versionToUse(db, p);
  const none = (labelled: number, reason: string) => ({
    versionId: version?.id ?? p.versionId,
    flagged: 0,
    labelled,
    superseded: 0,
    seconds: seconds(),
    reason,
  });
  if (!version) return none(0, `Model version ${p.versionId} is not in project ${p.projectId}`);
  const snap = await readDetectionSnapshot(db, p.projectId);
  const short = tooLittle(snap);
  if (short) return none(snap.rows.length, short);
  // The training run's options: its seed (the version number) and the default epochs.
  // In the compute thread: five trainings must not hold the thread that serves requests.
  const run = await compute().labelErrors(
    { inputs: snap.rows.map((r) => r.input), labels: classIndices(snap), numClasses: snap.categoryIds.length },
    { seed: version.version, epochs: o.epochs },
    { signal: o.signal },
  );
  const at = { projectId: p.projectId, versionId: version.id };
  const stored = await store(db, at, toSuspects(snap, run.flags, at), {
    labelled: snap.rows.length,
    verdicts: snap.rows.filter((r) => r.verdict).length,
    crossFitSeconds: Math.round(run.seconds),
  });
  return { versionId: version.id, labelled: snap.rows.length, ...stored, seconds: seconds() };
}
