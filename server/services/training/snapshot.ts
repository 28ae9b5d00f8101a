/**
 * The labelled data a training or recalibration run sees, read as one
 * consistent snapshot (a REPEATABLE READ, read-only transaction), so labels
 * arriving mid-read cannot mix two states of the project.
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { annotations, categories, items, labels } from "@/db/schema";
import type { LabelledItem } from "@/ml/evaluate-labelled";
import type { TextInput } from "@/ml/features";

export type { LabelledItem };

export type Snapshot = {
  categoryIds: number[];
  /** Pool items with a human or import label. */
  pool: LabelledItem[];
  /** Gold: test-split items with a human or import label. */
  gold: LabelledItem[];
  /** Latest audit decision per item (the auditor's category is the truth). */
  audits: LabelledItem[];
  datasetHash: string;
};

export function toTextInput(row: {
  title: string;
  description: string | null;
  attributes: Record<string, unknown>;
}): TextInput {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(row.attributes ?? {}))
    if (v != null) attributes[k] = typeof v === "string" ? v : JSON.stringify(v);
  return { title: row.title, description: row.description, attributes };
}

const itemCols = {
  itemId: items.id,
  title: items.title,
  description: items.description,
  attributes: items.attributes,
  split: items.split,
};

async function readLabelled(tx: DbOrTx, projectId: number) {
  return tx
    .select({ ...itemCols, categoryId: labels.categoryId })
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .innerJoin(categories, and(eq(categories.id, labels.categoryId), isNull(categories.deletedAt)))
    .where(
      and(eq(labels.projectId, projectId), inArray(labels.source, ["human", "import"]), isNotNull(labels.categoryId)),
    )
    .orderBy(asc(items.id));
}

/** The queries below select rows with a category only; one without would be a bug in them. */
function categoryOf(r: { itemId: number; categoryId: number | null }): number {
  if (r.categoryId === null) throw new Error(`training snapshot: item ${r.itemId} came without a category`);
  return r.categoryId;
}

/** Audit decisions that name a category (accept or correct), newest per item. */
export async function readAudits(tx: DbOrTx, projectId: number, since?: Date): Promise<LabelledItem[]> {
  const rows = await tx
    .select({ ...itemCols, categoryId: annotations.categoryId, createdAt: annotations.createdAt })
    .from(annotations)
    .innerJoin(items, and(eq(items.id, annotations.itemId), eq(items.projectId, projectId)))
    .where(
      and(
        eq(annotations.projectId, projectId),
        eq(annotations.reason, "audit"),
        inArray(annotations.action, ["accept", "correct"]),
        isNotNull(annotations.categoryId),
      ),
    )
    .orderBy(desc(annotations.id));
  const seen = new Set<number>();
  const out: LabelledItem[] = [];
  for (const r of rows) {
    if (seen.has(r.itemId) || (since && r.createdAt < since)) continue;
    seen.add(r.itemId);
    out.push({ itemId: r.itemId, input: toTextInput(r), categoryId: categoryOf(r) });
  }
  return out;
}

export async function readCategoryIds(tx: DbOrTx, projectId: number): Promise<number[]> {
  const rows = await tx
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), isNull(categories.deletedAt)))
    .orderBy(asc(categories.id));
  return rows.map((r) => r.id);
}

export async function readSnapshot(db: Db, projectId: number): Promise<Snapshot> {
  return db.transaction(
    async (tx) => {
      const categoryIds = await readCategoryIds(tx, projectId);
      const rows = await readLabelled(tx, projectId);
      const audits = await readAudits(tx, projectId);
      const asItem = (r: (typeof rows)[number]): LabelledItem => ({
        itemId: r.itemId,
        input: toTextInput(r),
        categoryId: categoryOf(r),
      });
      const pool = rows.filter((r) => r.split === "pool").map(asItem);
      const gold = rows.filter((r) => r.split === "test").map(asItem);
      return { categoryIds, pool, gold, audits, datasetHash: hashDataset(categoryIds, rows) };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

function hashDataset(
  categoryIds: number[],
  rows: { itemId: number; categoryId: number | null; split: string }[],
): string {
  const h = createHash("sha256").update(`c:${categoryIds.join(",")}\n`);
  for (const r of rows) h.update(`${r.itemId}:${r.categoryId}:${r.split}\n`);
  return h.digest("hex");
}

/** Deterministic pseudo-random share in [0,1) per item and seed: the calibration split. */
export function itemShare(itemId: number, seed: number): number {
  const d = createHash("sha1").update(`${seed}:${itemId}`).digest();
  return d.readUInt32BE(0) / 2 ** 32;
}

/** Gold items and audit decisions only (recalibration), in one consistent snapshot. */
export async function readEvidence(
  db: Db,
  projectId: number,
): Promise<{ gold: LabelledItem[]; audits: LabelledItem[] }> {
  return db.transaction(
    async (tx) => {
      const gold = (await readLabelled(tx, projectId)).filter((r) => r.split === "test");
      const audits = await readAudits(tx, projectId);
      return {
        gold: gold.map((r) => ({ itemId: r.itemId, input: toTextInput(r), categoryId: categoryOf(r) })),
        audits,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
