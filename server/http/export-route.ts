/**
 * POST /api/projects/:projectId/export: the label export, streamed. A POST because it
 * writes an audit event (a GET could be fired by a link or a prefetch); the options come
 * as form fields (the UI's form) or in the query string, and only from Loupe's own pages. Framework-free
 * (Request in, Response out) so the Next route file stays one line and tests
 * call it directly.
 */
import { CAN } from "@/lib/constants";
import { DataExportQuery } from "@/server/schemas/data";
import { exportLabels } from "@/server/services/exports";
import { withApiToken } from "@/server/services/audit";
import { DEFAULT_TOKEN_RATE_PER_MINUTE } from "@/server/trpc";
import { authoriseProjectRequestOrToken, type HttpDeps } from "./authorise";
import { rejectCrossSiteForm } from "./http";
import { errorResponse, jsonError } from "./responses";

/** Form fields or query string: the same few options, no file. */
const MAX_FORM_BYTES = 4096;

export async function handleExportRequest(
  req: Request,
  deps: HttpDeps & { tokenRatePerMinute?: number },
  rawProjectId: string,
): Promise<Response> {
  if (req.method !== "POST")
    return Response.json(
      { error: { message: "Exports are requested with POST (the export is audited)" } },
      { status: 405, headers: { allow: "POST", "cache-control": "no-store" } },
    );
  // A bearer token is not sent by a browser on its own, so there is nothing to forge: no Origin needed.
  const bearer = /^Bearer[ \t]/i.test(req.headers.get("authorization") ?? "");
  const refusal = bearer ? null : rejectCrossSiteForm(req);
  if (refusal) return jsonError(403, refusal);
  const auth = await authoriseProjectRequestOrToken(
    req,
    { ...deps, tokenRatePerMinute: deps.tokenRatePerMinute ?? DEFAULT_TOKEN_RATE_PER_MINUTE },
    rawProjectId,
    CAN.exportData,
    "read",
  );
  if (!auth.ok) return auth.response;
  const fields = await exportFields(req);
  if (fields === null) return jsonError(413, `Export options are limited to ${MAX_FORM_BYTES} bytes`);
  const query = DataExportQuery.safeParse(fields);
  if (!query.success)
    return jsonError(400, "format must be csv or jsonl; source human, auto or import; split pool or test");
  const run = () => exportLabels(deps.db, { ...query.data, projectId: auth.projectId, actorId: auth.user.id });
  // Through a token, the export's audit event names it.
  const file = await (auth.apiTokenId === null ? run() : withApiToken(auth.apiTokenId, run)).catch(
    (err: unknown) => err as Error,
  );
  if (file instanceof Error) return errorResponse(file);
  return new Response(toByteStream(file.chunks, req.signal), {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

/** Pull-based: the next page is read only when the client has taken the previous one. */
function toByteStream(chunks: AsyncGenerator<string>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal.aborted) {
        await chunks.return(undefined);
        controller.close();
        return;
      }
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** The query string, overridden by url-encoded form fields; null when the body is too large. */
async function exportFields(req: Request): Promise<Record<string, string> | null> {
  const fields = Object.fromEntries(new URL(req.url).searchParams);
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" || !req.body) return fields;
  if (Number(req.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) return null;
  const text = await readAtMost(req.body, MAX_FORM_BYTES);
  if (text === null) return null;
  // An empty select ("all sources") is no filter.
  const form = [...new URLSearchParams(text)].filter(([, v]) => v !== "");
  return { ...fields, ...Object.fromEntries(form) };
}

async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<string | null> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}
