/**
 * Label export with provenance (source, annotator, model version, time), streamed in
 * keyset pages so memory stays flat whatever the project size. Formatting, including
 * CSV formula neutralisation, is the export-format helpers' job.
 */
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, items, labels, modelVersions, projects, users } from "@/db/schema";
import { toCsvChunks, toJsonlChunks, type LabelExportRow } from "./format";
import { NotFoundError, ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";

export type ExportFormat = "csv" | "jsonl";
export type ExportLabelsInput = {
  projectId: number;
  /** null = the command line. */
  actorId: number | null;
  format: ExportFormat;
  source?: "human" | "auto" | "import";
  split?: "pool" | "test";
};

const PAGE_SIZE = 2_000;
/** What `exportLabelsText` returns through tRPC; bigger exports go through the download route. */
export const MAX_EXPORT_TEXT_BYTES = 20 * 1024 * 1024;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

export type LabelExport = { filename: string; contentType: string; chunks: AsyncGenerator<string> };

/**
 * Checks the project and records the export in the audit trail up front (a download that
 * is abandoned half way was still requested), then returns the text chunks.
 */
export async function exportLabels(db: DbOrTx, p: ExportLabelsInput): Promise<LabelExport> {
  const [project] = await db
    .select({ slug: projects.slug })
    .from(projects)
    .where(eq(projects.id, p.projectId))
    .limit(1);
  if (!project) throw new NotFoundError("Project");
  await recordAudit(db, {
    projectId: p.projectId,
    actorId: p.actorId,
    action: "data.export",
    entityType: "project",
    entityId: p.projectId,
    after: { format: p.format, source: p.source ?? null, split: p.split ?? null },
  });
  const rows = labelRows(db, p);
  return {
    filename: `${project.slug}-labels.${p.format}`,
    contentType: EXPORT_CONTENT_TYPES[p.format],
    chunks: p.format === "csv" ? toCsvChunks(rows) : toJsonlChunks(rows),
  };
}

/** The whole export as one string, refused past MAX_EXPORT_TEXT_BYTES. */
export async function exportLabelsText(
  db: DbOrTx,
  p: ExportLabelsInput,
  maxBytes = MAX_EXPORT_TEXT_BYTES,
): Promise<string> {
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of (await exportLabels(db, p)).chunks) {
    bytes += Buffer.byteLength(chunk, "utf8");
    if (bytes > maxBytes) {
      throw new ValidationError(
        `Export is larger than ${Math.round(maxBytes / 1048576)} MB: use the download link or the CLI`,
      );
    }
    parts.push(chunk);
  }
  return parts.join("");
}

/** Labelled items of the project, in item id order, one page per query. */
async function* labelRows(db: DbOrTx, p: ExportLabelsInput): AsyncGenerator<LabelExportRow> {
  let after = 0;
  for (;;) {
    const page = await labelPage(db, p, after);
    for (const r of page) {
      yield {
        id: r.id,
        title: r.title,
        category: r.category,
        split: r.split,
        source: r.source,
        annotator: r.annotator,
        modelVersion: r.modelVersion === null ? null : `v${r.modelVersion}`,
        labelledAt: r.labelledAt,
      };
    }
    const last = page[page.length - 1];
    if (page.length < PAGE_SIZE || !last) return;
    after = last.itemId;
  }
}

function labelPage(db: DbOrTx, p: ExportLabelsInput, afterItemId: number) {
  // Project id on every joined table: a label can only ever show its own project's data.
  const where: SQL[] = [eq(items.projectId, p.projectId), eq(labels.projectId, p.projectId), gt(items.id, afterItemId)];
  if (p.source) where.push(eq(labels.source, p.source));
  if (p.split) where.push(eq(items.split, p.split));
  return db
    .select({
      itemId: items.id,
      id: items.externalId,
      title: items.title,
      split: items.split,
      category: categories.path,
      source: labels.source,
      annotator: users.email,
      modelVersion: modelVersions.version,
      labelledAt: labels.updatedAt,
    })
    .from(labels)
    .innerJoin(items, eq(items.id, labels.itemId))
    .leftJoin(categories, and(eq(categories.id, labels.categoryId), eq(categories.projectId, p.projectId)))
    .leftJoin(users, eq(users.id, labels.userId))
    .leftJoin(modelVersions, and(eq(modelVersions.id, labels.modelVersionId), eq(modelVersions.projectId, p.projectId)))
    .where(and(...where))
    .orderBy(asc(items.id))
    .limit(PAGE_SIZE);
}
