/**
 * Categories: a flat list of full paths ("A > B"). Ids are stable forever:
 * removal is a soft delete, so labels and annotations keep pointing somewhere.
 */
import { and, asc, count, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { categories, labels } from "@/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { normaliseCategoryPath as normaliseImportPath } from "@/server/services/imports";

/**
 * One rule for paths everywhere (UI, import, demo): the import's normaliser, so a
 * category created here can always be imported and exported again.
 */
export function normaliseCategoryPath(raw: string): { path: string; name: string } {
  const r = normaliseImportPath(raw);
  if (!r.ok) throw new ValidationError(`Category path "${raw}": ${r.message}`);
  return { path: r.path, name: r.path.split(" > ").pop() ?? r.path };
}

const categoryCols = {
  id: categories.id,
  path: categories.path,
  name: categories.name,
  deletedAt: categories.deletedAt,
  createdAt: categories.createdAt,
};

export type ListCategoriesInput = { projectId: number; includeDeleted: boolean; cursor?: number; limit: number };

export async function listCategories(db: Db, p: ListCategoriesInput) {
  const { projectId } = p;
  const where: SQL[] = [eq(categories.projectId, projectId)];
  if (!p.includeDeleted) where.push(isNull(categories.deletedAt));
  if (p.cursor) where.push(gt(categories.id, p.cursor));
  const rows = await db
    .select(categoryCols)
    .from(categories)
    .where(and(...where))
    .orderBy(asc(categories.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const counts = await labelCounts(
    db,
    projectId,
    page.map((c) => c.id),
  );
  return {
    categories: page.map((c) => ({
      ...c,
      labelCounts: counts.get(c.id) ?? { human: 0, auto: 0, import: 0, total: 0 },
    })),
    nextCursor: more ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** Items currently labelled with each category, by label source. */
async function labelCounts(db: Db, projectId: number, ids: number[]) {
  const out = new Map<number, { human: number; auto: number; import: number; total: number }>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ categoryId: labels.categoryId, source: labels.source, n: count() })
    .from(labels)
    .where(and(eq(labels.projectId, projectId), inArray(labels.categoryId, ids)))
    .groupBy(labels.categoryId, labels.source);
  for (const r of rows) {
    if (r.categoryId === null) continue;
    const c = out.get(r.categoryId) ?? { human: 0, auto: 0, import: 0, total: 0 };
    c[r.source] += r.n;
    c.total += r.n;
    out.set(r.categoryId, c);
  }
  return out;
}

async function findByPath(tx: DbOrTx, projectId: number, path: string) {
  const [row] = await tx
    .select(categoryCols)
    .from(categories)
    .where(and(eq(categories.projectId, projectId), eq(categories.path, path)))
    .for("update");
  return row ?? null;
}

/** Creating a path that was removed brings the old category back, with its old id. */
export type CreateCategoryInput = { projectId: number; actorId: number; path: string };

export async function createCategory(db: Db, p: CreateCategoryInput) {
  const { projectId, actorId, path: rawPath } = p;
  const { path, name } = normaliseCategoryPath(rawPath);
  return db.transaction(async (tx) => {
    const existing = await findByPath(tx, projectId, path);
    if (existing && !existing.deletedAt) throw new ConflictError(`Category "${path}" already exists`);
    const [row] = existing
      ? await tx
          .update(categories)
          .set({ deletedAt: null })
          .where(and(eq(categories.projectId, projectId), eq(categories.id, existing.id)))
          .returning(categoryCols)
      : await tx.insert(categories).values({ projectId, path, name }).returning(categoryCols);
    if (!row) throw new Error(`category: writing "${path}" returned no row`);
    const action = existing ? "category.restore" : "category.create";
    await recordAudit(tx, {
      projectId,
      actorId,
      action,
      entityType: "category",
      entityId: row.id,
      before: existing,
      after: row,
    });
    return row;
  });
}

async function lockCategory(tx: DbOrTx, projectId: number, categoryId: number) {
  const [row] = await tx
    .select(categoryCols)
    .from(categories)
    .where(and(eq(categories.projectId, projectId), eq(categories.id, categoryId)))
    .for("update");
  if (!row) throw new NotFoundError("Category");
  return row;
}

/**
 * Renames a category and, with it, every category under its path ("Produce"
 * to "Fresh produce" takes "Produce > Fruits" along), removed ones included so
 * a later restore comes back under the new name. All or nothing; ids, labels
 * and annotations stay as they are; one audit event per renamed category.
 */
export type RenameCategoryInput = { projectId: number; actorId: number; categoryId: number; path: string };

export async function renameCategory(db: Db, p: RenameCategoryInput) {
  const { projectId, actorId, categoryId, path: rawPath } = p;
  const { path } = normaliseCategoryPath(rawPath);
  return db.transaction(async (tx) => {
    const before = await lockCategory(tx, projectId, categoryId);
    if (before.deletedAt) throw new NotFoundError("Category");
    if (before.path === path) return before;
    if (path.startsWith(`${before.path} > `))
      throw new ValidationError(`"${before.path}" cannot be moved under itself ("${path}")`);
    const below = await tx
      .select(categoryCols)
      .from(categories)
      .where(and(eq(categories.projectId, projectId), sql`starts_with(${categories.path}, ${`${before.path} > `})`))
      .orderBy(asc(categories.id))
      .for("update");
    const moves = [before, ...below].map((c) => {
      // The same rules as any path (depth, length): a deep subtree under a deeper name can break them.
      const renamed = normaliseCategoryPath(path + c.path.slice(before.path.length));
      return { from: c, path: renamed.path, name: renamed.name };
    });
    const moving = new Set(moves.map((m) => m.from.id));
    for (const m of moves) {
      const clash = await findByPath(tx, projectId, m.path);
      if (!clash || moving.has(clash.id)) continue;
      if (m.from.id !== categoryId)
        throw new ConflictError(
          `Renaming "${before.path}" would move "${m.from.path}" onto "${m.path}", which already exists`,
        );
      if (clash.deletedAt)
        throw new ConflictError(`A removed category has the path "${path}": create it to restore it`);
      throw new ConflictError(`Category "${path}" already exists`);
    }
    // Two steps, so paths that trade places within the moved set never collide on the unique index.
    const ids = [...moving];
    await tx
      .update(categories)
      .set({ path: sql`chr(1) || ${categories.id}::text` })
      .where(and(eq(categories.projectId, projectId), inArray(categories.id, ids)));
    let renamed: typeof before | undefined;
    for (const m of moves) {
      const [row] = await tx
        .update(categories)
        .set({ path: m.path, name: m.name })
        .where(and(eq(categories.projectId, projectId), eq(categories.id, m.from.id)))
        .returning(categoryCols);
      if (m.from.id === categoryId) renamed = row;
      const cascade = m.from.id === categoryId ? {} : { renamedWith: categoryId };
      await recordAudit(tx, {
        projectId,
        actorId,
        action: "category.rename",
        entityType: "category",
        entityId: m.from.id,
        before: m.from,
        after: { ...row, ...cascade },
      });
    }
    if (!renamed) throw new Error(`category ${categoryId}: the rename returned no row`);
    return renamed;
  });
}

/** Soft delete; removing an already removed category is a no-op. */
export type RemoveCategoryInput = { projectId: number; actorId: number; categoryId: number };

export async function removeCategory(db: Db, p: RemoveCategoryInput) {
  const { projectId, actorId, categoryId } = p;
  return db.transaction(async (tx) => {
    const before = await lockCategory(tx, projectId, categoryId);
    if (before.deletedAt) return before;
    const [row] = await tx
      .update(categories)
      .set({ deletedAt: new Date() })
      .where(and(eq(categories.projectId, projectId), eq(categories.id, categoryId)))
      .returning(categoryCols);
    if (!row) throw new Error(`category ${categoryId}: the removal returned no row`);
    await recordAudit(tx, {
      projectId,
      actorId,
      action: "category.remove",
      entityType: "category",
      entityId: categoryId,
      before,
      after: row,
    });
    return row;
  });
}
