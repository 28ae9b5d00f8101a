/**
 * The tRPC entry on a plain Node request: what the production web server
 * (scripts/serve.ts) answers /api/trpc with, before Next sees the request.
 * The same handleTrpcRequest as the Next route (guards, context, errors), only
 * without Next's routing and request wrapping: ~1.6 ms less per call at p50
 * with 100 annotators on 2 cores (bench/README.md, API; the p99 gain is within
 * the run-to-run spread).
 */
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { handleTrpcRequest, TRPC_ENDPOINT } from "./http";
import { BodyTooLargeError, declaredTooLarge, MAX_TRPC_BODY_BYTES } from "./body-limit";

export { MAX_TRPC_BODY_BYTES };

const gzip = promisify(gzipCallback);

export function isTrpcPath(url: string | undefined): boolean {
  return !!url && (url.startsWith(`${TRPC_ENDPOINT}/`) || url.startsWith(`${TRPC_ENDPOINT}?`));
}

/**
 * The path as a router sees it: dot segments (also written %2e) resolved, as Next
 * does before it picks a route, so `/api/./trpc/...` cannot go round a check made
 * on the raw path (the query kept). Null when the URL does not parse.
 */
export function normalisedPath(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, "http://localhost");
    return u.pathname + u.search;
  } catch {
    return null;
  }
}

export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (declaredTooLarge(req.headers["content-length"])) {
    refuseTooLarge(res);
    return;
  }
  let response: Response;
  try {
    response = await handleTrpcRequest(incomingMessageToRequest(req, res, { maxBodySize: MAX_TRPC_BODY_BYTES }));
  } catch (err) {
    console.error("tRPC request failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "Internal server error" } }));
    return;
  }
  await writeResponse(req, res, response);
}

/**
 * 413 before a byte of the body is read. The rest of the upload is then discarded
 * as it arrives (node:http drains an unread request), never held: closing the socket
 * instead would reset it under a client still sending, which then never sees the 413.
 */
export function refuseTooLarge(res: ServerResponse): void {
  res.writeHead(413, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message: new BodyTooLargeError(MAX_TRPC_BODY_BYTES).message } }));
}

/** Smaller bodies go out as they are, as with Next's own compression (the `compression` middleware's threshold). */
export const GZIP_MIN_BYTES = 1024;

/**
 * Status, headers (every Set-Cookie kept apart) and body. A JSON body of at
 * least GZIP_MIN_BYTES goes out gzipped when the client accepts it, as `next
 * start` does for its routes (a queue.next answer with its handoff context is
 * a few kB); the compression runs on libuv's thread pool, not the event loop.
 */
async function writeResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (!compressible(req, response)) {
    res.writeHead(response.status, headers);
    // A client that goes away mid-body ends the pipeline; nothing to report.
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), res).catch(() => {});
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const vary = headers["vary"] ? `${String(headers["vary"])}, Accept-Encoding` : "Accept-Encoding";
  if (body.length < GZIP_MIN_BYTES) {
    res.writeHead(response.status, { ...headers, vary, "content-length": String(body.length) });
    res.end(body);
    return;
  }
  const zipped = await gzip(body);
  res.writeHead(response.status, {
    ...headers,
    vary,
    "content-encoding": "gzip",
    "content-length": String(zipped.length),
  });
  res.end(zipped);
}

/** Whole JSON answers only (a streamed batch, `trpc-accept: application/jsonl`, is passed through as it comes). */
function compressible(req: IncomingMessage, response: Response): boolean {
  if (response.headers.has("content-encoding")) return false;
  if (!(response.headers.get("content-type") ?? "").startsWith("application/json")) return false;
  return /\bgzip\b/i.test(String(req.headers["accept-encoding"] ?? ""));
}
