/**
 * Pool rescoring is cut into id ranges (SCORE_BATCH ids per job), so several
 * workers share it and a retried job redoes one range, not the pool.
 */
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { items } from "@/db/schema";
import { dispatchJob, type JobData } from "@/server/jobs/dispatch";

/**
 * 2,000: a range's auto-accept is one transaction, and on PGlite a transaction holds the one
 * connection every request of the demo shares (5,000 held it for ~0.45 s); per-job costs
 * (version and calibration reads, a pg-boss round trip) stay small beside a range's scoring.
 */
export const SCORE_BATCH = 2000;

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
