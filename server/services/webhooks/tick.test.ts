/** The tick's part: due deliveries are handed over again (a lost hand-off), finished ones are forgotten after 30 days. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { setJobSender } from "@/server/jobs/dispatch";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject } from "@/test/factories";
import { DELIVERY_RETENTION_DAYS, webhookTick } from "./tick";
import { newWebhookSecret } from "./subscriptions";

describe.each(dbTargets())("webhook tick on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => {
    setJobSender(null);
    await h?.drop();
  });

  it("re-sends due pending deliveries, leaves scheduled ones, prunes old finished ones hourly", async () => {
    const { project } = await makeProject(h.db);
    const [hook] = await h.db
      .insert(webhooks)
      .values({ projectId: project.id, url: "http://127.0.0.1:9/", secret: newWebhookSecret(), events: ["x"] })
      .returning({ id: webhooks.id });
    const now = new Date("2026-12-07T18:00:00Z");
    const old = new Date(now.getTime() - (DELIVERY_RETENTION_DAYS + 1) * 86_400_000);
    const row = (messageId: string, status: "pending" | "succeeded" | "failed", extra = {}) => ({
      webhookId: hook!.id,
      projectId: project.id,
      messageId,
      eventType: "model.activated",
      payload: {},
      status,
      ...extra,
    });
    await h.db
      .insert(webhookDeliveries)
      .values([
        row("due", "pending"),
        row("later", "pending", { nextAttemptAt: new Date(now.getTime() + 60_000) }),
        row("old-ok", "succeeded", { createdAt: old }),
        row("old-failed", "failed", { createdAt: old }),
        row("old-pending", "pending", { createdAt: old, nextAttemptAt: new Date(now.getTime() + 60_000) }),
        row("recent-ok", "succeeded"),
      ]);
    const sent: number[] = [];
    setJobSender(async (name, data) => {
      if (name === "webhook") sent.push((data as { deliveryId: number }).deliveryId);
    });
    const notOnTheHour = await webhookTick(h.db, new Date(now.getTime() + 60_000));
    expect(notOnTheHour.pruned).toBe(0);
    sent.length = 0;
    const res = await webhookTick(h.db, now);
    const left = await h.db
      .select({ m: webhookDeliveries.messageId })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.webhookId, hook!.id));
    expect(left.map((l) => l.m).sort()).toEqual(["due", "later", "old-pending", "recent-ok"]);
    expect(res.pruned).toBe(2);
    const due = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.messageId, "due"));
    expect(sent).toEqual([due[0]!.id]);
  });
});
