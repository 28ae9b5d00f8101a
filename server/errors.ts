/** Typed service errors, mapped once to tRPC codes; unknown errors never leak their message. */
import { TRPCError } from "@trpc/server";

export class ServiceError extends Error {
  constructor(
    readonly code:
      | "NOT_FOUND"
      | "FORBIDDEN"
      | "CONFLICT"
      | "BAD_REQUEST"
      | "UNAUTHORIZED"
      | "TOO_MANY_REQUESTS"
      | "PRECONDITION_FAILED",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFoundError extends ServiceError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} not found`);
  }
}
export class ConflictError extends ServiceError {
  constructor(message: string, details?: unknown) {
    super("CONFLICT", message, details);
  }
}
export class ValidationError extends ServiceError {
  constructor(message: string, details?: unknown) {
    super("BAD_REQUEST", message, details);
  }
}
export class UnauthorizedError extends ServiceError {
  constructor(message = "Please log in") {
    super("UNAUTHORIZED", message);
  }
}
export class RateLimitedError extends ServiceError {
  constructor(message: string) {
    super("TOO_MANY_REQUESTS", message);
  }
}

/** Postgres' query_canceled: here, a request's statement that ran past LOUPE_STATEMENT_TIMEOUT_MS. */
export function isStatementTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "57014") return true;
  }
  return false;
}

export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (err instanceof ServiceError) return new TRPCError({ code: err.code, message: err.message, cause: err });
  if (isStatementTimeout(err)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "That took the database too long; try again, or narrow the request",
      cause: err,
    });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal server error", cause: err });
}

const HTTP_STATUS: Record<ServiceError["code"], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
};

/** The HTTP status of a typed service error, for the routes outside tRPC; anything else is a 500. */
export function toHttpStatus(err: unknown): number {
  return err instanceof ServiceError ? HTTP_STATUS[err.code] : 500;
}
