/**
 * GET /api/projects/:projectId/export: the label export, streamed. Framework-free
 * (Request in, Response out) so the Next route file stays one line and tests
 * call it directly.
 */
import { CAN } from "@/lib/constants";
import { DataExportQuery } from "@/server/schemas/data";
import { exportLabels } from "@/server/services/exports";
import { authoriseProjectRequest, type HttpDeps } from "./authorise";
import { errorResponse, jsonError } from "./responses";

export async function handleExportRequest(req: Request, deps: HttpDeps, rawProjectId: string): Promise<Response> {
  const auth = await authoriseProjectRequest(req, deps, rawProjectId, CAN.exportData);
  if (!auth.ok) return auth.response;
  const query = DataExportQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success)
    return jsonError(400, "format must be csv or jsonl; source human, auto or import; split pool or test");
  const file = await exportLabels(deps.db, { ...query.data, projectId: auth.projectId, actorId: auth.user.id }).catch(
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
