/**
 * Gold made by people in the queue. An evaluation pick is a uniform random
 * pool item; the decision on it measures the model, so the item is never
 * trained on. It counts as gold once its human label stands: at once when one
 * person decides, or, when the project asks for two (overlapRate > 0), once a
 * second opinion agrees or a reviewer has settled a disagreement.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { annotations } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { disputedLabel, secondOpinionGiven } from "@/server/services/labels";

type ItemRef = SQL | AnyPgColumn;
type LabelRef = { source: AnyPgColumn; updatedAt: AnyPgColumn; categoryId: AnyPgColumn };

/** Someone's decision on an evaluation pick of the item stands (it was not undone). */
export function evaluatedItem(projectId: number, itemId: ItemRef): SQL<boolean> {
  const ev = tableAs(annotations, "ev");
  const un = tableAs(annotations, "evu");
  return sql<boolean>`exists (
    select 1 from ${ev.from}
    where ${ev.t.projectId} = ${projectId} and ${ev.t.itemId} = ${itemId} and ${ev.t.reason} = 'evaluation'
      and ${ev.t.action} in ('accept', 'correct', 'reject')
      and not exists (select 1 from ${un.from} where ${un.t.projectId} = ${projectId} and ${un.t.undoesAnnotationId} = ${ev.t.id})
  )`;
}

/** The evaluated item's label is gold: human, and agreed or settled when two people must decide. */
export function evaluationGold(
  projectId: number,
  itemId: ItemRef,
  label: LabelRef,
  requireAgreement: boolean,
): SQL<boolean> {
  const agreed = requireAgreement
    ? sql`and ${secondOpinionGiven(projectId, itemId)} and not ${disputedLabel(projectId, itemId, label)}`
    : sql``;
  return sql<boolean>`(${label.source} = 'human' and ${evaluatedItem(projectId, itemId)} ${agreed})`;
}

/** An evaluated item still waiting for the second person's decision. */
export function awaitingSecondOpinion(projectId: number, itemId: ItemRef, label: LabelRef): SQL<boolean> {
  return sql<boolean>`(${label.source} = 'human' and ${evaluatedItem(projectId, itemId)}
    and not ${secondOpinionGiven(projectId, itemId)})`;
}
