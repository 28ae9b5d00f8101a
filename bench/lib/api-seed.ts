/**
 * The API bench's project: the demo catalogue through the import path, annotator
 * accounts with a password, and an active model with pool predictions from a quick
 * real training run (cold-start decisions by in-process annotators, then the
 * training and scoring services inline: runTraining, scoreProjectInline).
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { modelVersions, predictions } from "@/db/schema";
import { sql } from "drizzle-orm";
import { requestTraining } from "@/server/services/training";
import { runTraining } from "@/server/services/training";
import { scoreProjectInline } from "@/server/services/scoring";
import { annotate, emptyTally } from "./loop-annotators";
import { callerFor, loadRows, setupProject } from "./loop-setup";

export type ApiSeed = {
  projectId: number;
  password: string;
  emails: string[];
  /** The instance admin who set the project up (same password). */
  adminEmail: string;
  pool: number;
  warmupDecisions: number;
  predictions: number;
  autoAccepted: number;
  seconds: number;
};

export async function seedApiProject(
  db: Db,
  o: { annotators: number; poolSize: number; testSize: number; warmup: number; analyze: () => Promise<void> },
): Promise<ApiSeed> {
  const t0 = performance.now();
  const password = `bench-${randomBytes(12).toString("hex")}`;
  const rows = loadRows("demo", { poolSize: o.poolSize, testSize: o.testSize });
  const proj = await setupProject(db, rows, {
    annotators: o.annotators,
    password,
    settings: { retrainEveryLabels: 0 },
  });
  await o.analyze();
  const tally = emptyTally();
  const callers = proj.annotators.slice(0, 4).map((u) => callerFor(db, u));
  await annotate(callers, proj.projectId, proj.truth, o.warmup, 10, tally);
  const run = await requestTraining(db, { projectId: proj.projectId, trigger: "manual", actorId: proj.admin.id });
  const outcome = await runTraining(db, run.versionId);
  if (outcome.outcome !== "ready" || !outcome.activated)
    throw new Error(`warm-up training did not activate: ${JSON.stringify(outcome)}`);
  const [v] = await db
    .select({ cal: modelVersions.currentCalibrationId })
    .from(modelVersions)
    .where(eq(modelVersions.id, run.versionId));
  const scored = await scoreProjectInline(db, {
    projectId: proj.projectId,
    versionId: run.versionId,
    calibrationId: v?.cal ?? null,
  });
  const [{ n } = { n: 0 }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(predictions)
    .where(eq(predictions.modelVersionId, run.versionId));
  return {
    projectId: proj.projectId,
    password,
    emails: proj.annotators.map((u) => u.email),
    adminEmail: proj.admin.email,
    pool: proj.poolSize,
    warmupDecisions: tally.decisions,
    predictions: n,
    autoAccepted: scored.accepted,
    seconds: (performance.now() - t0) / 1000,
  };
}
