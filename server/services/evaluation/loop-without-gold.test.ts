/**
 * The loop on a catalogue as it really arrives: no test split, no labels.
 * People work through the queue; evaluation picks come at the automatic share,
 * become gold, later versions activate on their own, and auto-accept starts
 * once the gold set can certify the target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, count, eq } from "drizzle-orm";
import { labels, memberships, modelVersions } from "@/db/schema";
import { EVALUATION_RATES } from "@/lib/constants";
import { scoreProjectInline } from "@/server/services/scoring";
import { requestTraining, runTraining } from "@/server/services/training";
import { loadVersion } from "@/server/services/models";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { callerFor } from "@/test/factories";
import { makeSyntheticProject } from "@/test/model-fixtures";
import { key, setSettings } from "@/test/queue-fixtures";
import { getEvaluationStatus } from "./status";

describe.each(dbTargets())("the loop without imported gold on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  // Five training runs and rescores: minutes on a loaded 2-core machine.
  it(
    "builds gold from evaluation picks, activates later versions, and starts auto-accepting",
    { timeout: 300_000 },
    async () => {
      const s = await makeSyntheticProject(h.db, { pool: 900, gold: 0, labelled: 0 });
      const pid = s.project.id;
      await setSettings(h.db, pid, { evaluationRate: null, precisionTarget: 0.9, retrainEveryLabels: 0, auditRate: 0 });
      await h.db.insert(memberships).values({ projectId: pid, userId: s.user.id, role: "annotator" });
      const api = callerFor(h.db, s.user);
      const reasons = new Map<string, number>();
      // Slots and evaluation picks of the first two rounds (~240): nothing can be certified before their training, so building.
      const building = { slots: 0, evaluation: 0 };
      const activations: boolean[] = [];
      const refusals: string[] = [];
      for (let round = 0; round < 5; round++) {
        for (let done = 0; done < 120;) {
          const got = await api.queue.next({ projectId: pid, n: 20 });
          if (got.items.length === 0) break;
          for (const t of got.items) {
            reasons.set(t.pick.reason, (reasons.get(t.pick.reason) ?? 0) + 1);
            if (round < 2) {
              building.slots++;
              if (t.pick.reason === "evaluation") building.evaluation++;
            }
            await api.annotations.submit({
              projectId: pid,
              itemId: t.item.id,
              leaseToken: t.lease.token,
              idempotencyKey: key(),
              action: "correct",
              categoryId: s.truth.get(t.item.id)!,
              timeSpentMs: 500,
            });
            done++;
          }
        }
        const { versionId } = await requestTraining(h.db, { projectId: pid, trigger: "manual", actorId: null });
        const out = await runTraining(h.db, versionId, { epochs: 6 });
        expect(out.outcome).toBe("ready");
        activations.push(out.activated === true);
        if (!out.activated) {
          const [row] = await h.db
            .select({ metrics: modelVersions.metrics })
            .from(modelVersions)
            .where(eq(modelVersions.id, versionId));
          const gate = (row?.metrics as { gate?: { reason: string; evidence: { kind: string } } } | null)?.gate;
          console.log(`[measure] ${target.name}: round ${round} kept the active version: ${gate?.reason}`);
          refusals.push(gate?.evidence.kind ?? "unknown");
        }
        if (out.activated) {
          const v = await loadVersion(h.db, pid, versionId);
          await scoreProjectInline(h.db, { projectId: pid, versionId, calibrationId: v.calibrationId });
        }
      }
      const evalShare = building.evaluation / building.slots;
      console.log(
        `[measure] ${target.name}: picks ${JSON.stringify(Object.fromEntries(reasons))}, activations ${activations}`,
      );
      // The building share, as a binomial share of ~240 slots (±0.1 is over 3 standard deviations).
      expect(building.slots).toBeGreaterThan(200);
      expect(evalShare).toBeGreaterThan(EVALUATION_RATES.building - 0.1);
      expect(evalShare).toBeLessThan(EVALUATION_RATES.building + 0.1);
      // Later versions activate on their own. The gate may keep the active version once, on measured
      // evidence (a loss shown at 95% confidence, or automation that would stop), never for want of it.
      expect(activations[0], JSON.stringify(activations)).toBe(true);
      expect(activations.at(-1), JSON.stringify(activations)).toBe(true);
      expect(refusals.length, JSON.stringify(activations)).toBeLessThanOrEqual(1);
      for (const kind of refusals) expect(["gold", "held-out"]).toContain(kind);
      const versions = await h.db
        .select({ metrics: modelVersions.metrics })
        .from(modelVersions)
        .where(eq(modelVersions.projectId, pid))
        .orderBy(modelVersions.version);
      const last = versions.at(-1)!.metrics as { gate: { evidence: { kind: string } } };
      expect(last.gate.evidence.kind).toBe("gold");
      const status = await getEvaluationStatus(h.db, { projectId: pid });
      expect(status.gold.imported).toBe(0);
      expect(status.gold.fromEvaluation).toBe(reasons.get("evaluation"));
      expect(status.gold.fromEvaluation).toBeGreaterThanOrEqual(status.needed.perfectRecord);
      expect(status.blocking).toBeNull();
      const [auto] = await h.db
        .select({ n: count() })
        .from(labels)
        .where(and(eq(labels.projectId, pid), eq(labels.source, "auto")));
      expect(auto!.n).toBeGreaterThan(0);
    },
  );
});
