/**
 * Who may call a route outside tRPC (streamed uploads and downloads): the
 * session from the cookie, the role from the membership, the same rules as the
 * procedures. 401 without a live session, 404 for a project the user is not
 * in, 403 for a role without the right.
 */
import type { Db } from "@/db/client";
import type { Role, TokenScope } from "@/lib/constants";
import { admitTokenCall, resolveApiToken } from "@/server/services/api-tokens";
import { readCookie, SESSION_COOKIE } from "@/server/auth/cookies";
import { RouteProjectId } from "@/server/schemas/data";
import { getSessionUser, roleInProject, type SessionUser } from "@/server/services/auth";
import { bearerTokenOf } from "./http";
import { jsonError } from "./responses";

export type HttpDeps = { db: Db; sessionSecret: string };
type Authorised =
  { ok: true; user: SessionUser; projectId: number; apiTokenId: number | null } | { ok: false; response: Response };

/**
 * The same for a route that pipelines may call with `Authorization: Bearer`: the token must be
 * live, hold `scope`, be valid for the project and not be over its rate; then the owner's
 * current role decides, as for a session. Without a bearer header the cookie applies.
 */
export async function authoriseProjectRequestOrToken(
  req: Request,
  deps: HttpDeps & { tokenRatePerMinute: number },
  rawProjectId: string,
  roles: readonly Role[],
  scope: TokenScope,
): Promise<Authorised> {
  const bearer = bearerTokenOf(req);
  if (bearer === null) return authoriseProjectRequest(req, deps, rawProjectId, roles);
  const id = RouteProjectId.safeParse(Number(rawProjectId));
  const found = await resolveApiToken(deps.db, { token: bearer, projectId: id.success ? id.data : undefined });
  if (!found) return { ok: false, response: jsonError(401, "The API token is invalid, expired or revoked") };
  // As in the procedures: a project the owner is not in is not found, before the token is weighed.
  if (!id.success || !found.role) return { ok: false, response: jsonError(404, "Project not found") };
  const refusal = admitTokenCall(found.grant, { scope, ratePerMinute: deps.tokenRatePerMinute, projectId: id.data });
  if (refusal) return { ok: false, response: jsonError(refusal.kind === "rate" ? 429 : 403, refusal.message) };
  if (!roles.includes(found.role))
    return { ok: false, response: jsonError(403, `Your role (${found.role}) cannot do that in this project`) };
  return { ok: true, user: found.user, projectId: id.data, apiTokenId: found.grant.id };
}

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
  return { ok: true, user, projectId: id.data, apiTokenId: null };
}
