/** A stored decision sets off the retrain policy without waiting for the worker's tick. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { modelVersions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { settleFollowups } from "@/server/services/annotations/followups";
import { key, seedItems, seedProject } from "@/test/queue-fixtures";

describe.each(dbTargets())("decision follow-ups on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => {
    await settleFollowups();
    await h?.drop();
  });

  it("queues one training run once retrainEveryLabels human labels exist, and not before", async () => {
    const s = await seedProject(h.db, { roles: ["annotator"], settings: { retrainEveryLabels: 3 } });
    await seedItems(h.db, s.project.id, ["a", "b", "c", "d", "e"]);
    const caller = s.callers[0]!;
    const runs = () => h.db.select().from(modelVersions).where(eq(modelVersions.projectId, s.project.id));

    const { items } = await caller.queue.next({ projectId: s.project.id, n: 4 });
    expect(items).toHaveLength(4);
    for (const [i, it] of items.entries()) {
      await caller.annotations.submit({
        projectId: s.project.id,
        itemId: it.item.id,
        leaseToken: it.lease.token,
        idempotencyKey: key(),
        action: "correct",
        categoryId: s.categories[0]!.id,
        timeSpentMs: 900,
      });
      await settleFollowups();
      // Two labels: below the policy. The third crosses it; the fourth finds the run already queued.
      expect(await runs()).toHaveLength(i < 2 ? 0 : 1);
    }
    const [run] = await runs();
    expect(run).toMatchObject({ status: "queued", trigger: "initial" });
  });
});
