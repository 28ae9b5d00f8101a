/**
 * A running training run's sign of life: its row's heartbeat_at, set to the database's clock (so
 * workers on hosts with skewed clocks agree) from a timer, whatever phase the run is in (reading
 * the snapshot, an epoch in the compute thread, evaluation, storing the artifact). A run whose
 * beat is older than the stale threshold is failed by any worker's check (failStaleRuns).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { modelVersions } from "@/db/schema";

/** Six beats per stale threshold: one late or lost write never makes a live run look dead. */
export function heartbeatEvery(staleRunMs: number): number {
  return Math.max(250, Math.floor(staleRunMs / 6));
}

export const dbNow = sql`now()`;

/** Starts beating; the returned function stops (and waits for a write in flight). */
export function startHeartbeat(db: Db, versionId: number, everyMs: number): () => Promise<void> {
  let inFlight: Promise<unknown> | null = null;
  const beat = () => {
    if (inFlight) return; // a slow database: never pile writes up
    inFlight = db
      .update(modelVersions)
      .set({ heartbeatAt: dbNow })
      .where(and(eq(modelVersions.id, versionId), eq(modelVersions.status, "training")))
      .catch((err) => console.error("[train] heartbeat write failed:", err))
      .finally(() => (inFlight = null));
  };
  const timer = setInterval(beat, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
