/**
 * Uploads a file to the streaming import route with XMLHttpRequest, because fetch
 * still reports no upload progress. The server validates every row before it
 * commits, so an answer is either a report of what was written or the row errors
 * of a file of which nothing was written.
 */
import { UPLOAD_FILENAME_HEADER } from "@/lib/constants";
import type { ImportResult, ImportRowError } from "@/server/services/imports";

export type UploadOptions = { format: "csv" | "jsonl"; unknownCategories: "create" | "reject" };

export type UploadOutcome =
  | { kind: "imported"; report: ImportResult }
  | { kind: "rejected"; message: string; errors: ImportRowError[]; totalErrors: number }
  | { kind: "failed"; status: number; message: string };

export function formatFromName(name: string): "csv" | "jsonl" | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function rowErrors(v: unknown): ImportRowError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e) =>
    isRecord(e) && typeof e.line === "number" && typeof e.message === "string"
      ? [{ line: e.line, field: typeof e.field === "string" ? e.field : null, message: e.message }]
      : [],
  );
}

/** The route's answer as an outcome; never trusts the body's shape. */
export function parseUploadResponse(status: number, bodyText: string): UploadOutcome {
  let body: unknown = null;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // Not JSON (a proxy's error page): reported by status below.
  }
  if (status === 200 && isRecord(body) && typeof body.importId === "number")
    return { kind: "imported", report: body as ImportResult };
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const message = error && typeof error.message === "string" ? error.message : null;
  if ((status === 400 || status === 413) && error) {
    const errors = rowErrors(error.errors);
    const totalErrors = typeof error.totalErrors === "number" ? error.totalErrors : errors.length;
    return { kind: "rejected", message: message ?? "The file was refused", errors, totalErrors };
  }
  if (status === 401)
    return { kind: "failed", status, message: "Your session has ended. Log in again and upload the file once more." };
  if (status === 0)
    return { kind: "failed", status, message: "Can't reach the server. Check your connection and try again." };
  return { kind: "failed", status, message: message ?? `The upload failed (HTTP ${status}).` };
}

export type UploadHandle = { done: Promise<UploadOutcome>; abort: () => void };

export function uploadImport(
  projectId: number,
  file: File,
  opts: UploadOptions,
  onProgress: (p: { loaded: number; total: number; phase: "uploading" | "processing" }) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ format: opts.format, unknownCategories: opts.unknownCategories });
  const done = new Promise<UploadOutcome>((resolve) => {
    xhr.upload.onprogress = (e) =>
      onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size, phase: "uploading" });
    // Every byte sent: the server is now validating and writing in one transaction.
    xhr.upload.onload = () => onProgress({ loaded: file.size, total: file.size, phase: "processing" });
    xhr.onload = () => resolve(parseUploadResponse(xhr.status, xhr.responseText));
    xhr.onerror = () => resolve(parseUploadResponse(0, ""));
    xhr.onabort = () => resolve({ kind: "failed", status: 0, message: "Upload cancelled: nothing was written." });
  });
  xhr.open("POST", `/api/projects/${projectId}/import?${query.toString()}`);
  xhr.setRequestHeader(UPLOAD_FILENAME_HEADER, encodeURIComponent(file.name));
  xhr.setRequestHeader("content-type", opts.format === "csv" ? "text/csv" : "application/x-ndjson");
  xhr.send(file);
  return { done, abort: () => xhr.abort() };
}
