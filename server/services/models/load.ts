/** Loading a version's model (sha256 verified, held by the compute thread) with its current calibration. */
import { readArtifact } from "./artifact-store";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { calibrations, modelVersions, projects } from "@/db/schema";
import type { Calibration } from "@/ml";
import type { RemoteModel } from "@/ml/compute";
import { NotFoundError } from "@/server/errors";
import { compute, modelKey } from "./compute";

export type LoadedVersion = {
  versionId: number;
  model: RemoteModel;
  categoryIds: number[];
  calibrationId: number | null;
  calibration: Calibration;
  perClass: (number | null)[];
};

export async function currentCalibration(db: DbOrTx, projectId: number, versionId: number) {
  const [row] = await db
    .select({
      id: calibrations.id,
      params: calibrations.params,
      thresholds: calibrations.thresholds,
      metrics: calibrations.metrics,
      createdAt: calibrations.createdAt,
    })
    .from(calibrations)
    .innerJoin(modelVersions, eq(modelVersions.currentCalibrationId, calibrations.id))
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.projectId, projectId)))
    .limit(1);
  return row ?? null;
}

const isNumbers = (x: unknown): x is number[] =>
  Array.isArray(x) && x.every((v) => typeof v === "number" && Number.isFinite(v));

/**
 * calibrations.params holds an ml Calibration as jsonb (temperature, plus a
 * per-class bias or a top-label isotonic map). A part that is missing or
 * malformed is dropped, leaving temperature scaling alone (or none).
 */
export function asCalibration(params: Record<string, unknown> | undefined): Calibration {
  const t = typeof params?.temperature === "number" && params.temperature > 0 ? params.temperature : 1;
  const base: Calibration = { method: t === 1 ? "none" : "temperature", temperature: t };
  const map = params?.confidenceMap as { x?: unknown; y?: unknown } | undefined;
  if (params?.method === "temperature+bias" && isNumbers(params.bias))
    return { method: "temperature+bias", temperature: t, bias: params.bias };
  if (
    params?.method === "temperature+isotonic" &&
    isNumbers(map?.x) &&
    isNumbers(map?.y) &&
    map.x.length === map.y.length
  ) {
    return { method: "temperature+isotonic", temperature: t, confidenceMap: { x: map.x, y: map.y } };
  }
  return base;
}

/**
 * Only ready versions load. The sha256 comes from the version row on every call:
 * a held model is reused only under that same sha256, and a model loaded from
 * bytes is verified against it by ml's deserializeModel before any byte is used.
 * The artifact is read in this thread (the database's) only when the compute does not hold the model.
 */
export async function loadVersion(db: DbOrTx, projectId: number, versionId: number): Promise<LoadedVersion> {
  const [v] = await db
    .select({
      id: modelVersions.id,
      status: modelVersions.status,
      categoryIds: modelVersions.categoryIds,
      sha: modelVersions.artifactSha256,
    })
    .from(modelVersions)
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.projectId, projectId)))
    .limit(1);
  if (!v || v.status !== "ready" || !v.sha || !v.categoryIds) throw new NotFoundError("Ready model version");
  const model = await compute().model({
    key: modelKey(db, versionId, v.sha),
    sha256: v.sha,
    numClasses: v.categoryIds.length,
    bytes: async () => {
      const artifact = await readArtifact(db, versionId);
      if (!artifact) throw new NotFoundError("Model artifact");
      return artifact;
    },
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
  const [p] = await db
    .select({ active: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  return p?.active ?? null;
}

export async function loadActiveModel(db: DbOrTx, projectId: number): Promise<LoadedVersion | null> {
  const id = await activeVersionId(db, projectId);
  return id === null ? null : loadVersion(db, projectId, id);
}
