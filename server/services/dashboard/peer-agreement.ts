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
import { wilsonInterval } from "@/ml";
import type { ResolvedRange } from "./range";
import { standingSecondOpinion } from "@/server/services/labels";

export type PeerAgreement = {
  pairs: number;
  agreed: number;
  rate: number | null;
  /** 95% Wilson interval of the rate. */
  interval: { lower: number; upper: number } | null;
  kappa: number | null;
};

export type Pair = { first: number | null; second: number | null };
/** A pair with who gave each side (the first side's author is unknown for labels written without one). */
export type PeerPair = Pair & { firstUserId: number | null; secondUserId: number };

/** Standing second opinions in the range, each with the first label it was given on. */
export async function peerPairs(db: DbOrTx, s: { projectId: number; range: ResolvedRange }): Promise<PeerPair[]> {
  const rows = await db
    .select({
      first: sql<number | null>`(${annotations.previousLabel} ->> 'categoryId')::int`,
      firstUserId: sql<number | null>`(${annotations.previousLabel} ->> 'userId')::int`,
      second: annotations.categoryId,
      secondUserId: annotations.userId,
    })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, s.projectId),
        standingSecondOpinion(s.projectId, annotations),
        sql`${annotations.previousLabel} ->> 'source' = 'human'`,
        gte(annotations.createdAt, s.range.from),
        lt(annotations.createdAt, s.range.to),
      ),
    );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    first: num(r.first),
    firstUserId: num(r.firstUserId),
    second: r.second,
    secondUserId: r.secondUserId,
  }));
}

/** Per person: the pairs they took part in, on either side, and how many agreed. */
export function agreementByAnnotator(pairs: PeerPair[]): Map<number, { pairs: number; agreed: number }> {
  const out = new Map<number, { pairs: number; agreed: number }>();
  for (const p of pairs) {
    const agreed = p.first === p.second ? 1 : 0;
    for (const u of new Set([p.firstUserId, p.secondUserId])) {
      if (u === null) continue;
      const cur = out.get(u) ?? { pairs: 0, agreed: 0 };
      out.set(u, { pairs: cur.pairs + 1, agreed: cur.agreed + agreed });
    }
  }
  return out;
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
    interval: wilsonInterval(agreed, n),
    kappa: pe < 1 ? (po - pe) / (1 - pe) : null,
  };
}
