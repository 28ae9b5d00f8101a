/** A catalogue imported with no test split still gets its retrained versions activated, on evidence both share. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { labels, modelVersions, projects } from "@/db/schema";
import { requestTraining, runTraining } from "@/server/services/training";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeSyntheticProject } from "@/test/model-fixtures";
import type { GateDecision } from "./gate";

describe.each(dbTargets())("activation without gold on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("activates a retrained version on held-out items neither version was trained on, and records that evidence", async () => {
    const s = await makeSyntheticProject(h.db, { pool: 500, gold: 0, labelled: 200 });
    const train = async () => {
      const { versionId } = await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: null });
      return { versionId, out: await runTraining(h.db, versionId, { epochs: 6 }) };
    };
    const v1 = await train();
    expect(v1.out).toMatchObject({ outcome: "ready", activated: true });
    // People label 200 more items after version 1 was trained.
    await h.db.insert(labels).values(
      s.poolIds.slice(200, 400).map((itemId) => ({
        itemId,
        projectId: s.project.id,
        categoryId: s.truth.get(itemId)!,
        source: "human" as const,
        userId: s.user.id,
      })),
    );
    const v2 = await train();
    const [row] = await h.db
      .select({ metrics: modelVersions.metrics })
      .from(modelVersions)
      .where(eq(modelVersions.id, v2.versionId));
    const gate = row!.metrics!.gate as GateDecision;
    console.log(`[measure] ${target.name}: no-gold gate: ${gate.reason}`);
    expect(gate.evidence.kind).toBe("held-out");
    expect(gate.evidence.n).toBeGreaterThanOrEqual(20);
    expect(gate.passed).toBe(true);
    expect(v2.out).toMatchObject({ outcome: "ready", activated: true });
    const [p] = await h.db
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, s.project.id));
    expect(p!.active).toBe(v2.versionId);
  });
});
