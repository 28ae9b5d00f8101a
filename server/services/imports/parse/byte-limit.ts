import { ImportTooLargeError } from "./errors";
import type { ImportSource } from "./types";

export type ByteCounter = { bytes: number };

/**
 * Normalises chunks to bytes and enforces the cap on the fly: we throw on the chunk
 * that crosses it, so the producer is never asked for more.
 */
export async function* limitBytes(
  source: ImportSource,
  maxBytes: number,
  counter: ByteCounter,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    counter.bytes += bytes.byteLength;
    if (counter.bytes > maxBytes) throw new ImportTooLargeError(maxBytes, counter.bytes);
    yield bytes;
  }
}
