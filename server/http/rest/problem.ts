/** RFC 9457 problem details for the REST API: one shape for every error, with each bad field named. */
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";

export type FieldError = { field: string; message: string };

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  412: "Precondition failed",
  413: "Content too large",
  429: "Too many requests",
  500: "Internal server error",
};

export function problem(status: number, detail: string, errors?: FieldError[]): Response {
  const body = { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...(errors ? { errors } : {}) };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json" } });
}

/** A zod failure as field errors; `prefix` says where the field was (a path parameter, the query). */
export function fieldErrors(error: z.ZodError, prefix = ""): FieldError[] {
  return error.issues.map((i) => ({ field: prefix + (i.path.map(String).join(".") || "(body)"), message: i.message }));
}

/** An error from a procedure call: its status and message (internal ones are already generic), its bad fields. */
export function problemFromError(err: unknown): Response {
  if (!(err instanceof TRPCError)) {
    console.error("REST call failed:", err);
    return problem(500, "Internal server error");
  }
  const status = getHTTPStatusCodeFromError(err);
  if (err.cause instanceof z.ZodError) return problem(status, "The input is invalid", fieldErrors(err.cause));
  const details = (err.cause as { details?: { field?: unknown; errors?: unknown } } | undefined)?.details;
  if (Array.isArray(details?.errors)) return problem(status, err.message, rowErrors(details.errors as RowError[]));
  const field = typeof details?.field === "string" ? details.field : null;
  return problem(status, err.message, field ? [{ field, message: err.message }] : undefined);
}

type RowError = { line: number; field: string | null; message: string };

/** An upsert's rows are its `items`: line n is items[n - 1] (line 0: the batch as a whole). */
function rowErrors(errors: RowError[]): FieldError[] {
  return errors.map((e) => ({
    field: e.line > 0 ? `items.${e.line - 1}${e.field ? `.${e.field}` : ""}` : "items",
    message: e.message,
  }));
}
