/** The delivery log of a project's webhooks, and resending one delivery by hand. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { returned } from "@/db/rows";
import { webhookDeliveries } from "@/db/schema";
import type { WebhookDeliveryStatus } from "@/lib/constants";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { dispatchWebhookDeliveries } from "./emit";

export async function listDeliveries(
  db: Db,
  p: { projectId: number; webhookId?: number; status?: WebhookDeliveryStatus; cursor?: number; limit: number },
) {
  const where: SQL[] = [eq(webhookDeliveries.projectId, p.projectId)];
  if (p.webhookId) where.push(eq(webhookDeliveries.webhookId, p.webhookId));
  if (p.status) where.push(eq(webhookDeliveries.status, p.status));
  if (p.cursor) where.push(lt(webhookDeliveries.id, p.cursor));
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      webhookId: webhookDeliveries.webhookId,
      messageId: webhookDeliveries.messageId,
      eventType: webhookDeliveries.eventType,
      payload: webhookDeliveries.payload,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      responseExcerpt: webhookDeliveries.responseExcerpt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(p.limit + 1);
  const page = rows.slice(0, p.limit);
  return { deliveries: page, nextCursor: rows.length > p.limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Sends a delivery again from its first attempt, with the same message id (a receiver
 * that already has it can tell). A delivery still being retried is left to its schedule.
 */
export async function resendDelivery(db: Db, p: { projectId: number; actorId: number; deliveryId: number }) {
  const row = await db.transaction(async (tx) => {
    const [d] = await tx
      .select({ status: webhookDeliveries.status, webhookId: webhookDeliveries.webhookId })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, p.deliveryId), eq(webhookDeliveries.projectId, p.projectId)))
      .for("update");
    if (!d) throw new NotFoundError("Delivery");
    if (d.status === "pending") throw new ConflictError("This delivery is still being sent; wait for its last attempt");
    const rows = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: null, deliveredAt: null })
      .where(eq(webhookDeliveries.id, p.deliveryId))
      .returning({ id: webhookDeliveries.id, status: webhookDeliveries.status });
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: "webhook.resend",
      entityType: "webhook_delivery",
      entityId: p.deliveryId,
      before: { status: d.status },
      after: { status: "pending", webhookId: d.webhookId },
    });
    return returned(rows, "delivery");
  });
  await dispatchWebhookDeliveries(p.projectId, [row.id]);
  return row;
}
