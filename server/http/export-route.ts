/**
 * The HTTP side of data transfer, outside tRPC (streamed bodies): session from the cookie,
 * role from the membership, same rules as the procedures. Framework-free (Request in,
 * Response out) so the Next route files stay one line and tests call these directly.
 */
import type { Db } from "@/db/client";
import { projects } from "@/db/schema";
import { eq } from "drizzle-orm";
import type { Role } from "@/lib/constants";
import { CAN } from "@/lib/constants";
import { readCookie, SESSION_COOKIE } from "@/server/auth/cookies";
import { DataExportQuery, RouteProjectId } from "@/server/schemas/data";
import { getSessionUser, roleInProject, type SessionUser } from "@/server/services/auth";
import { EXPORT_CONTENT_TYPES, exportLabels } from "@/server/services/exports";

export type HttpDeps = { db: Db; sessionSecret: string };
type Authorised = { ok: true; user: SessionUser; projectId: number } | { ok: false; response: Response };

export function jsonError(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error: { message, ...extra } }, { status, headers: { "cache-control": "no-store" } });
}

/** 401 without a live session, 404 for a project the user is not in, 403 for a role without the right. */
export async function authoriseProjectRequest(
  req: Request,
  deps: HttpDeps,
  rawProjectId: string,
  roles: readonly Role[],
): Promise<Authorised> {
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  const user = token ? await getSessionUser(deps.db, token, deps.sessionSecret) : null;
  if (!user) return { ok: false, response: jsonError(401, "Please log in") };
  const id = RouteProjectId.safeParse(Number(rawProjectId));
  const role = id.success ? await roleInProject(deps.db, user, id.data) : null;
  if (!id.success || !role) return { ok: false, response: jsonError(404, "Project not found") };
  if (!roles.includes(role))
    return { ok: false, response: jsonError(403, `Your role (${role}) cannot do that in this project`) };
  return { ok: true, user, projectId: id.data };
}

export async function handleExportRequest(req: Request, deps: HttpDeps, rawProjectId: string): Promise<Response> {
  const auth = await authoriseProjectRequest(req, deps, rawProjectId, CAN.exportData);
  if (!auth.ok) return auth.response;
  const query = DataExportQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success)
    return jsonError(400, "format must be csv or jsonl; source human, auto or import; split pool or test");
  const [project] = await deps.db
    .select({ slug: projects.slug })
    .from(projects)
    .where(eq(projects.id, auth.projectId))
    .limit(1);
  const chunks = await exportLabels(deps.db, { ...query.data, projectId: auth.projectId, actorId: auth.user.id });
  const filename = `${project?.slug ?? "project"}-labels.${query.data.format}`;
  return new Response(toByteStream(chunks, req.signal), {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[query.data.format],
      "content-disposition": `attachment; filename="${filename}"`,
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
