/**
 * The handoff context of a leased item: everything an annotator needs to
 * decide without opening another page (Prodigy-style task card).
 */
import type { Settings } from "@/server/services/projects";
import { sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { executeRows, type DbOrTx } from "@/db/client";
import { annotations, categories, items, labels, modelVersions, predictions, users } from "@/db/schema";
import { tableAs } from "@/db/sql";
import type { HeldLease } from "./claim";
import type { QueueProject } from "./choose";
import { decodeEmbedding } from "./candidates";
import { suspectDetails, type SuspectDetail } from "./suspect-candidates";
import { findNeighbours, type Neighbour, type NeighbourResult } from "./neighbours";
import { strategyScore, type Strategy } from "./picking";

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
    /** The version's number within the project (what every page shows), not its row id. */
    modelVersion: number;
    confidence: number;
    margin: number;
    entropy: number;
    top: (CategoryRef & { prob: number })[];
    /** Most likely ancestor per taxonomy level above the leaves, top level first (empty when flat or not scored so). */
    ancestors: { path: string; prob: number }[];
  } | null;
  currentLabel: (CategoryRef & { source: string; updatedAt: Date }) | null;
  neighbours: {
    basis: "embedding" | "title" | "none";
    items: (Neighbour & { label: CategoryRef & { source: string } })[];
  };
  history: (CategoryRef & { annotationId: number; action: string; userName: string; createdAt: Date })[];
  /** A suspect pick: the label as flagged and the category the label-error detector suggests. */
  suspect: SuspectDetail | null;
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
  const suspects = await suspectDetails(
    db,
    project.id,
    held.filter((h) => h.reason === "suspect").map((h) => h.itemId),
  );
  return held.flatMap((h) => {
    const row = rows.get(h.itemId);
    return row
      ? [{ ...assemble(h, row, near.get(h.itemId), project.settings), suspect: suspects.get(h.itemId) ?? null }]
      : [];
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
    modelVersion: number;
    confidence: number;
    margin: number;
    entropy: number;
    embedding: string | null;
    top: (Ref & { prob: number })[];
    ancestors: { path: string; prob: number }[] | null;
  } | null;
  label: (Ref & { source: string; updatedAt: string; confidence: number | null }) | null;
  history: (Ref & { annotationId: number; action: string; userName: string; createdAt: string })[];
};

/**
 * Item, prediction of the active version, current label and the last
 * HISTORY_PER_ITEM decisions per item, each category with its path and
 * deleted flag: one statement, so the handoff costs one round trip.
 */
