/**
 * Imports: a file (or generated rows) becomes items, categories and import labels in
 * ONE transaction, so a bad row anywhere leaves the project as it was. The run itself is
 * logged in `imports`: a success inside that transaction, a refusal after the rollback
 * (the history shows why an upload was refused; no item, label or category is written).
 */
import { returned } from "@/db/rows";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { imports, projects } from "@/db/schema";
import { refreshStatistics, refreshStatisticsSoon } from "@/db/statistics";
import { parseImportObjects, parseImportStream, type ImportFormat, type ImportRow, type ImportSource } from "./parse";
import { IMPORT_LIMITS } from "@/lib/constants";
import { NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { emitWebhookEvent, sendProjectDeliveries } from "@/server/services/webhooks";
import { toImportRejection, unknownCategoriesError } from "./errors";
import { createImportWriter, type UnknownCategoryPolicy, type WriteCounts } from "./writer";
import { storable } from "./storable";

/** Rows per INSERT: ~12k bind parameters for items, well under Postgres' 65,535. */
export const IMPORT_BATCH_SIZE = 2_000;

/** First half of the advisory lock key (second half: the project id). Arbitrary, Loupe-wide unique. */
const IMPORT_LOCK_KEY = 746_202;

export type ImportProgress = { rows: number; elapsedMs: number };

type RunMeta = {
  projectId: number;
  /** null = the command line or the demo seed. */
  actorId: number | null;
  filename: string;
  format: ImportFormat | "generated";
  unknownCategories: UnknownCategoryPolicy;
  /** At most IMPORT_BATCH_SIZE rows, so one write per table (see the lock in importRowsInTx). */
  singleBatch?: boolean;
  onProgress?: (p: ImportProgress) => void;
};

export type ImportItemsInput = Omit<RunMeta, "format"> & {
  /** A file's bytes, or items already parsed (an API batch), validated the same way. */
  source: ImportSource | { objects: readonly Record<string, unknown>[] };
  format: ImportFormat;
  maxBytes?: number;
  maxRows?: number;
};

export type ImportResult = WriteCounts & { importId: number; bytes: number; ms: number };

/** Streams and validates `source` while writing it; throws ImportRejectedError (nothing written) on any bad row. */
export async function importItems(db: Db, p: ImportItemsInput): Promise<ImportResult> {
  await assertProject(db, p.projectId);
  const started = Date.now();
  try {
    const result = await db.transaction(async (tx) => {
      const maxRows = p.maxRows ?? IMPORT_LIMITS.maxRows;
      const rows =
        "objects" in p.source
          ? parseImportObjects(p.source.objects, { maxRows })
          : parseImportStream(p.source, { format: p.format, maxBytes: p.maxBytes ?? IMPORT_LIMITS.maxBytes, maxRows });
      return importRowsInTx(tx, p, rows, started);
    });
    // A bulk load leaves the planner guessing (the queue query took 25 s on 5k fresh rows before statistics).
    // An API upsert (one batch) refreshes after its answer, coalesced (after each: a fifth of an upsert).
    if (p.singleBatch) void refreshStatisticsSoon(db);
    else await refreshStatistics(db);
    await sendProjectDeliveries(db, p.projectId);
    return result;
  } catch (err) {
    const rejection = toImportRejection(err);
    if (!rejection) throw err;
    await logRefusedRun(db, p, rejection.errors);
    await sendProjectDeliveries(db, p.projectId);
    throw rejection;
  }
}

/**
 * The same code path for rows that need no parsing (the demo seed): call inside the
 * caller's transaction. `bytes` from the parser's return value, 0 for generated rows.
 */
export async function importRowsInTx(
  tx: DbOrTx,
  meta: RunMeta,
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- generators with no return value return void
  rows: AsyncIterator<ImportRow, { bytes: number } | void>,
  started = Date.now(),
): Promise<ImportResult> {
  // One import at a time per project: two files upserting the same ids in different
  // orders would otherwise deadlock each other on Postgres.
  // A single-batch run (an API upsert) writes each table in one statement that locks rows in
  // key order (writer.ts), so such runs cannot deadlock each other: they share the lock and
  // run side by side, and only wait for (or hold off) a multi-batch file import.
  await tx.execute(
    meta.singleBatch
      ? sql`select pg_advisory_xact_lock_shared(${IMPORT_LOCK_KEY}, ${meta.projectId})`
      : sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY}, ${meta.projectId})`,
  );
  const writer = await createImportWriter(tx, meta);
  let batches = 0;
  const bytes = await inBatches(rows, IMPORT_BATCH_SIZE, async (batch) => {
    if (meta.singleBatch && ++batches > 1) throw new Error("import: a single-batch run got more than one batch");
    await writer.write(batch);
    meta.onProgress?.({ rows: writer.counts.rows, elapsedMs: Date.now() - started });
  });
  if (writer.unknown.size > 0) throw unknownCategoriesError(writer.unknown);
  const counts = writer.counts;
  const [run] = await tx
    .insert(imports)
    .values({
      ...runColumns(meta),
      status: "succeeded",
      rowCount: counts.rows,
      ...countColumns(counts),
      finishedAt: new Date(),
    })
    .returning({ id: imports.id });
  const importId = returned(run ? [run] : [], "import run").id;
  await recordAudit(tx, {
    projectId: meta.projectId,
    actorId: meta.actorId,
    action: "data.import",
    entityType: "import",
    entityId: importId,
    after: { filename: meta.filename, format: meta.format, unknownCategories: meta.unknownCategories, ...counts },
  });
  await emitWebhookEvent(tx, {
    projectId: meta.projectId,
    type: "import.finished",
    data: { importId, status: "succeeded", filename: meta.filename, format: meta.format, ...counts },
  });
  return { importId, ...counts, bytes, ms: Date.now() - started };
}

/** Drives the iterator by hand so the parser's return value (bytes read) is not lost. */
async function inBatches(
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- generators with no return value return void
  rows: AsyncIterator<ImportRow, { bytes: number } | void>,
  size: number,
  onBatch: (batch: ImportRow[]) => Promise<void>,
): Promise<number> {
  let batch: ImportRow[] = [];
  try {
    for (let next = await rows.next(); ; next = await rows.next()) {
      if (next.done) {
        if (batch.length > 0) await onBatch(batch);
        return next.value ? next.value.bytes : 0;
      }
      batch.push(next.value);
      if (batch.length >= size) {
        await onBatch(batch);
        batch = [];
      }
    }
  } finally {
    // A failed write must still release the source (closes a file stream or request body).
    await rows.return?.();
  }
}

/** A string as a byte source in 64 KiB slices, so the byte cap is checked as it is read. */
export async function* textSource(text: string, sliceChars = 65_536): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += sliceChars) yield text.slice(i, i + sliceChars);
}

function runColumns(meta: RunMeta) {
  return {
    projectId: meta.projectId,
    filename: storable(meta.filename.slice(0, 255)),
    format: meta.format,
    createdById: meta.actorId,
  };
}

function countColumns(c: WriteCounts) {
  return {
    created: c.created,
    updated: c.updated,
    labelCount: c.labels,
    humanLabelsKept: c.humanLabelsKept,
    categoriesCreated: c.categoriesCreated,
  };
}

async function logRefusedRun(
  db: Db,
  meta: RunMeta,
  errors: readonly { line: number; field: string | null; message: string }[],
) {
  const kept = errors.map((e) => ({
    ...e,
    field: e.field === null ? null : storable(e.field),
    message: storable(e.message),
  }));
  await db.transaction(async (tx) => {
    const [run] = await tx
      .insert(imports)
      .values({ ...runColumns(meta), status: "failed", errors: kept, finishedAt: new Date() })
      .returning({ id: imports.id });
    await emitWebhookEvent(tx, {
      projectId: meta.projectId,
      type: "import.finished",
      data: {
        importId: run?.id ?? null,
        status: "failed",
        filename: storable(meta.filename),
        format: meta.format,
        errorCount: errors.length,
        // The first few, as the import history shows them; the rest are in Loupe.
        errors: kept.slice(0, 10),
      },
    });
  });
}

async function assertProject(db: DbOrTx, projectId: number): Promise<void> {
  const [p] = await db.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).limit(1);
  if (!p) throw new NotFoundError("Project");
}

/** Import history for the UI, newest first, keyset-paged by id. */
export async function listImports(db: DbOrTx, p: { projectId: number; cursor?: number; limit: number }) {
  const where = [eq(imports.projectId, p.projectId), ...(p.cursor ? [lt(imports.id, p.cursor)] : [])];
  const rows = await db
    .select({
      id: imports.id,
      filename: imports.filename,
      format: imports.format,
      status: imports.status,
      rowCount: imports.rowCount,
      created: imports.created,
      updated: imports.updated,
      labelCount: imports.labelCount,
      humanLabelsKept: imports.humanLabelsKept,
      categoriesCreated: imports.categoriesCreated,
      errors: imports.errors,
      createdById: imports.createdById,
      createdAt: imports.createdAt,
      finishedAt: imports.finishedAt,
    })
    .from(imports)
    .where(and(...where))
    .orderBy(desc(imports.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  return { imports: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
}
