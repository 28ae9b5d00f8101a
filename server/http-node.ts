/**
 * The tRPC entry on a plain Node request: what the production web server
 * (scripts/serve.ts) answers /api/trpc with, before Next sees the request.
 * The same handleTrpcRequest as the Next route (guards, context, errors), only
 * without Next's routing and request wrapping, which cost ~1 ms of CPU per call
 * and most of the tail at 100 annotators on 2 cores (bench/README.md, API).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { handleTrpcRequest, TRPC_ENDPOINT } from "./http";

/** Larger request bodies are refused with 413 (the biggest call, a 500-decision batch, is well under this). */
export const MAX_TRPC_BODY_BYTES = 1 << 20;

export function isTrpcPath(url: string | undefined): boolean {
  return !!url && (url.startsWith(`${TRPC_ENDPOINT}/`) || url.startsWith(`${TRPC_ENDPOINT}?`));
}

export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let response: Response;
  try {
    response = await handleTrpcRequest(incomingMessageToRequest(req, res, { maxBodySize: MAX_TRPC_BODY_BYTES }));
  } catch (err) {
    console.error("tRPC request failed:", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "Internal server error" } }));
    return;
  }
  await writeResponse(res, response);
}

/** Status, headers (every Set-Cookie kept apart) and body, streamed as tRPC produced it. */
async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // A client that goes away mid-body ends the pipeline; nothing to report.
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), res).catch(() => {});
}
