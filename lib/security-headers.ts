/**
 * Security headers of every answer, pages and API alike: set by proxy.ts on pages (with the
 * per-request CSP nonce), by next.config.ts on everything Next serves, and by npm start's
 * node front (scripts/serve.ts) on the /api/trpc answers it gives without Next.
 */

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  // Loupe links nowhere that needs to know where the click came from.
  "Referrer-Policy": "same-origin",
  // frame-ancestors for browsers that predate it.
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

/** Answers that are data, not documents: nothing may run in, load from or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sent only over https (browsers ignore it on http): a year, subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * The pages' policy. Scripts run only with this request's nonce (Next puts it on its own
 * scripts, which then load their chunks: 'strict-dynamic'); no 'unsafe-eval' outside
 * `next dev`, where React needs it for its error overlay. Inline style attributes stay
 * allowed: React and the charts set them, and a style cannot run code.
 */
export function pageCsp(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** https as the browser sees it: the request itself, or what the proxy in front says it was. */
export function servedOverHttps(protocol: string, forwardedProto: string | null | undefined): boolean {
  return protocol === "https:" || (forwardedProto ?? "").split(",")[0]?.trim().toLowerCase() === "https";
}

/** A fresh nonce per page request: 128 random bits, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
