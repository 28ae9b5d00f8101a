/** What a single decision sets: the suggestion it was shown and the category it chooses, checked live. */
import { and, eq, or, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { categories, labels, predictions, projects, type PreviousLabel } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { ValidationError } from "@/server/errors";
import {
  checkLiveCategories,
  requireLiveCategories,
  type CategoryRow,
  type DecisionAction,
  type Suggestion,
} from "./decision-shared";

export type SubmitAnnotationInput = {
  projectId: number;
  actorId: number;
  itemId: number;
  leaseToken: string;
  idempotencyKey: string;
  action: DecisionAction;
  categoryId?: number;
  timeSpentMs: number;
  /** The model version whose suggestion was on screen. */
  modelVersionId?: number;
};

export type Decision = Awaited<ReturnType<typeof resolveDecision>>;

/** An audit shows the auto label under review, so "accept" confirms that label (even if a newer model would now suggest something else). */
export function auditedSuggestion(audited: PreviousLabel | null): Suggestion | null {
  return audited?.source === "auto" && audited.categoryId !== null
    ? {
        categoryId: audited.categoryId,
        confidence: audited.confidence ?? null,
        modelVersionId: audited.modelVersionId ?? null,
      }
    : null;
}

/**
 * The categories the decision can set, read with the lease: the corrected
 * one, the item's prediction (given or active version) and its current label.
 */
export function decisionCategories(tx: Tx, p: SubmitAnnotationInput): Promise<CategoryRow[]> {
  if (p.action !== "accept" && p.action !== "correct") return Promise.resolve([]);
  const version =
    p.modelVersionId ??
    sql`(select ${projects.activeModelVersionId} from ${projects} where ${projects.id} = ${p.projectId})`;
  const pr = tableAs(predictions, "pr");
  const lb = tableAs(labels, "lb");
  return tx
    .select({ id: categories.id, path: categories.path, deletedAt: categories.deletedAt })
    .from(categories)
    .where(
      and(
        eq(categories.projectId, p.projectId),
        or(
          p.categoryId === undefined ? undefined : eq(categories.id, p.categoryId),
          sql`${categories.id} in (select ${pr.t.categoryId} from ${pr.from}
            where ${pr.t.projectId} = ${p.projectId} and ${pr.t.itemId} = ${p.itemId}
            and ${pr.t.modelVersionId} = ${version})`,
          sql`${categories.id} in (select ${lb.t.categoryId} from ${lb.from}
            where ${lb.t.projectId} = ${p.projectId} and ${lb.t.itemId} = ${p.itemId})`,
        ),
      ),
    );
}

/** Checked on the rows read with the lease; a category not among them (changed meanwhile) is looked up as before. */
async function requireLive(tx: Tx, p: SubmitAnnotationInput, id: number, cats: CategoryRow[]): Promise<void> {
  if (cats.some((c) => c.id === id)) checkLiveCategories(cats, [id]);
  else await requireLiveCategories(tx, p.projectId, [id]);
}

/** What category the decision sets, given the suggestion that was on screen. */
export async function resolveDecision(
  tx: Tx,
  p: SubmitAnnotationInput,
  suggestion: Suggestion | null,
  cats: CategoryRow[],
) {
  if (p.action === "accept") {
    if (!suggestion)
      throw new ValidationError("There is no model suggestion to accept for this item; choose a category");
    await requireLive(tx, p, suggestion.categoryId, cats);
    return { categoryId: suggestion.categoryId, suggestion };
  }
  if (p.action === "correct") {
    if (p.categoryId === undefined) throw new ValidationError("A correction needs a category");
    await requireLive(tx, p, p.categoryId, cats);
    return { categoryId: p.categoryId, suggestion };
  }
  return { categoryId: null, suggestion };
}
