/**
 * Where the gold set stands and what blocks automation, said out loud: on the
 * overview, the models page and the settings page, from one computation.
 */
import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, categories, items, labels, projects } from "@/db/schema";
import { currentCalibration } from "@/server/services/models";
import { getProjectSettings } from "@/server/services/projects";
import { awaitingSecondOpinion, evaluationGold } from "./gold-sql";
import { evaluationRate, goldNeeded } from "./rate";

export type Blocking =
  | { code: "taxonomy"; message: string }
  | { code: "no_model"; message: string }
  | { code: "too_little_gold"; message: string }
  | { code: "no_threshold"; message: string };

export type EvaluationStatus = {
  gold: { imported: number; fromEvaluation: number; total: number; awaitingAgreement: number };
  /** Audit decisions: they help fit the calibration and watch precision; the gold alone certifies. */
  audits: number;
  needed: { perfectRecord: number; firstLook: number };
  precisionTarget: number;
  /** The share of queue slots evaluation picks get now, and whether it is the automatic one. */
  evaluationRate: { rate: number; automatic: boolean };
  certified: boolean;
  /** Why nothing is auto-accepted right now, or null when something can be. */
  blocking: Blocking | null;
};

async function goldCounts(db: DbOrTx, projectId: number, requireAgreement: boolean) {
  const live = and(eq(categories.id, labels.categoryId), isNull(categories.deletedAt));
  const trusted = inArray(labels.source, ["human", "import"]);
  const [row] = await db
    .select({
      imported: sql<number>`(count(*) filter (where ${items.split} = 'test' and ${trusted}))::int`,
      fromEvaluation: sql<number>`(count(*) filter (where ${items.split} = 'pool'
        and ${evaluationGold(projectId, items.id, labels, requireAgreement)}))::int`,
      awaiting: requireAgreement
        ? sql<number>`(count(*) filter (where ${items.split} = 'pool'
            and ${awaitingSecondOpinion(projectId, items.id, labels)}))::int`
        : sql<number>`0`,
    })
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .innerJoin(categories, live)
    .where(eq(labels.projectId, projectId));
  return { imported: row?.imported ?? 0, fromEvaluation: row?.fromEvaluation ?? 0, awaiting: row?.awaiting ?? 0 };
}

async function auditCount(db: DbOrTx, projectId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${annotations.itemId})::int` })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        eq(annotations.reason, "audit"),
        inArray(annotations.action, ["accept", "correct"]),
      ),
    );
  return row?.n ?? 0;
}

async function activeCertification(db: DbOrTx, projectId: number) {
  const [p] = await db
    .select({ active: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!p?.active) return { active: false, certified: false };
  const cal = await currentCalibration(db, projectId, p.active);
  const perClass = (cal?.thresholds as { perClass?: (number | null)[] } | undefined)?.perClass ?? [];
  return { active: true, certified: perClass.some((t) => t !== null) };
}

async function liveCategoryCount(db: DbOrTx, projectId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), isNull(categories.deletedAt)));
  return row?.n ?? 0;
}

function blockingOf(s: {
  categories: number;
  active: boolean;
  certified: boolean;
  evidence: number;
  needed: number;
  target: number;
}): Blocking | null {
  const pct = `${Math.round(s.target * 1000) / 10}%`;
  if (s.categories < 2)
    return {
      code: "taxonomy",
      message: `The taxonomy has ${s.categories} categor${s.categories === 1 ? "y" : "ies"}: a model needs at least two to learn anything. Add categories on the Categories page.`,
    };
  if (!s.active)
    return { code: "no_model", message: "No model is active yet: label some items, then train the first version." };
  if (s.certified) return null;
  if (s.evidence < s.needed)
    return {
      code: "too_little_gold",
      message: `Too little gold to certify ${pct} precision: ${s.evidence} gold items, at least ${s.needed} needed. Evaluation picks in the queue add to it.`,
    };
  return {
    code: "no_threshold",
    message: `No confidence threshold reaches ${pct} precision on ${s.evidence} gold items yet: the model is not accurate enough at any confidence level, or more gold is needed.`,
  };
}

export async function getEvaluationStatus(db: DbOrTx, p: { projectId: number }): Promise<EvaluationStatus> {
  const settings = await getProjectSettings(db, p);
  const requireAgreement = settings.overlapRate > 0;
  const [gold, audits, cert, cats] = await Promise.all([
    goldCounts(db, p.projectId, requireAgreement),
    auditCount(db, p.projectId),
    activeCertification(db, p.projectId),
    liveCategoryCount(db, p.projectId),
  ]);
  const total = gold.imported + gold.fromEvaluation;
  const needed = goldNeeded(settings.precisionTarget);
  return {
    gold: { imported: gold.imported, fromEvaluation: gold.fromEvaluation, total, awaitingAgreement: gold.awaiting },
    audits,
    needed,
    precisionTarget: settings.precisionTarget,
    evaluationRate: {
      rate: evaluationRate({
        setting: settings.evaluationRate,
        precisionTarget: settings.precisionTarget,
        gold: total,
        certified: cert.certified,
      }),
      automatic: settings.evaluationRate === null,
    },
    certified: cert.certified,
    blocking: blockingOf({
      categories: cats,
      active: cert.active,
      certified: cert.certified,
      evidence: total,
      needed: needed.perfectRecord,
      target: settings.precisionTarget,
    }),
  };
}
