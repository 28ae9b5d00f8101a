/**
 * Which API token the current request acts through, so every audit event it
 * records names the token. Carried in AsyncLocalStorage rather than through
 * every verb's input: the verbs (and their raw-SQL audit inserts) stay the same
 * for a browser session and a token, and no verb can forget to pass it on.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const acting = new AsyncLocalStorage<{ apiTokenId: number }>();

/** Runs `fn` (a whole procedure call) as acting through the token `apiTokenId`. */
export function withApiToken<T>(apiTokenId: number, fn: () => T): T {
  return acting.run({ apiTokenId }, fn);
}

/** The token the current call acts through, or null for a session, a job or the command line. */
export function currentApiTokenId(): number | null {
  return acting.getStore()?.apiTokenId ?? null;
}
