import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { auditEvents, calibrations, labels, memberships, modelVersions, predictions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeUser } from "@/test/factories";
import { requestTraining } from "@/server/services/training";
import { runTraining } from "@/server/services/training";
import { scoreProjectInline } from "@/server/services/scoring";
import { loadVersion } from "@/server/services/models/load";
import { clearsThreshold, thresholdFor } from "@/server/services/auto-accept";
import { clearLoadedModels } from "@/server/services/models";
import { makeSyntheticProject, type Synthetic } from "@/test/model-fixtures";

describe.each(dbTargets())("activation, rollback and recalibration on $name", (target) => {
  let h: TestDb;
  let s: Synthetic;
  let v1: number;
  beforeAll(async () => {
    h = await createTestDb(target);
    s = await makeSyntheticProject(h.db, { labelled: 200 });
    v1 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "initial", actorId: null })).versionId;
    expect(await runTraining(h.db, v1, { epochs: 6 })).toMatchObject({ outcome: "ready", activated: true });
  });
  afterAll(async () => h?.drop());

  const active = async () =>
    (await h.db.select({ a: projects.activeModelVersionId }).from(projects).where(eq(projects.id, s.project.id)))[0]!.a;

  it("does not auto-activate a worse version (shuffled labels); explicit activation works and is audited; rollback re-activates", async () => {
    // Shuffle: every human label moves to the next category (one statement: the foreign key holds throughout).
    const ids = s.categories.map((c) => c.id);
    const rotate = sql.join(
      ids.map((c, i) => sql`when ${c}::int then ${ids[(i + 1) % ids.length]!}::int`),
      sql` `,
    );
    await h.db
      .update(labels)
      .set({ categoryId: sql`case ${labels.categoryId} ${rotate} end` })
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "human")));
    const v2 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: null })).versionId;
    const out = await runTraining(h.db, v2, { epochs: 6 });
    expect(out).toMatchObject({ outcome: "ready", activated: false });
    const [row] = await h.db
      .select({ metrics: modelVersions.metrics })
      .from(modelVersions)
      .where(eq(modelVersions.id, v2));
    const gate = row!.metrics!.gate as { passed: boolean; reason: string };
    console.log(`[measure] ${target.name}: shuffled-label version gate: ${gate.reason}`);
    expect(gate.passed).toBe(false);
    expect(await active()).toBe(v1);

    const eng = await makeUser(h.db);
    await addMember(h.db, s.project.id, eng.id, "ml_engineer");
    const annotator = await makeUser(h.db);
    await addMember(h.db, s.project.id, annotator.id, "annotator");
    await expect(
      callerFor(h.db, annotator).models.activate({ projectId: s.project.id, versionId: v2 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callerFor(h.db, eng).models.activate({ projectId: s.project.id, versionId: v2 });
    expect(await active()).toBe(v2);
    const [ev] = await h.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.projectId, s.project.id),
          eq(auditEvents.action, "model.activate"),
          eq(auditEvents.actorId, eng.id),
        ),
      );
    expect(ev).toMatchObject({ entityId: String(v2), before: { activeModelVersionId: v1 } });

    // Rollback (no version given = the newest ready one before the active), then predictions follow.
    await callerFor(h.db, eng).models.rollback({ projectId: s.project.id });
    expect(await active()).toBe(v1);
    await clearLoadedModels(); // load from the database again: the sha256 is verified
    const loaded = await loadVersion(h.db, s.project.id, v1);
    await scoreProjectInline(h.db, { projectId: s.project.id, versionId: v1, calibrationId: loaded.calibrationId });
    const [n] = await h.db
      .select({ n: sql<number>`count(*)::int` })
      .from(predictions)
      .where(eq(predictions.modelVersionId, v1));
    expect(n!.n).toBe(s.poolIds.length + s.goldIds.length);
    const autos = await h.db
      .select({ v: labels.modelVersionId })
      .from(labels)
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "auto")));
    expect(autos.every((a) => a.v === v1)).toBe(true);
    // Cross-project: another project's version id is NOT_FOUND.
    await expect(
      callerFor(h.db, eng).models.get({ projectId: s.project.id, versionId: 999_999 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    void memberships;
  });

  it("recalibration writes a new calibration with before/after ECE and applies it atomically", async () => {
    const eng = await makeUser(h.db);
    await addMember(h.db, s.project.id, eng.id, "ml_engineer");
    const v = await active();
    const [before] = await h.db
      .select({ cal: modelVersions.currentCalibrationId })
      .from(modelVersions)
      .where(eq(modelVersions.id, v!));
    const res = await callerFor(h.db, eng).models.recalibrate({ projectId: s.project.id });
    expect(res.queued).toBe(false);
    const calId = res.result!.calibrationId;
    expect(calId).not.toBe(before!.cal);
    const [after] = await h.db
      .select({ cal: modelVersions.currentCalibrationId })
      .from(modelVersions)
      .where(eq(modelVersions.id, v!));
    expect(after!.cal).toBe(calId);
    const [cal] = await h.db.select().from(calibrations).where(eq(calibrations.id, calId));
    expect(cal).toMatchObject({ modelVersionId: v, kind: "recalibration" });
    const m = cal!.metrics as {
      before: { ece: number; coverage: number };
      after: { ece: number; eceHeldOut: number | null; coverage: number };
    };
    expect(typeof m.before.ece).toBe("number");
    expect(typeof m.after.ece).toBe("number");
    // Also measured on items the refit did not see (2-fold), which an in-sample fit cannot flatter.
    expect(m.after.eceHeldOut).toBeGreaterThanOrEqual(0);
    expect(m.after.eceHeldOut).toBeLessThanOrEqual(1);
    const curve = (cal!.metrics as { curve?: { coverage: number; lowerBound: number }[] }).curve;
    expect(curve?.length).toBeGreaterThan(0);
    expect(curve!.every((c) => c.coverage > 0 && c.coverage <= 1 && c.lowerBound >= 0 && c.lowerBound <= 1)).toBe(true);
    console.log(
      `[measure] ${target.name}: recalibration ECE ${m.before.ece.toFixed(4)} -> ${m.after.ece.toFixed(4)} (held out ${m.after.eceHeldOut?.toFixed(4)}), coverage ${m.before.coverage.toFixed(3)} -> ${m.after.coverage.toFixed(3)}`,
    );
    const [ev] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, s.project.id), eq(auditEvents.action, "model.recalibrated")));
    expect(ev).toMatchObject({
      actorId: eng.id,
      before: { calibrationId: before!.cal },
      after: { calibrationId: calId },
    });
    // Rescoring under the new calibration keeps every auto label at or above its class threshold.
    await scoreProjectInline(h.db, { projectId: s.project.id, versionId: v!, calibrationId: calId });
    const loaded = await loadVersion(h.db, s.project.id, v!);
    const rows = await h.db
      .select({ categoryId: predictions.categoryId, confidence: predictions.confidence, source: labels.source })
      .from(predictions)
      .leftJoin(labels, eq(labels.itemId, predictions.itemId))
      .where(and(eq(predictions.modelVersionId, v!)));
    for (const r of rows)
      if (r.source === "auto") expect(clearsThreshold(thresholdFor(loaded, r.categoryId), r.confidence)).toBe(true);
  });
});
