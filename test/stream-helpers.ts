import type { ImportRow } from "@/server/services/imports";

/** Splits text into byte chunks of `size`, deliberately cutting through multi-byte chars. */
export async function* byteChunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function collect(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Runs the stream to the end and returns what it threw (fails the test if nothing). */
export async function thrown(rows: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of rows) void _;
  } catch (err) {
    return err;
  }
  throw new Error("expected the stream to throw");
}

export async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
