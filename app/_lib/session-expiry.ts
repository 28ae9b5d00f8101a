/**
 * A tiny store: set when any call comes back UNAUTHORIZED inside the app, so the
 * shell can offer "log in again" without navigating away from unsaved work.
 */
type Listener = () => void;
let expired = false;
const listeners = new Set<Listener>();

export function reportSessionExpired(): void {
  if (expired) return;
  expired = true;
  for (const l of listeners) l();
}

export function clearSessionExpired(): void {
  if (!expired) return;
  expired = false;
  for (const l of listeners) l();
}

export function subscribeSessionExpired(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isSessionExpired(): boolean {
  return expired;
}
