/**
 * The webhooks' part of the minute tick: announce label changes, hand every due delivery
 * to the queue, and forget finished deliveries after DELIVERY_RETENTION_DAYS.
 */
import { and, inArray, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { dueDeliveries } from "./deliver";
import { dispatchWebhookDeliveries } from "./emit";
import { announceLabelChanges } from "./labels-changed";

/** How long the log keeps a delivery that succeeded or failed for good. */
export const DELIVERY_RETENTION_DAYS = 30;

export async function webhookTick(
  db: Db,
  now = new Date(),
): Promise<{ announced: number; dispatched: number; pruned: number }> {
  const announced = await announceLabelChanges(db);
  // New announcements are due at once, so they are among these; a duplicate job is a no-op (the claim).
  const due = await dueDeliveries(db, now);
  for (const d of due) await dispatchWebhookDeliveries(d.projectId, [d.deliveryId]);
  // Hourly is enough, and keeps the scan of finished deliveries off every minute.
  if (now.getUTCMinutes() !== 0) return { announced: announced.length, dispatched: due.length, pruned: 0 };
  const pruned = await db
    .delete(webhookDeliveries)
    .where(
      and(
        inArray(webhookDeliveries.status, ["succeeded", "failed"]),
        lt(webhookDeliveries.createdAt, new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000)),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return { announced: announced.length, dispatched: due.length, pruned: pruned.length };
}
