/**
 * A project's webhook subscriptions (project admins). The signing secret is made here
 * and answered once, on creation (or rotation); lists never carry it.
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { returned } from "@/db/rows";
import { webhooks } from "@/db/schema";
import type { WebhookEvent } from "@/lib/constants";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { LABEL_CURSOR_START, labelChangesAfter } from "@/server/services/labels";
import { deliveryOptions } from "./config";
import { checkWebhookUrl } from "./url-guard";

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** At most this many live webhooks per project: each one multiplies every event's deliveries. */
export const MAX_WEBHOOKS_PER_PROJECT = 20;

const listed = {
  id: webhooks.id,
  url: webhooks.url,
  events: webhooks.events,
  description: webhooks.description,
  active: webhooks.active,
  createdAt: webhooks.createdAt,
  updatedAt: webhooks.updatedAt,
};

type Actor = { projectId: number; actorId: number };

/** Where labels.changed starts for a new subscriber: now (the pull API has everything before). */
async function labelsStart(db: DbOrTx, projectId: number): Promise<string> {
  return (await labelChangesAfter(db, { projectId, after: LABEL_CURSOR_START })).latest;
}

export async function createWebhook(
  db: Db,
  p: Actor & { url: string; events: WebhookEvent[]; description?: string | null },
  o: { allowPrivate?: boolean } = {},
) {
  const url = await checkWebhookUrl(p.url, { allowPrivate: o.allowPrivate ?? deliveryOptions().allowPrivate });
  const live = await listWebhooks(db, p);
  if (live.length >= MAX_WEBHOOKS_PER_PROJECT)
    throw new ConflictError(`A project has at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks: delete one first`);
  const secret = newWebhookSecret();
  const labelsCursor = p.events.includes("labels.changed") ? await labelsStart(db, p.projectId) : null;
  return db.transaction(async (tx) => {
    const rows = await tx
      .insert(webhooks)
      .values({
        projectId: p.projectId,
        url: url.toString(),
        secret,
        events: [...new Set(p.events)],
        description: p.description ?? null,
        labelsCursor,
        createdById: p.actorId,
      })
      .returning(listed);
    const row = returned(rows, "webhook");
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: "webhook.create",
      entityType: "webhook",
      entityId: row.id,
      after: { url: row.url, events: row.events, description: row.description },
    });
    return { ...row, secret };
  });
}

export async function listWebhooks(db: DbOrTx, p: { projectId: number }) {
  return db
    .select(listed)
    .from(webhooks)
    .where(and(eq(webhooks.projectId, p.projectId), isNull(webhooks.deletedAt)))
    .orderBy(asc(webhooks.id));
}

async function liveWebhook(db: DbOrTx, projectId: number, webhookId: number) {
  const [row] = await db
    .select({ ...listed, labelsCursor: webhooks.labelsCursor })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.projectId, projectId), isNull(webhooks.deletedAt)));
  if (!row) throw new NotFoundError("Webhook");
  return row;
}

export type WebhookChanges = {
  url?: string;
  events?: WebhookEvent[];
  description?: string | null;
  active?: boolean;
  /** A new secret, answered once; the old one stops signing at once. */
  rotateSecret?: boolean;
};

export async function updateWebhook(
  db: Db,
  p: Actor & WebhookChanges & { webhookId: number },
  o: { allowPrivate?: boolean } = {},
) {
  const before = await liveWebhook(db, p.projectId, p.webhookId);
  const url =
    p.url === undefined
      ? undefined
      : (await checkWebhookUrl(p.url, { allowPrivate: o.allowPrivate ?? deliveryOptions().allowPrivate })).toString();
  const events = p.events ? [...new Set(p.events)] : undefined;
  const startLabels = events?.includes("labels.changed") && !before.labelsCursor;
  const labelsCursor = startLabels ? await labelsStart(db, p.projectId) : undefined;
  const secret = p.rotateSecret ? newWebhookSecret() : undefined;
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(webhooks)
      .set({ url, events, description: p.description, active: p.active, labelsCursor, secret, updatedAt: new Date() })
      .where(and(eq(webhooks.id, p.webhookId), eq(webhooks.projectId, p.projectId), isNull(webhooks.deletedAt)))
      .returning(listed);
    const row = returned(rows, "webhook");
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: "webhook.update",
      entityType: "webhook",
      entityId: row.id,
      before: { url: before.url, events: before.events, description: before.description, active: before.active },
      after: { url: row.url, events: row.events, description: row.description, active: row.active, rotated: !!secret },
    });
    return { ...row, secret: secret ?? null };
  });
}

/** Soft delete: the delivery log stays readable in the audit trail's terms; nothing more is sent. */
export async function deleteWebhook(db: Db, p: Actor & { webhookId: number }) {
  const before = await liveWebhook(db, p.projectId, p.webhookId);
  return db.transaction(async (tx) => {
    await tx
      .update(webhooks)
      .set({ deletedAt: new Date(), active: false, updatedAt: new Date() })
      .where(and(eq(webhooks.id, p.webhookId), eq(webhooks.projectId, p.projectId)));
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: "webhook.delete",
      entityType: "webhook",
      entityId: p.webhookId,
      before: { url: before.url, events: before.events },
    });
    return { webhookId: p.webhookId, deleted: true };
  });
}
