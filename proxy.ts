/**
 * Proxy (Next 16's middleware) does no authorisation: it only tells server
 * components which path was requested, so the authenticated layout can send
 * a logged-out visitor to `/login?next=<that path>`. Auth lives in the tRPC
 * procedures and the (app) layout.
 */
import { NextResponse, type NextRequest } from "next/server";

export const REQUEST_PATH_HEADER = "x-loupe-path";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  // Always overwritten: a client-sent value never reaches the app.
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|jpg|webp|txt)$).*)"],
};
