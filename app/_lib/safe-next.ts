/**
 * Where to go after logging in. Only same-site relative paths are accepted:
 * "//evil.example", "/\\evil.example", "https://…" and "javascript:" all fall back to "/".
 */
const BASE = "http://loupe.invalid";

export function safeNextPath(next: string | string[] | null | undefined, fallback = "/"): string {
  const raw = Array.isArray(next) ? next[0] : next;
  if (!raw || raw.length > 2048) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // Control characters and backslashes are normalised away by browsers in ways that can change the host.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // Never bounce back to the login page itself.
  if (url.pathname === "/login") return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/login?next=<path>` for a page the visitor tried to open. */
export function loginHref(nextPath: string | null | undefined): string {
  const next = safeNextPath(nextPath, "");
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
