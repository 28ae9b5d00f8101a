/**
 * A minimal tRPC 11 HTTP client for the bench: one procedure per request
 * (no batching), superjson envelope `{"json": input}`, the session cookie.
 */
export class TrpcError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Session = { cookie: string; clientIp: string };

/** A mutation (POST). */
export async function call<T>(
  base: string,
  proc: string,
  input: unknown,
  s: Partial<Session> = {},
): Promise<{ data: T; setCookie: string | null }> {
  const res = await fetch(`${base}/api/trpc/${proc}`, {
    method: "POST",
    headers: headersFor(s),
    body: JSON.stringify({ json: input }),
  });
  return answer<T>(res);
}

/** A query (GET, input in the URL). */
export async function query<T>(base: string, proc: string, input: unknown, s: Partial<Session> = {}): Promise<T> {
  const url = `${base}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(url, { headers: headersFor(s) });
  return (await answer<T>(res)).data;
}

function headersFor(s: Partial<Session>): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (s.cookie) headers.cookie = s.cookie;
  // One address per simulated person, as a proxy would forward it (login throttling is per address).
  if (s.clientIp) headers["x-forwarded-for"] = s.clientIp;
  return headers;
}

async function answer<T>(res: Response): Promise<{ data: T; setCookie: string | null }> {
  const text = await res.text();
  let body: { result?: { data?: { json?: T } }; error?: { json?: { message?: string; data?: { code?: string } } } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new TrpcError(`non-JSON answer (${res.status}): ${text.slice(0, 200)}`, "PARSE", res.status);
  }
  if (!res.ok || body.error) {
    const e = body.error?.json;
    throw new TrpcError(e?.message ?? `HTTP ${res.status}`, e?.data?.code ?? String(res.status), res.status);
  }
  return { data: body.result?.data?.json as T, setCookie: res.headers.get("set-cookie") };
}

export async function login(base: string, email: string, password: string, clientIp: string): Promise<Session> {
  const { setCookie } = await call(base, "auth.login", { email, password }, { clientIp });
  const m = /loupe_session=([^;]+)/.exec(setCookie ?? "");
  if (!m) throw new Error(`no loupe_session cookie in the login answer for ${email}`);
  return { cookie: `loupe_session=${m[1]}`, clientIp };
}
