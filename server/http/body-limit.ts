/**
 * The one request-body cap of every route that takes a JSON body: checked on the
 * declared length first, then counted while the stream is read, so a body over
 * it is never held whole (nor parsed) whatever path or adapter brought it here.
 */

/** The biggest call, a 500-decision batch, is well under this. */
export const MAX_TRPC_BODY_BYTES = 1 << 20;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body is larger than the ${limit / 1048576} MiB limit`);
  }
}

/** True when a declared Content-Length is over `limit` (or is not a length at all). */
export function declaredTooLarge(contentLength: string | null | undefined, limit = MAX_TRPC_BODY_BYTES): boolean {
  if (contentLength == null || contentLength === "") return false;
  const n = Number(contentLength);
  return !Number.isFinite(n) || n > limit;
}

/** The request with its body read into memory, up to `limit` bytes; over it, BodyTooLargeError. */
export async function boundedRequest(req: Request, limit = MAX_TRPC_BODY_BYTES): Promise<Request> {
  if (req.method === "GET" || req.method === "HEAD" || !req.body) return req;
  // The rest of the body is left unread, not cancelled: cancelling a node request's
  // stream destroys the socket, and the caller would get a reset instead of the 413.
  if (declaredTooLarge(req.headers.get("content-length"), limit)) throw new BodyTooLargeError(limit);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (err) {
      // The node adapter's own cap (the same limit) errors the stream as it passes it.
      if ((err as { code?: unknown } | null)?.code === "PAYLOAD_TOO_LARGE") throw new BodyTooLargeError(limit);
      throw err;
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk.value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return new Request(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
}
