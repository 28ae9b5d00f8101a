/**
 * The handoff context of a leased item: everything an annotator needs to
 * decide without opening another page (Prodigy-style task card).
 */
import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import type { HeldLease } from "./claim";
import type { QueueProject } from "./choose";
import { decodeEmbedding } from "./candidates";
import { findNeighbours, type Neighbour, type NeighbourResult } from "./neighbours";
import type { Strategy } from "./picking";

const HISTORY_PER_ITEM = 10;

type CategoryRef = { categoryId: number | null; path: string | null; deleted: boolean };
export type HandoffItem = {
  lease: { token: string; expiresAt: Date };
  item: {
    id: number;
    externalId: string;
    title: string;
    description: string | null;
    attributes: Record<string, unknown>;
  };
  pick: { reason: string; strategy: Strategy; score: number | null };
  prediction: {
    modelVersionId: number;
    confidence: number;
    margin: number;
    entropy: number;
    top: (CategoryRef & { prob: number })[];
  } | null;
  currentLabel: (CategoryRef & { source: string; updatedAt: Date }) | null;
  neighbours: {
    basis: "embedding" | "title" | "none";
    items: (Neighbour & { label: CategoryRef & { source: string } })[];
  };
  history: (CategoryRef & { annotationId: number; action: string; userName: string; createdAt: Date })[];
};

export async function buildHandoff(db: DbOrTx, project: QueueProject, held: HeldLease[]): Promise<HandoffItem[]> {
  const rows = await loadContextRows(
    db,
    project,
    held.map((h) => h.itemId),
  );
  const near = await findNeighbours(db, {
    projectId: project.id,
    modelVersionId: project.activeModelVersionId,
    targets: [...rows.values()].map((r) => ({
      itemId: r.id,
      title: r.title,
      embedding: r.prediction?.embedding ? decodeEmbedding(Buffer.from(r.prediction.embedding, "base64")) : null,
    })),
  });
  return held.flatMap((h) => {
    const row = rows.get(h.itemId);
    return row ? [assemble(h, row, near.get(h.itemId), project.settings.strategy)] : [];
  });
}

/** One item's context as the single statement below returns it (JSON: dates are strings, the embedding base64). */
type Ref = { categoryId: number | null; path: string | null; deleted: boolean };
type ContextRow = {
  id: number;
  externalId: string;
  title: string;
  description: string | null;
  attributes: Record<string, unknown>;
  prediction: {
    modelVersionId: number;
    confidence: number;
    margin: number;
    entropy: number;
    embedding: string | null;
    top: (Ref & { prob: number })[];
  } | null;
  label: (Ref & { source: string; updatedAt: string }) | null;
  history: (Ref & { annotationId: number; action: string; userName: string; createdAt: string })[];
};

/**
 * Item, prediction of the active version, current label and the last
 * HISTORY_PER_ITEM decisions per item, each category with its path and
 * deleted flag: one statement (it used to be five, in two round trips).
 */
async function loadContextRows(db: DbOrTx, project: QueueProject, ids: number[]): Promise<Map<number, ContextRow>> {
  if (ids.length === 0) return new Map();
  const pid = project.id;
  const cat = (alias: string) => sql.raw(`'path', ${alias}.path, 'deleted', ${alias}.deleted_at is not null`);
  const rows = await executeRows<{ ctx: ContextRow }>(
    db,
    sql`
    select jsonb_build_object(
      'id', i.id, 'externalId', i.external_id, 'title', i.title, 'description', i.description, 'attributes', i.attributes,
      'prediction', case when p.item_id is null then null else jsonb_build_object(
        'modelVersionId', p.model_version_id, 'confidence', p.confidence, 'margin', p.margin, 'entropy', p.entropy,
        'embedding', encode(p.embedding, 'base64'),
        'top', (select coalesce(jsonb_agg(jsonb_build_object('categoryId', t.e -> 'categoryId', 'prob', t.e -> 'prob', ${cat("tc")}) order by t.o), '[]'::jsonb)
                from jsonb_array_elements(p.top) with ordinality as t(e, o)
                left join categories tc on tc.project_id = ${pid} and tc.id = (t.e ->> 'categoryId')::int)) end,
      'label', case when l.item_id is null then null else jsonb_build_object(
        'categoryId', l.category_id, 'source', l.source, 'updatedAt', l.updated_at, ${cat("lc")}) end,
      'history', (select coalesce(jsonb_agg(jsonb_build_object(
                    'annotationId', h.id, 'action', h.action, 'categoryId', h.category_id, 'userName', h.name, 'createdAt', h.created_at, ${cat("h")})
                    order by h.id desc), '[]'::jsonb)
                  from (select a.id, a.action, a.category_id, u.name, a.created_at, hc.path, hc.deleted_at
                        from annotations a
                        join users u on u.id = a.user_id
                        left join categories hc on hc.project_id = ${pid} and hc.id = a.category_id
                        where a.project_id = ${pid} and a.item_id = i.id
                        order by a.id desc limit ${HISTORY_PER_ITEM}) h)
    ) as ctx
    from items i
    left join predictions p on p.model_version_id = ${project.activeModelVersionId}::int and p.item_id = i.id and p.project_id = ${pid}
    left join labels l on l.item_id = i.id and l.project_id = ${pid}
    left join categories lc on lc.project_id = ${pid} and lc.id = l.category_id
    where i.project_id = ${pid} and i.id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map(({ ctx }) => [ctx.id, typeof ctx === "string" ? JSON.parse(ctx) : ctx]));
}

function assemble(h: HeldLease, row: ContextRow, near: NeighbourResult | undefined, strategy: Strategy): HandoffItem {
  const { prediction: pred } = row;
  // A second opinion is blind: the first person's label and the item's history stay hidden until it is given.
  const blind = h.reason === "overlap";
  const label = blind ? null : row.label;
  const history = blind ? [] : row.history;
  const nb = near ?? { basis: "none" as const, neighbours: [] };
  const ref = (r: Ref): CategoryRef => ({ categoryId: r.categoryId, path: r.path, deleted: r.deleted });
  return {
    lease: { token: h.token, expiresAt: h.expiresAt },
    item: {
      id: row.id,
      externalId: row.externalId,
      title: row.title,
      description: row.description,
      attributes: row.attributes,
    },
    pick: { reason: h.reason, strategy, score: h.score },
    prediction: pred
      ? {
          modelVersionId: pred.modelVersionId,
          confidence: pred.confidence,
          margin: pred.margin,
          entropy: pred.entropy,
          top: pred.top.map((t) => ({ ...ref(t), prob: t.prob })),
        }
      : null,
    currentLabel: label ? { ...ref(label), source: label.source, updatedAt: new Date(label.updatedAt) } : null,
    neighbours: { basis: nb.basis, items: nb.neighbours },
    history: history.map((r) => ({
      annotationId: r.annotationId,
      action: r.action,
      userName: r.userName,
      createdAt: new Date(r.createdAt),
      ...ref(r),
    })),
  };
}
