/** The webhooks' part of the minute tick: announce label changes, then hand every due delivery to the queue. */
import type { Db } from "@/db/client";
import { dueDeliveries } from "./deliver";
import { dispatchWebhookDeliveries } from "./emit";
import { announceLabelChanges } from "./labels-changed";

export async function webhookTick(db: Db, now = new Date()): Promise<{ announced: number; dispatched: number }> {
  const announced = await announceLabelChanges(db);
  // New announcements are due at once, so they are among these; a duplicate job is a no-op (the claim).
  const due = await dueDeliveries(db, now);
  for (const d of due) await dispatchWebhookDeliveries(d.projectId, [d.deliveryId]);
  return { announced: announced.length, dispatched: due.length };
}
