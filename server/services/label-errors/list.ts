/**
 * Reading the suspects: the open ones, most suspect first, and per-day figures for
 * the dashboard. An open suspect counts only while its item still carries the label
 * it was flagged with (an import or an undo may have changed it since).
 */
import { and, count, desc, eq, gte, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "@/db/client";
import { categories, items, labels, labelSuspects } from "@/db/schema";

const s = labelSuspects;
const given = alias(categories, "given_category");
const suggested = alias(categories, "suggested_category");

const stillGiven = and(eq(labels.itemId, s.itemId), eq(labels.categoryId, s.givenCategoryId));
const openIn = (projectId: number) => and(eq(s.projectId, projectId), eq(s.status, "open"));

export type SuspectCursor = { score: number; id: number };
export type ListSuspectsInput = { projectId: number; limit: number; cursor?: SuspectCursor };

export type SuspectRow = {
  id: number;
  itemId: number;
  title: string;
  givenCategoryId: number;
  givenPath: string;
  suggestedCategoryId: number;
  suggestedPath: string;
  score: number;
  givenProbability: number;
  suggestedProbability: number;
  modelVersionId: number;
  createdAt: Date;
};

/** Open suspects by score (then id), both descending; `nextCursor` continues after the last one. */
export async function listSuspects(
  db: DbOrTx,
  p: ListSuspectsInput,
): Promise<{ suspects: SuspectRow[]; nextCursor: SuspectCursor | null }> {
  const where: (SQL | undefined)[] = [openIn(p.projectId)];
  if (p.cursor) where.push(sql`(${s.score}, ${s.id}) < (${p.cursor.score}, ${p.cursor.id})`);
  const rows = await db
    .select({
      id: s.id,
      itemId: s.itemId,
      title: items.title,
      givenCategoryId: s.givenCategoryId,
      givenPath: given.path,
      suggestedCategoryId: s.suggestedCategoryId,
      suggestedPath: suggested.path,
      score: s.score,
      givenProbability: s.givenProbability,
      suggestedProbability: s.suggestedProbability,
      modelVersionId: s.modelVersionId,
      createdAt: s.createdAt,
    })
    .from(s)
    .innerJoin(items, and(eq(items.id, s.itemId), eq(items.projectId, p.projectId)))
    .innerJoin(labels, stillGiven)
    .innerJoin(given, eq(given.id, s.givenCategoryId))
    .innerJoin(suggested, eq(suggested.id, s.suggestedCategoryId))
    .where(and(...where))
    .orderBy(desc(s.score), desc(s.id))
    .limit(p.limit);
  const last = rows.length === p.limit ? rows[rows.length - 1] : undefined;
  return { suspects: rows, nextCursor: last ? { score: last.score, id: last.id } : null };
}

export async function openSuspectCount(db: DbOrTx, p: { projectId: number }): Promise<number> {
  const [row] = await db.select({ n: count() }).from(s).innerJoin(labels, stillGiven).where(openIn(p.projectId));
  return row?.n ?? 0;
}

export type SuspectBucket = { bucket: string; found: number; confirmed: number; kept: number };
export type SuspectCountsInput = {
  projectId: number;
  from: Date;
  to: Date;
  /** UTC day or ISO week buckets, keyed 'YYYY-MM-DD' of their start, as the dashboard draws them. */
  bucket: "day" | "week";
  keys: string[];
};

const bucketOf = (c: SQL | typeof s.createdAt, bucket: "day" | "week") =>
  sql<string>`to_char(date_trunc(${sql.raw(`'${bucket}'`)}, ${c} at time zone 'UTC'), 'YYYY-MM-DD')`;

/**
 * Per bucket of [from, to): suspects found (created) in it, and those people
 * confirmed wrong or kept in it (by when they decided).
 */
export async function suspectCounts(db: DbOrTx, p: SuspectCountsInput): Promise<SuspectBucket[]> {
  const found = await db
    .select({ bucket: bucketOf(s.createdAt, p.bucket), n: count() })
    .from(s)
    .where(and(eq(s.projectId, p.projectId), gte(s.createdAt, p.from), lt(s.createdAt, p.to)))
    .groupBy(sql`1`);
  const resolved = await db
    .select({ bucket: bucketOf(sql`${s.resolvedAt}`, p.bucket), status: s.status, n: count() })
    .from(s)
    .where(
      and(eq(s.projectId, p.projectId), isNotNull(s.resolvedAt), gte(s.resolvedAt, p.from), lt(s.resolvedAt, p.to)),
    )
    .groupBy(sql`1`, s.status);
  const buckets = new Map(p.keys.map((k) => [k, { bucket: k, found: 0, confirmed: 0, kept: 0 }]));
  for (const r of found) {
    const b = buckets.get(r.bucket);
    if (b) b.found = r.n;
  }
  for (const r of resolved) {
    const b = buckets.get(r.bucket);
    if (b && (r.status === "confirmed" || r.status === "kept")) b[r.status] = r.n;
  }
  return [...buckets.values()];
}
