/**
 * Pool rescoring is cut into id ranges (SCORE_BATCH ids per job), so several
 * workers share it and a retried job redoes one range, not the pool.
 */
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { items } from "@/db/schema";
import { dispatchJob, type JobData } from "@/server/jobs/dispatch";

/**
 * 5,000: per-job costs (version and calibration reads, the auto-accept statements, a pg-boss round trip) are paid 4–5
 * times per 22k-item pool instead of 11, while a pool still spreads over several workers.
 */
export const SCORE_BATCH = 5000;

export type ScoreRange = JobData["score"];

export async function scoringRanges(
  db: DbOrTx,
  p: { projectId: number; versionId: number; calibrationId: number | null },
): Promise<ScoreRange[]> {
  const [b] = await db
    .select({ lo: sql<number | null>`min(${items.id})`, hi: sql<number | null>`max(${items.id})` })
    .from(items)
    .where(eq(items.projectId, p.projectId));
  if (b?.lo == null || b.hi == null) return [];
  const out: ScoreRange[] = [];
  for (let from = Number(b.lo); from <= Number(b.hi); from += SCORE_BATCH)
    out.push({ ...p, fromId: from, toId: Math.min(Number(b.hi), from + SCORE_BATCH - 1) });
  return out;
}

/** Sends one score job per range; returns the ranges (tests and the CLI run them inline). */
export async function planScoring(
  db: DbOrTx,
  p: { projectId: number; versionId: number; calibrationId: number | null },
): Promise<ScoreRange[]> {
  const ranges = await scoringRanges(db, p);
  for (const r of ranges) await dispatchJob("score", r);
  return ranges;
}
