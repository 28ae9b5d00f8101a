/** Inputs of the webhook procedures. */
import { z } from "zod";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENTS } from "@/lib/constants";
import { Cursor, Id, Limit, ProjectId } from "./common";

const Url = z.string().trim().min(1, "Enter the receiver's URL").max(2000);
const Events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, "Pick at least one event")
  .max(WEBHOOK_EVENTS.length)
  .refine((e) => new Set(e).size === e.length, "Each event at most once");
const Description = z.string().trim().max(200).nullable();

export const WebhooksListInput = z.object({ projectId: ProjectId });

export const WebhooksCreateInput = z.object({
  projectId: ProjectId,
  url: Url,
  events: Events,
  description: Description.optional(),
});

export const WebhooksUpdateInput = z.object({
  projectId: ProjectId,
  webhookId: Id,
  url: Url.optional(),
  events: Events.optional(),
  description: Description.optional(),
  active: z.boolean().optional(),
  rotateSecret: z.boolean().optional(),
});

export const WebhooksDeleteInput = z.object({ projectId: ProjectId, webhookId: Id });

export const WebhookDeliveriesInput = z.object({
  projectId: ProjectId,
  webhookId: Id.optional(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  cursor: Cursor,
  limit: Limit,
});

export const WebhooksResendInput = z.object({ projectId: ProjectId, deliveryId: Id });
