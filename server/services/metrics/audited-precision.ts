/** Audited precision of auto-accepts: the share of audit decisions that kept the auto label. */
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations } from "@/db/schema";
import { wilsonInterval } from "@/ml";

export type AuditedPrecision = { n: number; accepted: number; precision: number | null; lower: number; upper: number };

/** Audits of `versionId`'s auto labels (optionally only those since `since`). Skips and undos are not verdicts. */
export async function auditedPrecision(
  db: DbOrTx,
  projectId: number,
  versionId: number,
  since?: Date,
): Promise<AuditedPrecision> {
  const [r] = await db
    .select({
      n: sql<number>`count(*)::int`,
      accepted: sql<number>`(count(*) filter (where ${annotations.action} = 'accept'))::int`,
    })
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
