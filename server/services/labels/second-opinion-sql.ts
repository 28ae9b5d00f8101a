/**
 * Second opinions: a decision given, blind, on an overlap pick of an item a
 * colleague already decided. It is recorded for agreement and leaves the first
 * person's label as it is. One definition of "a second opinion that stands"
 * for the queue, the batch grid's disputes and the agreement figures.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { annotations } from "@/db/schema";
import { tableAs } from "@/db/sql";

type AnnotationRef = { id: AnyPgColumn; reason: AnyPgColumn; action: AnyPgColumn };

/** The annotations row `a` (the table or an alias of it) is a second opinion that stands: decided on an overlap pick, not undone. */
export function standingSecondOpinion(projectId: number, a: AnnotationRef): SQL {
  const u = tableAs(annotations, "su");
  return sql`${a.reason} = 'overlap' and ${a.action} in ('accept', 'correct', 'reject')
    and not exists (select 1 from ${u.from} where ${u.t.projectId} = ${projectId} and ${u.t.undoesAnnotationId} = ${a.id})`;
}

/** A second opinion on the item stands (one per item). */
export function secondOpinionGiven(projectId: number, itemId: SQL | AnyPgColumn): SQL {
  const so = tableAs(annotations, "so");
  return sql`exists (
    select 1 from ${so.from} where ${so.t.projectId} = ${projectId} and ${so.t.itemId} = ${itemId}
      and ${standingSecondOpinion(projectId, so.t)}
  )`;
}

type LabelRef = { source: AnyPgColumn; updatedAt: AnyPgColumn; categoryId: AnyPgColumn };

/**
 * The item's human label `label` is contradicted by a standing second opinion
 * given since it was set; a newer human label (a reviewer settling it) clears it.
 */
export function disputedLabel(projectId: number, itemId: SQL | AnyPgColumn, label: LabelRef): SQL<boolean> {
  const so = tableAs(annotations, "so");
  return sql<boolean>`(${label.source} = 'human' and exists (
    select 1 from ${so.from}
    where ${so.t.projectId} = ${projectId} and ${so.t.itemId} = ${itemId} and ${standingSecondOpinion(projectId, so.t)}
      and ${so.t.createdAt} >= ${label.updatedAt} and ${so.t.categoryId} is distinct from ${label.categoryId}
  ))`;
}
