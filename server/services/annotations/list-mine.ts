/** The session progress widget: my recent decisions, today's count and my pace per hour. */
import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, categories, items } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { startOfLocalDay, type ClientZone } from "@/lib/time";

const HOUR_MS = 3_600_000;
/** The pace chart covers the last this-many hours. */
export const PACE_HOURS = 12;

export type MyDecisions = {
  today: number;
  perHour: { hourStart: Date; count: number }[];
  recent: {
    annotationId: number;
    itemId: number;
    title: string;
    action: string;
    categoryId: number | null;
    categoryPath: string | null;
    undone: boolean;
    createdAt: Date;
  }[];
};

const un = tableAs(annotations, "un");
const undone = sql<boolean>`exists (select 1 from ${un.from} where ${un.t.undoesAnnotationId} = ${annotations.id})`;

export type ListMyDecisionsInput = ClientZone & { projectId: number; actorId: number; limit: number; now?: Date };

export async function listMyDecisions(db: DbOrTx, p: ListMyDecisionsInput): Promise<MyDecisions> {
  const mine = and(eq(annotations.projectId, p.projectId), eq(annotations.userId, p.actorId));
  const recent = await db
    .select({
      annotationId: annotations.id,
      itemId: annotations.itemId,
      title: items.title,
      action: annotations.action,
      categoryId: annotations.categoryId,
      categoryPath: categories.path,
      undone,
      createdAt: annotations.createdAt,
    })
    .from(annotations)
    .innerJoin(items, and(eq(items.id, annotations.itemId), eq(items.projectId, p.projectId)))
    .leftJoin(categories, eq(categories.id, annotations.categoryId))
    .where(and(mine, sql`${annotations.action} <> 'undo'`))
    .orderBy(desc(annotations.id))
    .limit(p.limit);
  const now = p.now ?? new Date();
  const paceFrom = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - (PACE_HOURS - 1) * HOUR_MS);
  const dayStart = startOfLocalDay(now, p);
  const since = dayStart < paceFrom ? dayStart : paceFrom;
  // Decisions only (skips and undos are not work done), minus undone ones.
  const times = await db
    .select({ createdAt: annotations.createdAt })
    .from(annotations)
    .where(
      and(
        mine,
        gte(annotations.createdAt, since),
        sql`${annotations.action} in ('accept', 'correct', 'reject') and not ${undone}`,
      ),
    );
  const perHour = Array.from({ length: PACE_HOURS }, (_, i) => ({
    hourStart: new Date(paceFrom.getTime() + i * HOUR_MS),
    count: 0,
  }));
  let today = 0;
  for (const t of times) {
    if (t.createdAt >= dayStart) today++;
    const slot = perHour[Math.floor((t.createdAt.getTime() - paceFrom.getTime()) / HOUR_MS)];
    if (slot) slot.count++;
  }
  return { today, perHour, recent };
}
