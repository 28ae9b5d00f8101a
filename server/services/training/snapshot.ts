/**
 * The labelled data a training or recalibration run sees, read as one
 * consistent snapshot (a REPEATABLE READ, read-only transaction), so labels
 * arriving mid-read cannot mix two states of the project.
 */
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { annotations, categories, items, labels, labelSuspects } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { evaluatedItem, evaluationGold } from "@/server/services/evaluation";
import { getProjectSettings } from "@/server/services/projects";
import type { LabelledItem } from "@/ml/evaluate-labelled";
import type { TextInput } from "@/ml/features";

export type { LabelledItem };

export type Snapshot = {
  categoryIds: number[];
  /** Training data: pool items with a human or import label, but for evaluation picks and held suspects. */
  pool: LabelledItem[];
  /** Gold: test-split items with a human or import label, and evaluation picks whose human label stands. */
  gold: LabelledItem[];
  /** Latest audit decision per item (the auditor's category is the truth). */
  audits: LabelledItem[];
  /** When each training item's current label was set (the gate's evidence leaves out what an older version saw). */
  labelledAt: Map<number, Date>;
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

/**
 * What a labelled item is to a run: gold (imported test items, and evaluation
 * picks whose label stands), held (an evaluation pick still waiting for its
 * second opinion or disputed, or a suspected wrong label the project keeps out
 * of training: neither trained on nor evidence), or training data.
 */
type Use = "gold" | "held" | "train";

async function readLabelled(tx: DbOrTx, projectId: number) {
  const s = await getProjectSettings(tx, { projectId });
  const su = tableAs(labelSuspects, "su");
  const suspect = s.excludeSuspectsFromTraining
    ? sql`when exists (select 1 from ${su.from} where ${su.t.itemId} = ${items.id} and ${su.t.status} = 'open') then 'held'`
    : sql``;
  const use = sql<Use>`case when ${items.split} = 'test' then 'gold'
    when ${evaluationGold(projectId, items.id, labels, s.overlapRate > 0)} then 'gold'
    when ${evaluatedItem(projectId, items.id)} then 'held' ${suspect}
    else 'train' end`;
  return tx
    .select({ ...itemCols, categoryId: labels.categoryId, labelledAt: labels.updatedAt, use })
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
      const pool = rows.filter((r) => r.use === "train").map(asItem);
      const gold = rows.filter((r) => r.use === "gold").map(asItem);
      const labelledAt = new Map(rows.filter((r) => r.use === "train").map((r) => [r.itemId, r.labelledAt]));
      return { categoryIds, pool, gold, audits, labelledAt, datasetHash: hashDataset(categoryIds, rows) };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

function hashDataset(
  categoryIds: number[],
  rows: { itemId: number; categoryId: number | null; split: string; use: Use }[],
): string {
  const h = createHash("sha256").update(`c:${categoryIds.join(",")}\n`);
  for (const r of rows) h.update(`${r.itemId}:${r.categoryId}:${r.split}:${r.use}\n`);
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
      const gold = (await readLabelled(tx, projectId)).filter((r) => r.use === "gold");
      const audits = await readAudits(tx, projectId);
      return {
        gold: gold.map((r) => ({ itemId: r.itemId, input: toTextInput(r), categoryId: categoryOf(r) })),
        audits,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
