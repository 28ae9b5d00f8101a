/**
 * labels.changed, batched: the tick compares each subscribed webhook's cursor with the
 * label change log and, when labels changed since, sends one message saying how many
 * and between which cursors, then moves the cursor on, in one transaction. A receiver
 * fetches the changes themselves from the pull API with `since`, so a message lost for
 * good never loses a change: the next one starts where the last one ended.
 */
import { and, arrayContains, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { LABEL_CURSOR_START, labelChangesAfter } from "@/server/services/labels";
import type { WebhookBody } from "./emit";

async function announceOne(db: Db, webhookId: number): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [w] = await tx
      .select({ projectId: webhooks.projectId, cursor: webhooks.labelsCursor })
      .from(webhooks)
      .where(and(eq(webhooks.id, webhookId), eq(webhooks.active, true), isNull(webhooks.deletedAt)))
      .for("update");
    if (!w) return null;
    if (!w.cursor) {
      // Subscribed without a starting point: start from now, as a new subscription does.
      const { latest } = await labelChangesAfter(tx, { projectId: w.projectId, after: LABEL_CURSOR_START });
      await tx.update(webhooks).set({ labelsCursor: latest }).where(eq(webhooks.id, webhookId));
      return null;
    }
    const changes = await labelChangesAfter(tx, { projectId: w.projectId, after: w.cursor });
    if (changes.count === 0) return null;
    const body: WebhookBody = {
      type: "labels.changed",
      timestamp: new Date().toISOString(),
      data: {
        projectId: w.projectId,
        count: changes.count,
        /** True when there are more than `count` (the count stops at a cap). */
        capped: changes.capped,
        since: w.cursor,
        until: changes.latest,
      },
    };
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({
        webhookId,
        projectId: w.projectId,
        // The same span is the same message, whoever announces it.
        messageId: `msg_labels_${webhookId}_${w.cursor}_${changes.latest}`,
        eventType: "labels.changed",
        payload: body,
      })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    await tx.update(webhooks).set({ labelsCursor: changes.latest }).where(eq(webhooks.id, webhookId));
    return row?.id ?? null;
  });
}

/** One pass over every webhook subscribed to labels.changed; returns the new deliveries to send. */
export async function announceLabelChanges(db: Db): Promise<{ projectId: number; deliveryId: number }[]> {
  const subscribed = await db
    .select({ id: webhooks.id, projectId: webhooks.projectId })
    .from(webhooks)
    .where(
      and(eq(webhooks.active, true), isNull(webhooks.deletedAt), arrayContains(webhooks.events, ["labels.changed"])),
    );
  const made: { projectId: number; deliveryId: number }[] = [];
  for (const w of subscribed) {
    const deliveryId = await announceOne(db, w.id);
    if (deliveryId !== null) made.push({ projectId: w.projectId, deliveryId });
  }
  return made;
}
