import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { calibrations } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { makeSyntheticProject, type Synthetic } from "@/test/model-fixtures";
import { readEvidence, previewCertification } from "@/ml/certification";
import { requestTraining, runTraining } from "@/server/services/training";
import { updateProjectSettings } from "@/server/services/projects";
import { recalibrate } from "./recalibrate";

describe.each(dbTargets())("recalibration certifies the saved target on $name", (target) => {
  let h: TestDb;
  let s: Synthetic;
  beforeAll(async () => {
    h = await createTestDb(target);
    s = await makeSyntheticProject(h.db, { labelled: 200 });
    const v1 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "initial", actorId: null })).versionId;
    expect(await runTraining(h.db, v1, { epochs: 6 })).toMatchObject({ outcome: "ready", activated: true });
  });
  afterAll(async () => h?.drop());

  const stored = async (id: number) => (await h.db.select().from(calibrations).where(eq(calibrations.id, id)))[0]!;

  it("stores the target it certified, why nothing passed, and the evidence the settings preview reads", async () => {
    const actor = await makeUser(h.db);
    const [training] = await h.db.select().from(calibrations).where(eq(calibrations.projectId, s.project.id));
    expect(training!.thresholds.targetPrecision).toBe(0.98);
    expect(readEvidence(training!.metrics.evidence)).not.toBeNull();

    await updateProjectSettings(h.db, {
      projectId: s.project.id,
      actorId: actor.id,
      settings: { precisionTarget: 0.9 },
    });
    const res = await recalibrate(h.db, { projectId: s.project.id, reason: "manual", actorId: actor.id });
    const cal = await stored(res!.calibrationId);
    expect(cal.thresholds.targetPrecision).toBe(0.9);
    const evidence = readEvidence(cal.metrics.evidence);
    expect(evidence?.confidence.length).toBe((cal.metrics as { n: number }).n);
    // The preview at the saved target is what was certified, threshold for threshold.
    const preview = previewCertification(evidence!, 0.9);
    expect(preview.thresholds.perClass).toEqual(cal.thresholds.perClass);
    expect(preview.thresholds.global).toEqual(cal.thresholds.global);
    expect(cal.thresholds.reason ?? null).toBe(preview.thresholds.reason ?? null);
  });
});
