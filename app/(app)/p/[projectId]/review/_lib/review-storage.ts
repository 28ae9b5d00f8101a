/**
 * The outbox, the undo history and the item on screen, kept in localStorage
 * per user and project, so a reload, a crash or an expired session loses
 * nothing. superjson keeps the Dates of the handoff context.
 */
import superjson from "superjson";
import { initialState } from "./review-state";
import type { ReviewState } from "./review-types";

const VERSION = 1;
/** A session idle this long starts a new "this session" count. */
const SESSION_IDLE_MS = 30 * 60_000;

type Persisted = Pick<ReviewState, "buffer" | "outbox" | "history" | "acked" | "undoLeases" | "session">;

export const storageKey = (userId: number, projectId: number) => `loupe.review.v${VERSION}.u${userId}.p${projectId}`;

export type ReviewStorage = { load: () => ReviewState | null; save: (s: ReviewState) => void; clear: () => void };

export function localReviewStorage(key: string, now: () => number = Date.now): ReviewStorage {
  return {
    load: () => {
      try {
        const raw = window.localStorage.getItem(key);
        if (!raw) return null;
        const p = superjson.parse<Persisted>(raw);
        if (!Array.isArray(p.buffer) || !Array.isArray(p.outbox) || !Array.isArray(p.history)) return null;
        const base = initialState(now());
        const last = p.session.decidedAt[p.session.decidedAt.length - 1] ?? p.session.startedAt;
        const session = now() - last > SESSION_IDLE_MS ? base.session : p.session;
        // In flight when the page went away: the idempotency key makes sending again safe.
        const outbox = p.outbox.map((o) => ({ ...o, state: "queued" as const }));
        return { ...base, buffer: p.buffer, outbox, history: p.history, acked: p.acked ?? {}, undoLeases: p.undoLeases ?? {}, session };
      } catch {
        return null;
      }
    },
    save: (s) => {
      const p: Persisted = { buffer: s.buffer, outbox: s.outbox, history: s.history, acked: s.acked, undoLeases: s.undoLeases, session: s.session };
      try {
        window.localStorage.setItem(key, superjson.stringify(p));
      } catch {
        // Quota or privacy mode: keep working in memory; the outbox still sends.
      }
    },
    clear: () => window.localStorage.removeItem(key),
  };
}
