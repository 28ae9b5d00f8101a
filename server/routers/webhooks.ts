/**
 * A project's webhooks (project admins). Browser sessions only for changes: a
 * subscription carries a signing secret and makes the server call out, so no API
 * token may create, redirect or resend one; reading the list and the log is "read".
 */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import {
  WebhookDeliveriesInput,
  WebhooksCreateInput,
  WebhooksDeleteInput,
  WebhooksListInput,
  WebhooksResendInput,
  WebhooksUpdateInput,
} from "../schemas/webhooks";
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  resendDelivery,
  updateWebhook,
} from "@/server/services/webhooks";

const admin = (scope: "read" | "session") => projectProcedure(CAN.manageWebhooks, scope);

export const webhooksRouter = router({
  list: admin("read")
    .input(WebhooksListInput)
    .query(({ ctx, input }) => listWebhooks(ctx.db, inProject(ctx, input))),

  /** `secret` is in this answer only (and in update's with rotateSecret). */
  create: admin("session")
    .input(WebhooksCreateInput)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, inProject(ctx, input))),

  update: admin("session")
    .input(WebhooksUpdateInput)
    .mutation(({ ctx, input }) => updateWebhook(ctx.db, inProject(ctx, input))),

  delete: admin("session")
    .input(WebhooksDeleteInput)
    .mutation(({ ctx, input }) => deleteWebhook(ctx.db, inProject(ctx, input))),

  deliveries: admin("read")
    .input(WebhookDeliveriesInput)
    .query(({ ctx, input }) => listDeliveries(ctx.db, inProject(ctx, input))),

  resend: admin("session")
    .input(WebhooksResendInput)
    .mutation(({ ctx, input }) => resendDelivery(ctx.db, inProject(ctx, input))),
});
