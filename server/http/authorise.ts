/**
 * Who may call a route outside tRPC (streamed uploads and downloads): the
 * session from the cookie, the role from the membership, the same rules as the
 * procedures. 401 without a live session, 404 for a project the user is not
 * in, 403 for a role without the right.
 */
import type { Db } from "@/db/client";
import type { Role } from "@/lib/constants";
import { readCookie, SESSION_COOKIE } from "@/server/auth/cookies";
import { RouteProjectId } from "@/server/schemas/data";
import { getSessionUser, roleInProject, type SessionUser } from "@/server/services/auth";
import { jsonError } from "./responses";

export type HttpDeps = { db: Db; sessionSecret: string };
type Authorised = { ok: true; user: SessionUser; projectId: number } | { ok: false; response: Response };

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
