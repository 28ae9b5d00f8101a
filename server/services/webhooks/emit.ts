/**
 * The outbox: an event becomes one delivery row per live webhook of the project that
 * subscribed to it, written in the transaction of the change itself, so a change that
 * commits is announced and one that rolls back is not. After the commit the caller
 * hands the project's due rows to the job queue (`sendProjectDeliveries`); a lost
 * hand-off is repaired by the minute tick, which sends every due pending delivery.
 */
import { randomBytes } from "node:crypto";
import { and, arrayContains, eq, isNull, lte, or } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import type { WebhookEvent } from "@/lib/constants";
import { dispatchJob } from "@/server/jobs/dispatch";

/** The body every receiver gets (Standard Webhooks' recommended shape). */
export type WebhookBody = { type: WebhookEvent; timestamp: string; data: Record<string, unknown> };

/** A message id: the receiver's idempotency key, the same on every attempt of one message. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

export type WebhookEventInput = { projectId: number; type: WebhookEvent; data: Record<string, unknown> };

/** Call inside the transaction of the change (then `sendProjectDeliveries` after the commit); returns the delivery ids. */
export async function emitWebhookEvent(tx: DbOrTx, e: WebhookEventInput): Promise<number[]> {
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.projectId, e.projectId),
        eq(webhooks.active, true),
        isNull(webhooks.deletedAt),
        arrayContains(webhooks.events, [e.type]),
      ),
    );
  if (targets.length === 0) return [];
  // One message id per event: a receiver subscribed twice sees the same event as the same message.
  const messageId = newMessageId();
  const body: WebhookBody = {
    type: e.type,
    timestamp: new Date().toISOString(),
    data: { projectId: e.projectId, ...e.data },
  };
  const rows = await tx
    .insert(webhookDeliveries)
    .values(
      targets.map((t) => ({ webhookId: t.id, projectId: e.projectId, messageId, eventType: e.type, payload: body })),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.map((r) => r.id);
}

/** After the commit: one send job per delivery (best effort; the tick repairs a lost one). */
export async function dispatchWebhookDeliveries(projectId: number, deliveryIds: readonly number[]): Promise<void> {
  for (const deliveryId of deliveryIds) await dispatchJob("webhook", { projectId, deliveryId });
}

/**
 * After the commit of a change that emitted events: hands the project's due pending
 * deliveries to the job queue. Never throws: the change is done, and the tick repairs.
 */
export async function sendProjectDeliveries(db: Db, projectId: number): Promise<void> {
  try {
    const now = new Date();
    const due = await db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.projectId, projectId),
          eq(webhookDeliveries.status, "pending"),
          or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now)),
        ),
      )
      .limit(200);
    await dispatchWebhookDeliveries(
      projectId,
      due.map((d) => d.id),
    );
  } catch (err) {
    console.error(`[webhooks] could not hand project ${projectId}'s deliveries to the queue:`, err);
  }
}
