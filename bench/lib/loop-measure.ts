/** What the loop bench reports per round, read from the database and checked against the oracle. */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, items, labels, modelVersions, projects } from "@/db/schema";
import { oracleCoverage } from "@/ml/evaluate";
import { wilsonInterval, wilsonLower } from "@/ml/stats";
import { auditedPrecision } from "@/server/services/metrics";
import { coverageAt } from "@/ml/evaluate-labelled";
import { loadActiveModel } from "@/server/services/models";
import { readEvidence } from "@/server/services/training";
import { CONFIDENCE_LEVEL, scoreLabelled } from "@/ml/evaluate-labelled";
import type { AnnotateTally } from "./loop-annotators";

export type RoundFigures = {
  round: number;
  seconds: number;
  humanDecisions: number;
  audits: number;
  humanLabelsPool: number;
  autoLabels: number;
  /** Auto labels / pool: what the machine has categorised of everything there is to categorise. */
  automation: number;
  /** Auto / (auto + human) pool labels: the dashboard's automation rate (share of categorised items nobody touched). */
  automationRate: number | null;
  categorised: number;
  decisionsPer1000: number | null;
  autoTruePrecision: number | null;
  auditedActive: { n: number; precision: number | null; lower: number; upper: number } | null;
  auditedAll: { n: number; precision: number | null; lower: number; upper: number };
  activeVersion: number | null;
  versions: number;
  testAccuracy: number | null;
  /** Filled by loop-quality.ts. */
  gold?: number;
  goldSource?: string;
  labelErrors?: { flagged: number; truePositives: number; precision: number | null; recall: number | null };
  legacyWrongStanding?: number;
};

/** item id → true category id, for every item of the project. */
export async function truthById(db: Db, projectId: number, truth: Map<string, number>): Promise<Map<number, number>> {
  const rows = await db
    .select({ id: items.id, externalId: items.externalId })
    .from(items)
    .where(eq(items.projectId, projectId));
  return new Map(rows.map((r) => [r.id, truth.get(r.externalId)!]));
}

async function active(db: Db, projectId: number) {
  const [v] = await db
    .select({ id: modelVersions.id, version: modelVersions.version, metrics: modelVersions.metrics })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .where(eq(projects.id, projectId));
  return v ?? null;
}

export async function measureRound(
  db: Db,
  p: {
    projectId: number;
    poolSize: number;
    truthById: Map<number, number>;
    tally: AnnotateTally;
    round: number;
    started: number;
  },
): Promise<RoundFigures> {
  const poolLabels = await db
    .select({ itemId: labels.itemId, categoryId: labels.categoryId, source: labels.source })
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.split, "pool")))
    .where(eq(labels.projectId, p.projectId));
  const auto = poolLabels.filter((l) => l.source === "auto");
  const human = poolLabels.filter((l) => l.source === "human").length;
  const autoRight = auto.filter((l) => l.categoryId === p.truthById.get(l.itemId)).length;
  const v = await active(db, p.projectId);
  const [{ n: versions } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, p.projectId), eq(modelVersions.status, "ready")));
  const summary = (v?.metrics?.summary ?? {}) as { accuracy?: number | null };
  const t = p.tally;
  // Audits are blind (the annotator sees a random pick), so they are counted where the server recorded them.
  const [au] = await db
    .select({
      n: sql<number>`count(*)::int`,
      accepted: sql<number>`(count(*) filter (where ${annotations.action} = 'accept'))::int`,
    })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, p.projectId),
        eq(annotations.reason, "audit"),
        inArray(annotations.action, ["accept", "correct", "reject"]),
      ),
    );
  const audits = { n: au?.n ?? 0, accepted: au?.accepted ?? 0 };
  const all = wilsonInterval(audits.accepted, audits.n);
  const categorised = human + auto.length;
  return {
    round: p.round,
    seconds: (performance.now() - p.started) / 1000,
    humanDecisions: t.decisions,
    audits: audits.n,
    humanLabelsPool: human,
    autoLabels: auto.length,
    automation: auto.length / p.poolSize,
    automationRate: categorised ? auto.length / categorised : null,
    categorised: categorised / p.poolSize,
    decisionsPer1000: categorised ? (1000 * t.decisions) / categorised : null,
    autoTruePrecision: auto.length ? autoRight / auto.length : null,
    auditedActive: v ? await auditedPrecision(db, p.projectId, v.id) : null,
    auditedAll: { n: audits.n, precision: audits.n ? audits.accepted / audits.n : null, ...all },
    activeVersion: v?.version ?? null,
    versions,
    testAccuracy: summary.accuracy ?? null,
  };
}

export type OracleFigures = {
  target: number;
  testN: number;
  testAccuracy: number;
  /** Best coverage on the test split at `target` precision for this model (ml's oracleCoverage). */
  oracleCoverage: number;
  /** Coverage and precision on the test split at the thresholds the project actually uses. */
  deployedTestCoverage: number;
  deployedTestPrecision: number | null;
  /**
   * Evidence ceiling: the largest coverage of the gold items whose top slice passes ONE
   * 95% Wilson test at the target, with the slice chosen after looking (so no valid
   * procedure can certify more from these gold items; the oracle needs no bound at all).
   */
  singleTestCeiling: number;
};

export function singleTestCeiling(scored: readonly { confidence: number; correct: boolean }[], target: number): number {
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence);
  let ok = 0;
  let best = 0;
  sorted.forEach((s, i) => {
    if (s.correct) ok++;
    const next = sorted[i + 1];
    if (next && next.confidence === s.confidence) return;
    if (wilsonLower(ok, i + 1, CONFIDENCE_LEVEL) >= target) best = (i + 1) / sorted.length;
  });
  return best;
}

/** The active model on the gold (test) items: oracle coverage vs the coverage its certified thresholds give. */
export async function oracleFigures(db: Db, projectId: number, target: number): Promise<OracleFigures | null> {
  const v = await loadActiveModel(db, projectId);
  if (!v) return null;
  const { gold } = await readEvidence(db, projectId);
  const scored = await scoreLabelled(v.model, v.calibration, gold, v.categoryIds);
  const oc = oracleCoverage(
    scored.map((s) => s.confidence),
    scored.map((s) => s.correct),
    target,
  );
  const dep = coverageAt(scored, v.perClass);
  return {
    target,
    testN: scored.length,
    testAccuracy: scored.filter((s) => s.correct).length / Math.max(1, scored.length),
    oracleCoverage: oc.oracleCoverage,
    deployedTestCoverage: dep.coverage,
    deployedTestPrecision: dep.precision,
    singleTestCeiling: singleTestCeiling(scored, target),
  };
}
