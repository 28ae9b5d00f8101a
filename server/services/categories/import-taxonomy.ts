/**
 * Loading a whole taxonomy at once. A preview (dryRun) says what would be
 * created, restored and kept, and every refused line; the import itself writes
 * all of it in one transaction or nothing. Categories already there are kept
 * as they are, so importing the same file twice changes nothing the second time.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { categories } from "@/db/schema";
import { ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { parseTaxonomy, type TaxonomyFormat, type TaxonomyLineError } from "./parse-taxonomy";

export type ImportTaxonomyInput = {
  projectId: number;
  /** null: the command line without --as. */
  actorId: number | null;
  text: string;
  format: TaxonomyFormat;
  /** Also create every parent path of each line as a category of its own. */
  parents?: boolean;
  dryRun: boolean;
};

export type TaxonomyPlan = {
  /** New paths, in file order. */
  create: string[];
  /** Removed categories the file brings back (with their old ids and labels). */
  restore: string[];
  /** Paths that already exist: left as they are. */
  kept: number;
  errors: TaxonomyLineError[];
  applied: boolean;
};

export async function importTaxonomy(db: Db, p: ImportTaxonomyInput): Promise<TaxonomyPlan> {
  const parsed = parseTaxonomy(p.text, p.format, { parents: p.parents ?? false });
  if (p.dryRun || parsed.errors.length > 0) {
    const plan = { ...(await planFor(db, p.projectId, parsed.paths)), errors: parsed.errors, applied: false };
    if (p.dryRun) return plan;
    throw new ValidationError(`Nothing imported: ${describeErrors(parsed.errors)}`, { errors: parsed.errors });
  }
  return db.transaction(async (tx) => {
    const plan = await planFor(tx, p.projectId, parsed.paths, true);
    await write(tx, p, plan);
    return { ...plan, errors: [], applied: true };
  });
}

async function planFor(db: DbOrTx, projectId: number, lines: { path: string }[], lock = false) {
  const paths = lines.map((l) => l.path);
  const existing = new Map<string, boolean>();
  for (let i = 0; i < paths.length; i += 1_000) {
    const q = db
      .select({ path: categories.path, deletedAt: categories.deletedAt })
      .from(categories)
      .where(and(eq(categories.projectId, projectId), inArray(categories.path, paths.slice(i, i + 1_000))));
    for (const r of await (lock ? q.for("update") : q)) existing.set(r.path, r.deletedAt !== null);
  }
  const create = paths.filter((path) => !existing.has(path));
  const restore = paths.filter((path) => existing.get(path) === true);
  return { create, restore, kept: paths.length - create.length - restore.length };
}

const categoryCols = {
  id: categories.id,
  path: categories.path,
  name: categories.name,
  deletedAt: categories.deletedAt,
};

async function write(tx: DbOrTx, p: ImportTaxonomyInput, plan: { create: string[]; restore: string[] }) {
  const { projectId, actorId } = p;
  for (let i = 0; i < plan.create.length; i += 1_000) {
    const values = plan.create
      .slice(i, i + 1_000)
      .map((path) => ({ projectId, path, name: path.split(" > ").pop() ?? path }));
    const rows = await tx.insert(categories).values(values).returning(categoryCols);
    for (const row of rows) {
      await recordAudit(tx, {
        projectId,
        actorId,
        action: "category.create",
        entityType: "category",
        entityId: row.id,
        after: { ...row, imported: true },
      });
    }
  }
  if (plan.restore.length === 0) return;
  const restored = await tx
    .update(categories)
    .set({ deletedAt: null })
    .where(and(eq(categories.projectId, projectId), inArray(categories.path, plan.restore)))
    .returning(categoryCols);
  for (const row of restored) {
    await recordAudit(tx, {
      projectId,
      actorId,
      action: "category.restore",
      entityType: "category",
      entityId: row.id,
      after: { ...row, imported: true },
    });
  }
}

function describeErrors(errors: TaxonomyLineError[]): string {
  const shown = errors.slice(0, 5).map((e) => (e.line > 0 ? `line ${e.line}: ${e.message}` : e.message));
  const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : "";
  return `${shown.join("; ")}${more}`;
}
