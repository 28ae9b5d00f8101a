/**
 * Turning tRPC errors into words people can act on. Works on both sides:
 * TRPCClientError in the browser, TRPCError from the server-side caller.
 */
import { TRPCClientError } from "@trpc/client";

export type ErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "BAD_REQUEST"
  | "TOO_MANY_REQUESTS"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "TIMEOUT"
  | "INTERNAL_SERVER_ERROR";

const KNOWN = new Set<string>([
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "BAD_REQUEST",
  "TOO_MANY_REQUESTS",
  "PRECONDITION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "TIMEOUT",
  "INTERNAL_SERVER_ERROR",
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** The tRPC code of an error, or null for network failures and non-tRPC errors. */
export function errorCode(error: unknown): ErrorCode | null {
  let code: unknown;
  // Duck-typed so the browser bundle never imports @trpc/server.
  if (error instanceof Error && error.name === "TRPCError" && "code" in error) code = error.code;
  else if (error instanceof TRPCClientError && isRecord(error.data)) code = error.data.code;
  return typeof code === "string" && KNOWN.has(code) ? (code as ErrorCode) : null;
}

type ZodIssueLike = { path: (string | number)[]; message: string };

/** Field-level messages from a BAD_REQUEST caused by input validation (see errorFormatter in server/trpc.ts). */
export function fieldIssues(error: unknown): ZodIssueLike[] {
  if (!(error instanceof TRPCClientError) || !isRecord(error.data)) return [];
  const issues = error.data.zodIssues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is ZodIssueLike => isRecord(i) && typeof i.message === "string" && Array.isArray(i.path));
}

/**
 * A message safe to show. Service errors carry messages written for users
 * (the server hides internal ones), so for 4xx codes the server's text is used.
 */
export function errorMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  const code = errorCode(error);
  const serverText = error instanceof Error && error.message ? error.message : null;
  switch (code) {
    case null:
      if (error instanceof TRPCClientError || error instanceof TypeError) {
        return "Can't reach the server. Check your connection and try again.";
      }
      return fallback;
    case "UNAUTHORIZED":
      return serverText ?? "Your session has ended. Please log in again.";
    case "FORBIDDEN":
      return serverText ?? "You don't have permission to do that.";
    case "NOT_FOUND":
      return serverText ?? "Not found.";
    case "BAD_REQUEST": {
      const issues = fieldIssues(error);
      if (issues.length > 0)
        return issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      return serverText ?? "The request was not valid.";
    }
    case "INTERNAL_SERVER_ERROR":
    case "TIMEOUT":
      return fallback;
    default:
      return serverText ?? fallback;
  }
}
