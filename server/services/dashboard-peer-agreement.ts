/**
 * Inter-annotator agreement from second opinions (overlap picks): each blind
 * second decision against the first person's label it was given on (kept in
 * the annotation's previous_label). Percent agreement with its 95% Wilson
 * interval, and Cohen's kappa, which discounts the agreement two people would
 * reach by chance given how often each picks each category; "none fits"
 * counts as a category of its own.
 */
import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations } from "@/db/schema";
import { wilsonLower } from "@/ml";
import type { ResolvedRange } from "./dashboard-range";

export type PeerAgreement = {
  pairs: number;
  agreed: number;
  rate: number | null;
  /** 95% Wilson interval of the rate. */
  interval: { lower: number; upper: number } | null;
  kappa: number | null;
};

export type Pair = { first: number | null; second: number | null };

export async function peerAgreement(db: DbOrTx, s: { projectId: number; range: ResolvedRange }): Promise<PeerAgreement> {
  const rows = await db
    .select({ first: sql<number | null>`(${annotations.previousLabel} ->> 'categoryId')::int`, second: annotations.categoryId })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, s.projectId),
        eq(annotations.reason, "overlap"),
        sql`${annotations.action} in ('accept', 'correct', 'reject')`,
        sql`${annotations.previousLabel} ->> 'source' = 'human'`,
        gte(annotations.createdAt, s.range.from),
        lt(annotations.createdAt, s.range.to),
        sql`not exists (select 1 from annotations u where u.project_id = ${s.projectId} and u.undoes_annotation_id = ${annotations.id})`,
      ),
    );
  return agreementOf(rows.map((r) => ({ first: r.first === null ? null : Number(r.first), second: r.second })));
}

export function agreementOf(pairs: Pair[]): PeerAgreement {
  const n = pairs.length;
  if (n === 0) return { pairs: 0, agreed: 0, rate: null, interval: null, kappa: null };
  const agreed = pairs.filter((p) => p.first === p.second).length;
  const po = agreed / n;
  // Chance agreement: the product of the two raters' category shares, summed over categories.
  const firsts = new Map<string, number>();
  const seconds = new Map<string, number>();
  for (const p of pairs) {
    firsts.set(String(p.first), (firsts.get(String(p.first)) ?? 0) + 1);
    seconds.set(String(p.second), (seconds.get(String(p.second)) ?? 0) + 1);
  }
  let pe = 0;
  for (const [k, c] of firsts) pe += (c / n) * ((seconds.get(k) ?? 0) / n);
  return {
    pairs: n,
    agreed,
    rate: po,
    interval: { lower: wilsonLower(agreed, n, 0.975), upper: 1 - wilsonLower(n - agreed, n, 0.975) },
    kappa: pe < 1 ? (po - pe) / (1 - pe) : null,
  };
}
