/** JSON answers of the routes outside tRPC (uploads and downloads), in one shape. */
import { ServiceError, toHttpStatus } from "@/server/errors";

export function jsonError(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error: { message, ...extra } }, { status, headers: { "cache-control": "no-store" } });
}

/** A typed service error as its status and message; an unknown one is a 500 that says nothing of its cause. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ServiceError) {
    const details = err.details && typeof err.details === "object" ? (err.details as Record<string, unknown>) : {};
    return jsonError(toHttpStatus(err), err.message, details);
  }
  console.error("[http] route failed:", err);
  return jsonError(500, "Internal server error");
}
