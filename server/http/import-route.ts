/**
 * Upload: POST /api/projects/:projectId/import with the file as the raw body. The declared
 * Content-Length is checked before reading, and the bytes are counted while the body is
 * spooled to a temporary file (a missing or lying header changes nothing); then the same
 * import service reads the file in one short transaction (./spool.ts says why).
 */
import { type ImportFormat } from "@/server/services/imports";
import { IMPORT_LIMITS, UPLOAD_FILENAME_HEADER } from "@/lib/constants";
import { CAN } from "@/lib/constants";
import { DataImportQuery } from "@/server/schemas/data";
import { authoriseProjectRequest, type HttpDeps } from "./authorise";
import { SpoolTooLargeError, spoolUpload, type Spooled } from "./spool";
import { errorResponse, jsonError } from "./responses";
import { importItems } from "@/server/services/imports";
import { ImportRejectedError, WHOLE_FILE_LINE } from "@/server/services/imports";

export const MAX_UPLOAD_BYTES = IMPORT_LIMITS.maxBytes;

export async function handleImportRequest(req: Request, deps: HttpDeps, rawProjectId: string): Promise<Response> {
  const filename = decodeFilename(req.headers.get(UPLOAD_FILENAME_HEADER));
  if (!filename) return jsonError(403, `Uploads must send the ${UPLOAD_FILENAME_HEADER} header`);
  const auth = await authoriseProjectRequest(req, deps, rawProjectId, CAN.importData);
  if (!auth.ok) return auth.response;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_UPLOAD_BYTES)
    return jsonError(413, `File is larger than the ${MAX_UPLOAD_BYTES / 1048576} MB limit`);
  const query = DataImportQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  const format = query.success ? (query.data.format ?? formatFromName(filename)) : undefined;
  if (!query.success || !format || !req.body)
    return jsonError(400, "Send the file as the body, with format=jsonl|csv (or a .jsonl/.csv filename)");
  let spooled: Spooled;
  try {
    spooled = await spoolUpload(req.body, MAX_UPLOAD_BYTES);
  } catch (err) {
    if (err instanceof SpoolTooLargeError) return jsonError(413, err.message);
    throw err;
  }
  try {
    const report = await importItems(deps.db, {
      projectId: auth.projectId,
      actorId: auth.user.id,
      source: spooled.chunks(),
      format,
      filename,
      unknownCategories: query.data.unknownCategories,
      maxBytes: MAX_UPLOAD_BYTES,
    });
    return Response.json(report, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (!(err instanceof ImportRejectedError)) return errorResponse(err);
    const tooLarge = err.errors.length === 1 && err.errors[0]?.line === WHOLE_FILE_LINE;
    return jsonError(tooLarge ? 413 : 400, err.message, { errors: err.errors, totalErrors: err.totalErrors });
  } finally {
    await spooled.remove();
  }
}

function decodeFilename(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const name = decodeURIComponent(raw).trim().slice(0, 255);
    return name || null;
  } catch {
    return null;
  }
}

function formatFromName(name: string): ImportFormat | undefined {
  const lower = name.toLowerCase();
  return lower.endsWith(".csv") ? "csv" : lower.endsWith(".jsonl") || lower.endsWith(".ndjson") ? "jsonl" : undefined;
}
