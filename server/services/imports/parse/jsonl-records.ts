import { ImportFormatError } from "./errors";
import type { RawRecord } from "./raw-record";

/**
 * Splits a byte stream into JSON lines. Only the current partial line is buffered, and it
 * is capped so a file without newlines can't make us hold the whole upload in memory.
 */
export async function* readJsonlRecords(
  chunks: AsyncIterable<Uint8Array>,
  maxLineChars: number,
): AsyncGenerator<RawRecord> {
  // fatal: reject bad UTF-8 rather than silently storing U+FFFD; a leading BOM is stripped.
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let pending = "";
  let line = 0;

  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new ImportFormatError("invalid UTF-8", line + 1);
    }
  };

  for await (const chunk of chunks) {
    pending += decode(chunk);
    let start = 0;
    for (let nl = pending.indexOf("\n"); nl !== -1; nl = pending.indexOf("\n", start)) {
      line += 1;
      const record = parseLine(pending.slice(start, nl), line);
      if (record) yield record;
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineChars) {
      throw new ImportFormatError(`line longer than ${maxLineChars} characters`, line + 1);
    }
  }
  pending += decode();
  if (pending !== "") {
    const record = parseLine(pending, line + 1);
    if (record) yield record;
  }
}

function parseLine(text: string, line: number): RawRecord | null {
  if (text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { line, error: { field: null, message: `invalid JSON: ${detail}` } };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line, error: { field: null, message: "expected a JSON object" } };
  }
  return { line, fields: value as Record<string, unknown> };
}
