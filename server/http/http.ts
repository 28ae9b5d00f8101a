/**
 * The tRPC HTTP entry: request guards (cross-site mutations, oversized
 * batches) run before tRPC, then the context is built from the cookie.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/routers/_app";
import { getRequestDb } from "@/server/db";
import { env } from "@/server/env";
import { readCookie, SESSION_COOKIE } from "@/server/auth/cookies";
import { FROM_SESSION, type Context } from "@/server/trpc";
import { MAX_TRPC_BATCH } from "@/lib/constants";
import { BodyTooLargeError, boundedRequest } from "./body-limit";
import { clientAddress, parseTrustProxy, peerIsTrustedProxy, type TrustProxy } from "./client-address";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * The API token of `Authorization: Bearer <token>`, or null when the request
 * sends no bearer credentials (another scheme is not ours: the cookie applies).
 */
export function bearerTokenOf(req: Request): string | null {
  const header = req.headers.get("authorization");
  const match = header ? /^Bearer[ \t]+(.*)$/i.exec(header.trim()) : null;
  return match ? (match[1] ?? "").trim() : null;
}

/**
 * Mutations (POST) must be same-origin JSON: blocks form posts and text/plain from other sites.
 * The host compared with the Origin is the Host header, or X-Forwarded-Host only when the
 * request came through a trusted proxy (TRUST_PROXY): anyone else could name any host there.
 * A bearer request needs no Origin check: it does not use the cookie (a browser
 * cannot be made to attach someone's token cross-site), so there is nothing to forge.
 */
export function rejectUnsafeRequest(req: Request, extraOrigins: string[], fromTrustedProxy = false): string | null {
  if (req.method !== "POST") return null;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return "Mutations require Content-Type: application/json";
  const origin = req.headers.get("origin");
  if (origin && bearerTokenOf(req) === null) return originRefusal(req, origin, extraOrigins, fromTrustedProxy);
  return null;
}

function originRefusal(req: Request, origin: string, extraOrigins: string[], fromTrustedProxy: boolean): string | null {
  const host = (fromTrustedProxy ? forwardedHost(req) : null) ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "Malformed Origin header";
  }
  return originHost !== host && !extraOrigins.includes(origin) ? "Cross-site request refused" : null;
}

/**
 * A form POST (a download that is audited) may only come from Loupe's own pages: browsers
 * always send Origin with a POST, so a missing one is refused as well as a foreign one.
 */
export function rejectCrossSiteForm(req: Request): string | null {
  const origin = req.headers.get("origin");
  if (!origin) return "This request must come from a Loupe page (no Origin header)";
  const e = env();
  return originRefusal(
    req,
    origin,
    allowedOrigins(e),
    peerIsTrustedProxy({ peer: peerOf(req, e), trust: trustProxy(e) }),
  );
}

function allowedOrigins(e: { ALLOWED_ORIGINS: string }): string[] {
  return e.ALLOWED_ORIGINS.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The entry the nearest proxy wrote (proxies that append put theirs last). */
function forwardedHost(req: Request): string | null {
  const entries = (req.headers.get("x-forwarded-host") ?? "").split(",").map((s) => s.trim());
  return entries[entries.length - 1] || null;
}

function peerOf(req: Request, e: { LOUPE_PEER_HEADER?: string }): string | null {
  return e.LOUPE_PEER_HEADER ? req.headers.get(e.LOUPE_PEER_HEADER) : null;
}

export async function handleTrpcRequest(original: Request): Promise<Response> {
  const e = env();
  const refusal = rejectUnsafeRequest(
    original,
    allowedOrigins(e),
    peerIsTrustedProxy({ peer: peerOf(original, e), trust: trustProxy(e) }),
  );
  if (refusal) return Response.json({ error: { message: refusal } }, { status: 403 });
  // Before tRPC parses anything, and before the session is looked at: anonymous callers too.
  let req: Request;
  try {
    req = await boundedRequest(original);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return Response.json({ error: { message: err.message } }, { status: 413 });
    throw err;
  }
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    maxBatchSize: MAX_TRPC_BATCH,
    createContext: ({ resHeaders }) => createHttpContext(req, resHeaders),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

let trustCache: { value: string; trust: TrustProxy } | undefined;
function trustProxy(e: { TRUST_PROXY: string }): TrustProxy {
  if (trustCache?.value !== e.TRUST_PROXY) trustCache = { value: e.TRUST_PROXY, trust: parseTrustProxy(e.TRUST_PROXY) };
  return trustCache.trust;
}

async function createHttpContext(req: Request, resHeaders: Headers): Promise<Context> {
  const e = env();
  const { db } = await getRequestDb();
  const bearer = bearerTokenOf(req);
  // With a bearer token the cookie is not read at all: the call has the token's rights only.
  const token = bearer === null ? readCookie(req.headers.get("cookie"), SESSION_COOKIE) : null;
  // The procedure builders resolve the session or token (with the project role, in one statement).
  const user = token || bearer !== null ? FROM_SESSION : null;
  const peer = peerOf(req, e);
  return {
    db,
    user,
    sessionToken: token,
    bearerToken: bearer,
    apiTokenRatePerMinute: e.API_TOKEN_RATE_PER_MINUTE,
    sessionSecret: e.sessionSecret,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    costlyCallsPerMinute: e.COSTLY_CALLS_PER_MINUTE,
    clientKey: clientAddress({ peer, forwardedFor: req.headers.get("x-forwarded-for"), trust: trustProxy(e) }),
    setCookie: (c) => resHeaders.append("set-cookie", c),
    secureCookies: new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https",
  };
}