async function loadContextRows(db: DbOrTx, project: QueueProject, ids: number[]): Promise<Map<number, ContextRow>> {
  if (ids.length === 0) return new Map();
  const pid = project.id;
  const cat = (c: { path: AnyPgColumn; deletedAt: AnyPgColumn }): SQL =>
    sql`'path', ${c.path}, 'deleted', ${c.deletedAt} is not null`;
  const i = tableAs(items, "i");
  const p = tableAs(predictions, "p");
  const l = tableAs(labels, "l");
  const lc = tableAs(categories, "lc");
  const tc = tableAs(categories, "tc");
  const a = tableAs(annotations, "a");
  const u = tableAs(users, "u");
  const hc = tableAs(categories, "hc");
  const mv = tableAs(modelVersions, "mv");
  // The history subquery `h` returns annotation, user and category columns under their own names.
  const h = { a: alias(annotations, "h"), u: alias(users, "h"), c: alias(categories, "h") };
  const rows = await executeRows<{ ctx: ContextRow }>(
    db,
    sql`
    select jsonb_build_object(
      'id', ${i.t.id}, 'externalId', ${i.t.externalId}, 'title', ${i.t.title}, 'description', ${i.t.description},
        'attributes', ${i.t.attributes},
      'prediction', case when ${p.t.itemId} is null then null else jsonb_build_object(
        'modelVersionId', ${p.t.modelVersionId},
        'modelVersion', (select ${mv.t.version} from ${mv.from} where ${mv.t.id} = ${p.t.modelVersionId}), 'confidence', ${p.t.confidence}, 'margin', ${p.t.margin}, 'entropy', ${p.t.entropy},
        'embedding', encode(${p.t.embedding}, 'base64'), 'ancestors', ${p.t.ancestors},
        'top', (select coalesce(jsonb_agg(jsonb_build_object('categoryId', t.e -> 'categoryId', 'prob',
          t.e -> 'prob', ${cat(tc.t)}) order by t.o), '[]'::jsonb)
                from jsonb_array_elements(${p.t.top}) with ordinality as t(e, o)
                left join ${tc.from} on ${tc.t.projectId} = ${pid} and ${tc.t.id} = (t.e ->> 'categoryId')::int)) end,
      'label', case when ${l.t.itemId} is null then null else jsonb_build_object(
        'categoryId', ${l.t.categoryId}, 'source', ${l.t.source}, 'updatedAt', ${l.t.updatedAt},
        'confidence', ${l.t.confidence}, ${cat(lc.t)}) end,
      'history', (select coalesce(jsonb_agg(jsonb_build_object(
                    'annotationId', ${h.a.id}, 'action', ${h.a.action}, 'categoryId', ${h.a.categoryId},
                      'userName', ${h.u.name}, 'createdAt', ${h.a.createdAt}, ${cat(h.c)})
                    order by ${h.a.id} desc), '[]'::jsonb)
                  from (select ${a.t.id}, ${a.t.action}, ${a.t.categoryId}, ${u.t.name}, ${a.t.createdAt}, ${hc.t.path}, ${hc.t.deletedAt}
                        from ${a.from}
                        join ${u.from} on ${u.t.id} = ${a.t.userId}
                        left join ${hc.from} on ${hc.t.projectId} = ${pid} and ${hc.t.id} = ${a.t.categoryId}
                        where ${a.t.projectId} = ${pid} and ${a.t.itemId} = ${i.t.id}
                        order by ${a.t.id} desc limit ${HISTORY_PER_ITEM}) h)
    ) as ctx
    from ${i.from}
    left join ${p.from} on ${p.t.modelVersionId} = ${project.activeModelVersionId}::int
      and ${p.t.itemId} = ${i.t.id} and ${p.t.projectId} = ${pid}
    left join ${l.from} on ${l.t.itemId} = ${i.t.id} and ${l.t.projectId} = ${pid}
    left join ${lc.from} on ${lc.t.projectId} = ${pid} and ${lc.t.id} = ${l.t.categoryId}
    where ${i.t.projectId} = ${pid} and ${i.t.id} in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map(({ ctx }) => [ctx.id, typeof ctx === "string" ? JSON.parse(ctx) : ctx]));
}

/**
 * A blind audit: the auto label under review is offered as the model's first
 * suggestion (Enter confirms it, as the server's accept of an audit does), and
 * nothing says the model already decided the item.
 */
function auditSuggestion(row: ContextRow): ContextRow["prediction"] {
  const pred = row.prediction;
  const l = row.label;
  if (!pred || l?.source !== "auto" || l.categoryId === null) return pred;
  const own = pred.top.find((t) => t.categoryId === l.categoryId);
  const first = own ?? {
    categoryId: l.categoryId,
    path: l.path,
    deleted: l.deleted,
    prob: l.confidence ?? pred.confidence,
  };
  return { ...pred, top: [first, ...pred.top.filter((t) => t.categoryId !== l.categoryId)] };
}

function assemble(
  h: HeldLease,
  row: ContextRow,
  near: NeighbourResult | undefined,
  settings: Pick<Settings, "strategy" | "hideSuggestionOnEvaluation" | "revealAuditSource">,
): Omit<HandoffItem, "suspect"> {
  const strategy = settings.strategy;
  const blindAudit = h.reason === "audit" && !settings.revealAuditSource;
  // An evaluation pick grades the model: a shown suggestion would anchor the person, so it is not even sent.
  const pred =
    h.reason === "evaluation" && settings.hideSuggestionOnEvaluation
      ? null
      : blindAudit
        ? auditSuggestion(row)
        : row.prediction;
  // A second opinion is blind: the first person's label and the item's history stay hidden until it is given.
  // An evaluation pick too: its decision must be the person's own. A blind audit hides that the model decided it.
  const blind = h.reason === "overlap" || h.reason === "evaluation" || blindAudit;
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
    // An audit is a uniform sample of auto-accepts: "random" is what it is, without saying of what.
    pick: {
      reason: blindAudit ? "random" : h.reason,
      strategy,
      // From the prediction on screen under the current strategy, so the number and its name agree.
      score: h.reason === "uncertain" && row.prediction ? strategyScore(strategy, row.prediction) : h.score,
    },
    prediction: pred
      ? {
          modelVersionId: pred.modelVersionId,
          modelVersion: pred.modelVersion,
          confidence: pred.confidence,
          margin: pred.margin,
          entropy: pred.entropy,
          top: pred.top.map((t) => ({ ...ref(t), prob: t.prob })),
          ancestors: pred.ancestors ?? [],
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
