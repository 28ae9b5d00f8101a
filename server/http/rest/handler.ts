/**
 * /api/v1: match a route, take the API token (Bearer only: no cookie, so no
 * cross-site forgery to guard against), validate path, query and body with the
 * route's zod schemas (a 400 names each bad field), call its procedure and
 * answer its documented shape; every error is problem+json.
 */
import { getRequestDb } from "@/server/db";
import { env } from "@/server/env";
import { FROM_SESSION } from "@/server/trpc";
import { BodyTooLargeError, boundedRequest } from "../body-limit";
import { bearerTokenOf } from "../http";
import { openApiDocument } from "./openapi";
import { fieldErrors, problem, problemFromError } from "./problem";
import { createRestCaller, REST_ROUTES, type RestRoute } from "./routes";

export const REST_PREFIX = "/api/v1";

type Match = { route: RestRoute; params: Record<string, string> };

/** `/projects/{projectId}/categories` against `/projects/12/categories`. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const g = got[i] ?? "";
    if (w.startsWith("{") && w.endsWith("}")) params[w.slice(1, -1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}

function findRoute(method: string, path: string): Match | "wrong_method" | null {
  let pathMatched = false;
  for (const route of REST_ROUTES) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    pathMatched = true;
    if (route.method.toUpperCase() === method) return { route, params };
  }
  return pathMatched ? "wrong_method" : null;
}

async function readBody(req: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  let text: string;
  try {
    text = await (await boundedRequest(req)).text();
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { ok: false, response: problem(413, err.message) };
    throw err;
  }
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      response: problem(400, "The body is not valid JSON", [{ field: "(body)", message: "not JSON" }]),
    };
  }
}

export async function handleRestRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname.slice(REST_PREFIX.length) || "/";
  if (path === "/openapi.json" && req.method === "GET") return Response.json(openApiDocument());
  let found: Match | "wrong_method" | null;
  try {
    found = findRoute(req.method, path);
  } catch {
    return problem(404, "No such route"); // a malformed % escape in the path
  }
  if (found === null) return problem(404, `No route ${path}`);
  if (found === "wrong_method") return problem(405, `${req.method} is not allowed on ${path}`);
  const { route } = found;
  const token = bearerTokenOf(req);
  if (!token) return problem(401, "Send an API token as Authorization: Bearer loupe_pat_…");

  const params = route.params.safeParse(found.params);
  if (!params.success) return problem(400, "Invalid path", fieldErrors(params.error));
  const query = route.query?.safeParse(Object.fromEntries(url.searchParams));
  if (query && !query.success) return problem(400, "Invalid query", fieldErrors(query.error));
  let body: unknown;
  if (route.body) {
    const read = await readBody(req);
    if (!read.ok) return read.response;
    const parsed = route.body.safeParse(read.value);
    if (!parsed.success) return problem(400, "The input is invalid", fieldErrors(parsed.error));
    body = parsed.data;
  }

  const e = env();
  const { db } = await getRequestDb();
  const caller = createRestCaller({
    db,
    user: FROM_SESSION,
    sessionToken: null,
    bearerToken: token,
    apiTokenRatePerMinute: e.API_TOKEN_RATE_PER_MINUTE,
    sessionSecret: e.sessionSecret,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    costlyCallsPerMinute: e.COSTLY_CALLS_PER_MINUTE,
    clientKey: "rest",
    secureCookies: false,
  });
  try {
    const out = await route.call(caller, { params: params.data, query: query?.data, body } as never);
    // Through JSON first (dates become ISO strings), then stripped to the documented shape.
    const shaped = route.response.parse(route.plainJson ? out : JSON.parse(JSON.stringify(out)));
    return Response.json(shaped, { status: route.status });
  } catch (err) {
    return problemFromError(err);
  }
}
