/**
 * Proxy (Next 16's middleware) does no authorisation. It tells server components which
 * path was requested, so the authenticated layout can send a logged-out visitor to
 * `/login?next=<that path>`, and it sets the pages' security headers: the
 * Content-Security-Policy carries a nonce made for this request, which Next reads from
 * the request's copy of the header and puts on its own scripts (pages are rendered per
 * request: app/layout.tsx). Auth lives in the tRPC procedures and the (app) layout.
 */
import { NextResponse, type NextRequest } from "next/server";
import { HSTS, newNonce, pageCsp, SECURITY_HEADERS, servedOverHttps } from "@/lib/security-headers";

export const REQUEST_PATH_HEADER = "x-loupe-path";

export function proxy(request: NextRequest) {
  const https = servedOverHttps(request.nextUrl.protocol, request.headers.get("x-forwarded-proto"));
  const csp = pageCsp(newNonce(), { dev: process.env.NODE_ENV === "development", https });
  const headers = new Headers(request.headers);
  // Always overwritten: a client-sent value never reaches the app.
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|jpg|webp|txt)$).*)"],
};
