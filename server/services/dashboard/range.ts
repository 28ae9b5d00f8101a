/**
 * Date ranges for the dashboard: resolved on the server (an open start means
 * "since the project's first activity"), bucketed by UTC day, or by ISO week
 * when the range is long, so every chart has at most a few hundred points.
 */
import { eq, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, labels, projects } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { NotFoundError } from "@/server/errors";
import { MAX_DASHBOARD_RANGE_DAYS } from "@/server/schemas/dashboard";

export type Bucket = "day" | "week";
export type ResolvedRange = { from: Date; to: Date; bucket: Bucket; keys: string[] };

const DAY = 86_400_000;
/** Up to four months of daily bars; beyond that weekly ones stay readable. */
export const MAX_DAILY_SPAN_DAYS = 120;

export function bucketFor(from: Date, to: Date): Bucket {
  return to.getTime() - from.getTime() <= MAX_DAILY_SPAN_DAYS * DAY ? "day" : "week";
}

/** Start of the UTC day or ISO week (Monday) containing `d`: the same as Postgres' date_trunc in UTC. */
export function truncUtc(d: Date, bucket: Bucket): Date {
  // Not Date.UTC(y, m, d): it reads years 0-99 as 1900-1999.
  const midnight = new Date(d.getTime());
  midnight.setUTCHours(0, 0, 0, 0);
  const day = midnight.getTime();
  if (bucket === "day") return new Date(day);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY);
}

export function bucketKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Every bucket from the one containing `from` to the one containing the last instant before `to`. */
export function bucketKeys(from: Date, to: Date, bucket: Bucket): string[] {
  const step = bucket === "day" ? DAY : 7 * DAY;
  const keys: string[] = [];
  for (let t = truncUtc(from, bucket).getTime(); t < to.getTime(); t += step) keys.push(bucketKey(new Date(t)));
  return keys;
}

/** SQL text key of `column`'s bucket ('YYYY-MM-DD' of its UTC day or week start); text so both drivers agree. */
export function bucketSql(column: SQLWrapper, bucket: Bucket): SQL<string> {
  return sql<string>`to_char(date_trunc(${sql.raw(`'${bucket}'`)}, ${column} at time zone 'UTC'), 'YYYY-MM-DD')`;
}

/**
 * The range a dashboard query covers. Without `from`: the project's creation or its first
 * annotation or label, whichever is earlier (imported history can predate the project).
 */
export async function resolveRange(
  db: DbOrTx,
  p: { projectId: number; from?: Date; to?: Date },
  now = new Date(),
): Promise<ResolvedRange> {
  const to = p.to ?? now;
  const earliest = to.getTime() - MAX_DASHBOARD_RANGE_DAYS * DAY;
  // The schema refuses longer ranges; clamped here too so no caller can ask for millennia of buckets.
  let from = p.from && new Date(Math.max(p.from.getTime(), earliest));
  if (!from) {
    const a = tableAs(annotations, "a");
    const l = tableAs(labels, "l");
    // Nested fragments: drizzle writes the columns of a one-table select's own fields unqualified, which would drop the aliases.
    const firstAnnotation = sql`(select min(${a.t.createdAt}) from ${a.from} where ${a.t.projectId} = ${p.projectId})`;
    const firstLabel = sql`(select min(${l.t.updatedAt}) from ${l.from} where ${l.t.projectId} = ${p.projectId})`;
    const [row] = await db
      .select({
        // Epoch seconds: the drivers disagree on how they hand back a raw timestamptz.
        firstEpoch: sql<number>`extract(epoch from least(
          ${projects.createdAt},
          ${firstAnnotation},
          ${firstLabel}
        ))::float8`,
      })
      .from(projects)
      .where(eq(projects.id, p.projectId));
    if (!row) throw new NotFoundError("Project");
    from = new Date(Math.max(Number(row.firstEpoch) * 1000, earliest));
    // An empty project created "now" still gets one bucket to draw.
    if (from.getTime() >= to.getTime()) from = new Date(to.getTime() - DAY);
  }
  const bucket = bucketFor(from, to);
  return { from, to, bucket, keys: bucketKeys(from, to, bucket) };
}
