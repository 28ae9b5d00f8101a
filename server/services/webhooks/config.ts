/** How deliveries are made: the instance settings, overridable per call (tests, the worker's options). */
import { env } from "@/server/env";

export type DeliveryOptions = {
  /** Private, loopback, link-local and other non-public targets allowed (LOUPE_WEBHOOKS_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Wait before the 2nd attempt; each next one waits RETRY_FACTOR times longer (LOUPE_WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts: number;
  /** Whole request, connect to last byte. */
  timeoutMs: number;
};

export const RETRY_FACTOR = 5;
export const MAX_ATTEMPTS = 5;
export const REQUEST_TIMEOUT_MS = 10_000;
/** Kept of a receiver's answer: enough to see an error message, never the whole body. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export function deliveryOptions(over: Partial<DeliveryOptions> = {}): DeliveryOptions {
  const e = env();
  return {
    allowPrivate: e.LOUPE_WEBHOOKS_ALLOW_PRIVATE,
    retryBaseMs: e.LOUPE_WEBHOOK_RETRY_BASE_MS,
    maxAttempts: MAX_ATTEMPTS,
    timeoutMs: REQUEST_TIMEOUT_MS,
    ...over,
  };
}

/** Delay before attempt `attempts + 1`, after `attempts` failed ones: base, 5×base, 25×base, … */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return baseMs * RETRY_FACTOR ** Math.max(0, attempts - 1);
}
