import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, categories, labels, modelArtifactParts, modelVersions, predictions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { deserializeModel, sha256Hex } from "@/ml";
import { requestTraining } from "@/server/services/training/requests";
import { runTraining } from "@/server/services/training/run";
import { scoreProjectInline } from "@/server/services/scoring";
import { ARTIFACT_PART_BYTES, loadVersion, readArtifact } from "@/server/services/models";
import { thresholdFor, clearsThreshold } from "@/server/services/auto-accept";
import { makeSyntheticProject } from "@/test/model-fixtures";

describe.each(dbTargets())("training runs on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("trains, stores a verified artifact, activates the first version and scores the pool", async () => {
    const s = await makeSyntheticProject(h.db);
    const req = await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: s.user.id });
    const t0 = performance.now();
    const out = await runTraining(h.db, req.versionId, { epochs: 6 });
    const ms = performance.now() - t0;
    expect(out).toMatchObject({ outcome: "ready", activated: true });
    const [v] = await h.db.select().from(modelVersions).where(eq(modelVersions.id, req.versionId));
    expect(v!.status).toBe("ready");
    const artifact = (await readArtifact(h.db, req.versionId))!;
    // Stored in parts (one short statement each), not as one multi-megabyte value.
    const parts = await h.db
      .select()
      .from(modelArtifactParts)
      .where(eq(modelArtifactParts.modelVersionId, req.versionId));
    expect(parts).toHaveLength(Math.ceil(artifact.length / ARTIFACT_PART_BYTES));
    expect(v!.artifact).toBeNull();
    expect(await sha256Hex(artifact)).toBe(v!.artifactSha256);
    const summary = (v!.metrics as { summary: { accuracy: number } }).summary;
    expect(summary.accuracy).toBeGreaterThan(0.8);
    console.log(
      `[measure] ${target.name}: ${v!.labelCount} training labels, run ${Math.round(ms)} ms (train ${v!.trainMs} ms), gold accuracy ${summary.accuracy.toFixed(3)}, artifact ${artifact.length} bytes`,
    );
    // A flipped byte is refused.
    const bad = new Uint8Array(artifact);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    await expect(deserializeModel(bad, v!.artifactSha256!)).rejects.toThrow(/sha256/);
    // A foreign blob (e.g. the server's pre-ml "LPM1" format) is refused by name, even with its own sha256.
    const foreign = new Uint8Array([0x4c, 0x50, 0x4d, 0x31, 1, 0, 0, 0, 0x7b, 0x7d, 0, 0, 0, 0, 0, 0]);
    await expect(deserializeModel(foreign, await sha256Hex(foreign))).rejects.toThrow(/not a Loupe model blob/);

    const [p] = await h.db
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, s.project.id));
    expect(p!.active).toBe(req.versionId);
    const totals = await scoreProjectInline(h.db, {
      projectId: s.project.id,
      versionId: req.versionId,
      calibrationId: v!.currentCalibrationId,
    });
    expect(totals.scored).toBe(s.poolIds.length + s.goldIds.length);
    const preds = await h.db.select().from(predictions).where(eq(predictions.modelVersionId, req.versionId));
    expect(preds).toHaveLength(totals.scored);
    expect(preds[0]!.embedding!.length).toBeGreaterThan(0);
    // Paths have two levels: each prediction stores its most likely parent, summed over its categories.
    const pathOf = new Map(
      (await h.db.select({ id: categories.id, path: categories.path }).from(categories)).map((c) => [c.id, c.path]),
    );
    for (const x of preds) {
      expect(x.ancestors).toHaveLength(1);
      const parent = x.ancestors![0]!;
      expect(parent.prob).toBeGreaterThanOrEqual(x.confidence - 1e-6);
      expect(parent.prob).toBeLessThanOrEqual(1 + 1e-6);
      expect(pathOf.get(x.categoryId)!.split(" > ").length).toBe(2);
      expect(parent.path.includes(" > ")).toBe(false);
    }

    // Auto labels only above their class threshold, never on human/import labels.
    const loaded = await loadVersion(h.db, s.project.id, req.versionId);
    const auto = await h.db
      .select()
      .from(labels)
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "auto")));
    const byItem = new Map(preds.map((x) => [x.itemId, x]));
    for (const l of auto)
      expect(clearsThreshold(thresholdFor(loaded, l.categoryId!), byItem.get(l.itemId)!.confidence)).toBe(true);
    const humanCount = await h.db
      .select()
      .from(labels)
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "human")));
    expect(humanCount).toHaveLength(150);
    const events = await h.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.projectId, s.project.id));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["model.train_requested", "model.trained", "model.activate"]),
    );
    // Redelivery of the same job is a no-op.
    expect(await runTraining(h.db, req.versionId, { epochs: 6 })).toMatchObject({ outcome: "noop" });
  });
});
