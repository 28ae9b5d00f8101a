/** Audited precision of auto-accepts: the share of audit decisions that kept the auto label. */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations } from "@/db/schema";
import { wilsonLower } from "@/ml";

/** Two-sided 95% Wilson interval from ml's one-sided bound at 97.5% on each side. */
export function wilsonInterval(k: number, n: number): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  return { lower: wilsonLower(k, n, 0.975), upper: 1 - wilsonLower(n - k, n, 0.975) };
}

export type AuditedPrecision = { n: number; accepted: number; precision: number | null; lower: number; upper: number };

/** Audits of `versionId`'s auto labels (optionally only those since `since`). Skips and undos are not verdicts. */
export async function auditedPrecision(db: DbOrTx, projectId: number, versionId: number, since?: Date): Promise<AuditedPrecision> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int`, accepted: sql<number>`(count(*) filter (where ${annotations.action} = 'accept'))::int` })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        eq(annotations.reason, "audit"),
        eq(annotations.modelVersionId, versionId),
        inArray(annotations.action, ["accept", "correct", "reject"]),
        since ? gte(annotations.createdAt, since) : undefined,
      ),
    );
  const n = r?.n ?? 0;
  const accepted = r?.accepted ?? 0;
  const ci = wilsonInterval(accepted, n);
  return { n, accepted, precision: n ? accepted / n : null, lower: ci.lower, upper: ci.upper };
}

export const MIN_AUDITS_FOR_BOUND = 5;
export const MIN_AUDITS_FOR_POINT = 20;

/**
 * The audit-failure rule: precision is shown to miss the target when the
 * upper end of the 95% Wilson interval is below it (at least 5 audits), or
 * when the point estimate is below it with at least 20 audits. The second arm
 * reacts sooner than the interval alone, at the cost of some false alarms,
 * which only cost review work: tightening is the safe direction.
 */
export function auditsFail(a: AuditedPrecision, target: number): boolean {
  if (a.n >= MIN_AUDITS_FOR_BOUND && a.upper < target) return true;
  return a.n >= MIN_AUDITS_FOR_POINT && a.precision !== null && a.precision < target;
}
