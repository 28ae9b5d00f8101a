/**
 * Sending a delivery: claim it, post it signed, record the attempt, and either finish
 * it or schedule the next attempt with exponential backoff. At least once: a claim is
 * a lease (a worker that dies mid-send leaves it to the tick after the lease), and the
 * message id stays the same on every attempt so the receiver can drop repeats.
 */
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { dispatchJob } from "@/server/jobs/dispatch";
import { deliveryOptions, retryDelayMs, type DeliveryOptions } from "./config";
import { sendWebhook } from "./send";

/** How long a claimed attempt keeps others off: the request's deadline and a margin. */
const leaseMs = (o: DeliveryOptions) => o.timeoutMs + 30_000;

async function claim(db: Db, deliveryId: number, o: DeliveryOptions) {
  const now = new Date();
  const [row] = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs(o)) })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, "pending"),
        or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now)),
      ),
    )
    .returning({
      webhookId: webhookDeliveries.webhookId,
      projectId: webhookDeliveries.projectId,
      messageId: webhookDeliveries.messageId,
      payload: webhookDeliveries.payload,
      attempts: webhookDeliveries.attempts,
    });
  return row ?? null;
}

export type AttemptOutcome = "succeeded" | "retrying" | "failed" | "skipped";

/** One attempt of one delivery; a no-op ("skipped") when it is not pending or not yet due. */
export async function attemptDelivery(
  db: Db,
  deliveryId: number,
  over: Partial<DeliveryOptions> = {},
): Promise<AttemptOutcome> {
  const o = deliveryOptions(over);
  const d = await claim(db, deliveryId, o);
  if (!d) return "skipped";
  const [hook] = await db
    .select({ url: webhooks.url, secret: webhooks.secret, active: webhooks.active, deletedAt: webhooks.deletedAt })
    .from(webhooks)
    .where(eq(webhooks.id, d.webhookId));
  const attempts = d.attempts + 1;
  const now = new Date();
  if (!hook || hook.deletedAt || !hook.active) {
    await record(db, deliveryId, {
      status: "failed",
      attempts: d.attempts,
      lastError: "The webhook was disabled or deleted",
    });
    return "failed";
  }
  const res = await sendWebhook(
    hook.url,
    { messageId: d.messageId, body: JSON.stringify(d.payload), secret: hook.secret },
    { allowPrivate: o.allowPrivate, timeoutMs: o.timeoutMs },
  );
  const common = {
    attempts,
    lastAttemptAt: now,
    lastStatusCode: res.statusCode,
    responseExcerpt: res.excerpt,
  };
  if (res.ok) {
    await record(db, deliveryId, { ...common, status: "succeeded", lastError: null, deliveredAt: new Date() });
    return "succeeded";
  }
  if (attempts >= o.maxAttempts) {
    await record(db, deliveryId, { ...common, status: "failed", lastError: res.error });
    return "failed";
  }
  const next = new Date(Date.now() + retryDelayMs(attempts, o.retryBaseMs));
  await record(db, deliveryId, { ...common, status: "pending", lastError: res.error, nextAttemptAt: next });
  await dispatchJob("webhook", { projectId: d.projectId, deliveryId, notBeforeMs: next.getTime() });
  return "retrying";
}

type Attempt = Partial<typeof webhookDeliveries.$inferInsert> & { status: "pending" | "succeeded" | "failed" };

async function record(db: Db, deliveryId: number, a: Attempt) {
  const nextAttemptAt = a.status === "pending" ? a.nextAttemptAt : null;
  await db
    .update(webhookDeliveries)
    .set({ ...a, nextAttemptAt })
    .where(eq(webhookDeliveries.id, deliveryId));
}

/** The tick's repair: pending deliveries that are due (a lost hand-off, a dead worker's lease). */
export async function dueDeliveries(db: Db, now = new Date(), limit = 500) {
  return db
    .select({ projectId: webhookDeliveries.projectId, deliveryId: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        or(isNull(webhookDeliveries.nextAttemptAt), lte(webhookDeliveries.nextAttemptAt, now)),
      ),
    )
    .orderBy(sql`${webhookDeliveries.id}`)
    .limit(limit);
}
