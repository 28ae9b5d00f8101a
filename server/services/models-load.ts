/** Loading a version's model (sha256 verified, cached per process) with its current calibration. */
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { calibrations, modelVersions, projects } from "@/db/schema";
import type { TrainedModel } from "@/ml/model";
import type { Calibration } from "@/ml/prediction";
import { NotFoundError } from "@/server/errors";
import { deserializeModel, modelCache } from "./models-artifact";

export type LoadedVersion = {
  versionId: number;
  model: TrainedModel;
  categoryIds: number[];
  calibrationId: number | null;
  calibration: Calibration;
  perClass: (number | null)[];
};

export async function currentCalibration(db: DbOrTx, projectId: number, versionId: number) {
  const [row] = await db
    .select({ id: calibrations.id, params: calibrations.params, thresholds: calibrations.thresholds, metrics: calibrations.metrics, createdAt: calibrations.createdAt })
    .from(calibrations)
    .innerJoin(modelVersions, eq(modelVersions.currentCalibrationId, calibrations.id))
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.projectId, projectId)))
    .limit(1);
  return row ?? null;
}

export function asCalibration(params: Record<string, unknown> | undefined): Calibration {
  const t = typeof params?.temperature === "number" && params.temperature > 0 ? params.temperature : 1;
  return { method: t === 1 ? "none" : "temperature", temperature: t };
}

/** Only ready versions load; the artifact's sha256 is checked before any byte is used. */
export async function loadVersion(db: DbOrTx, projectId: number, versionId: number): Promise<LoadedVersion> {
  const [v] = await db
    .select({ id: modelVersions.id, status: modelVersions.status, categoryIds: modelVersions.categoryIds, sha: modelVersions.artifactSha256 })
    .from(modelVersions)
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.projectId, projectId)))
    .limit(1);
  if (!v || v.status !== "ready" || !v.sha || !v.categoryIds) throw new NotFoundError("Ready model version");
  const sha = v.sha;
  const model = await modelCache.get(versionId, async () => {
    const [a] = await db.select({ artifact: modelVersions.artifact }).from(modelVersions).where(eq(modelVersions.id, versionId));
    if (!a?.artifact) throw new NotFoundError("Model artifact");
    return deserializeModel(a.artifact, sha);
  });
  const cal = await currentCalibration(db, projectId, versionId);
  return {
    versionId,
    model,
    categoryIds: v.categoryIds,
    calibrationId: cal?.id ?? null,
    calibration: asCalibration(cal?.params),
    perClass: cal?.thresholds.perClass ?? v.categoryIds.map(() => null),
  };
}

export async function activeVersionId(db: DbOrTx, projectId: number): Promise<number | null> {
  const [p] = await db.select({ active: projects.activeModelVersionId }).from(projects).where(eq(projects.id, projectId)).limit(1);
  return p?.active ?? null;
}

export async function loadActiveModel(db: DbOrTx, projectId: number): Promise<LoadedVersion | null> {
  const id = await activeVersionId(db, projectId);
  return id === null ? null : loadVersion(db, projectId, id);
}
