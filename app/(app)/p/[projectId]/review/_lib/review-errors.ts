/** How the outbox treats a failed call: retry later, wait for a login, or give up with a reason. */
import { TRPCClientError } from "@trpc/client";
import { errorCode, errorMessage } from "@/app/_lib/errors";

export type Failure =
  | { kind: "retry" }
  | { kind: "auth" }
  | { kind: "conflict"; message: string }
  | { kind: "deleted-category"; paths: string[]; message: string }
  | { kind: "rejected"; message: string };

function deletedPaths(error: unknown): string[] | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("details" in data)) return null;
  const details: unknown = data.details;
  if (typeof details !== "object" || details === null || !("deletedCategories" in details)) return null;
  const list: unknown = details.deletedCategories;
  if (!Array.isArray(list)) return null;
  return list.flatMap((d: unknown) =>
    typeof d === "object" && d !== null && "path" in d && typeof d.path === "string" ? [d.path] : [],
  );
}

export function classifyFailure(error: unknown): Failure {
  const code = errorCode(error);
  // No code: the network, a proxy page or a refused batch. 5xx and rate limits pass too.
  if (code === null || code === "INTERNAL_SERVER_ERROR" || code === "TIMEOUT" || code === "TOO_MANY_REQUESTS")
    return { kind: "retry" };
  if (code === "UNAUTHORIZED") return { kind: "auth" };
  if (code === "CONFLICT") return { kind: "conflict", message: errorMessage(error) };
  const paths = code === "BAD_REQUEST" ? deletedPaths(error) : null;
  if (paths && paths.length > 0) return { kind: "deleted-category", paths, message: errorMessage(error) };
  return { kind: "rejected", message: errorMessage(error) };
}

/** Exponential backoff with jitter, capped: 0.5 s, 1 s, 2 s … 30 s. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random() / 2));
}

/** crypto.randomUUID exists only in secure contexts; a LAN deployment over http still needs keys. */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  // RFC 4122 version 4 and variant bits.
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
