/**
 * Asking for a recalibration. It goes to the worker when one runs; with none
 * (the worker off, a test) it is cheap enough to run in the request itself.
 */
import type { Db } from "@/db/client";
import { dispatchJob } from "@/server/jobs/dispatch";
import { recalibrate } from "./recalibrate";

export type RequestRecalibrationInput = { projectId: number; actorId: number };

export async function requestRecalibration(db: Db, p: RequestRecalibrationInput) {
  const job = { projectId: p.projectId, reason: "manual" as const, actorId: p.actorId };
  if (await dispatchJob("recalibrate", job)) return { queued: true, result: null };
  return { queued: false, result: await recalibrate(db, job) };
}
