/** Category paths by id, for what needs the taxonomy's shape (scoring's ancestor probabilities). */
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories } from "@/db/schema";

/** The paths of `ids`, in their order (soft-deleted categories keep theirs). Throws on an id not in the project. */
export async function categoryPathsOf(db: DbOrTx, projectId: number, ids: readonly number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), inArray(categories.id, [...ids])));
  const byId = new Map(rows.map((r) => [r.id, r.path]));
  return ids.map((id) => {
    const path = byId.get(id);
    if (path === undefined) throw new Error(`category ${id} is not in project ${projectId}`);
    return path;
  });
}
