/**
 * What the activation gate compares the new and the active version on: items
 * neither was trained on, scored by both. The gold set when it is big enough;
 * else the audits (never trained on) and the new version's calibration
 * hold-out items that the active version did not train on either: labelled
 * after it was trained, or in its own hold-out (the split is a hash of item
 * and the seed stored with the version's splits, so it can be recomputed;
 * versions stored without one drew it from their version number).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { modelVersions } from "@/db/schema";
import { scoreLabelled, type LabelledItem } from "@/ml/evaluate-labelled";
import type { Calibration } from "@/ml";
import type { ModelScorer } from "@/ml/scorer";
import { MIN_GATE_EVIDENCE, type GateEvidence, type LoadedVersion } from "@/server/services/models";
import { itemShare, type Snapshot } from "./snapshot";
import { CALIBRATION_SHARE, type SnapshotSplit } from "./split";

type Scorer = { model: ModelScorer; calibration: Calibration; categoryIds: number[] };

/** Whether `v` gets each row right (a row of a category `v` does not know is wrong). */
async function correctOn(v: Scorer, rows: LabelledItem[]): Promise<boolean[]> {
  const known = new Set(v.categoryIds);
  const scored = await scoreLabelled(v.model, v.calibration, rows, v.categoryIds);
  let next = 0;
  return rows.map((r) => (known.has(r.categoryId) ? (scored[next++]?.correct ?? false) : false));
}

async function trainedBy(db: Db, projectId: number, versionId: number) {
  const [row] = await db
    .select({
      version: modelVersions.version,
      startedAt: modelVersions.startedAt,
      splitSeed: sql<number | null>`(${modelVersions.metrics}->'splits'->>'seed')::int`,
    })
    .from(modelVersions)
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.projectId, projectId)));
  return row ?? null;
}

/** The held-out items neither version trained on, with the audits. */
async function heldOutEvidence(
  db: Db,
  projectId: number,
  active: LoadedVersion,
  snap: Snapshot,
  parts: SnapshotSplit,
): Promise<LabelledItem[]> {
  const meta = await trainedBy(db, projectId, active.versionId);
  if (!meta?.startedAt) return snap.audits;
  const gold = new Set(snap.gold.map((g) => g.itemId));
  const startedAt = meta.startedAt;
  const seed = meta.splitSeed ?? meta.version;
  const unseen = parts.holdOut.filter((r) => {
    if (gold.has(r.itemId)) return false;
    const at = snap.labelledAt.get(r.itemId);
    return (at !== undefined && at > startedAt) || itemShare(r.itemId, seed) < CALIBRATION_SHARE;
  });
  return [...unseen, ...snap.audits];
}

export async function gateEvidence(
  db: Db,
  p: { projectId: number; active: LoadedVersion | null; trained: Scorer; snap: Snapshot; parts: SnapshotSplit },
): Promise<GateEvidence> {
  if (!p.active) return { kind: "none", n: 0, newAccuracy: null, activeAccuracy: null };
  const onGold = p.snap.gold.length >= MIN_GATE_EVIDENCE;
  const rows = onGold ? p.snap.gold : await heldOutEvidence(db, p.projectId, p.active, p.snap, p.parts);
  if (rows.length < MIN_GATE_EVIDENCE) return { kind: "none", n: rows.length, newAccuracy: null, activeAccuracy: null };
  const byNew = await correctOn(p.trained, rows);
  const byActive = await correctOn(p.active, rows);
  const count = (f: (n: boolean, a: boolean) => boolean) =>
    rows.filter((_, i) => f(byNew[i] === true, byActive[i] === true)).length;
  return {
    kind: onGold ? "gold" : "held-out",
    n: rows.length,
    newAccuracy: count((n) => n) / rows.length,
    activeAccuracy: count((_, a) => a) / rows.length,
    newOnlyCorrect: count((n, a) => n && !a),
    activeOnlyCorrect: count((n, a) => a && !n),
  };
}
