/**
 * Webhooks: a project's subscriptions, the outbox of deliveries written with the events
 * themselves, signed sending (Standard Webhooks) with retries, and the delivery log.
 */
export { createWebhook, deleteWebhook, listWebhooks, newWebhookSecret, updateWebhook } from "./subscriptions";
export type { WebhookChanges } from "./subscriptions";
export { dispatchWebhookDeliveries, emitWebhookEvent, sendProjectDeliveries } from "./emit";
export type { WebhookBody, WebhookEventInput } from "./emit";
export { attemptDelivery, dueDeliveries } from "./deliver";
export type { AttemptOutcome } from "./deliver";
export { listDeliveries, resendDelivery } from "./log";
export { announceLabelChanges } from "./labels-changed";
export { webhookTick } from "./tick";
export { deliveryOptions, type DeliveryOptions } from "./config";
export { checkWebhookUrl, refusedAddress } from "./url-guard";
export { sendWebhook, signatureHeaders } from "./send";
