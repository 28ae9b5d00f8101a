/**
 * An upload is written to a private temporary file before the import starts: the import
 * holds one transaction for the whole file, and on PGlite (one connection) a slow client
 * uploading into an open transaction would stall every other user. From the disk the
 * transaction reads as fast as it can parse. The byte cap is enforced while spooling.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export class SpoolTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`File is larger than the ${maxBytes / 1048576} MB limit`);
  }
}

export type Spooled = { bytes: number; chunks: () => AsyncGenerator<Uint8Array>; remove: () => Promise<void> };

export async function spoolUpload(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Spooled> {
  const dir = await mkdtemp(path.join(tmpdir(), "loupe-upload-"));
  const file = path.join(dir, "body");
  const remove = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  try {
    await pipeline(
      Readable.fromWeb(body as WebReadableStream<Uint8Array>),
      async function* capped(source: AsyncIterable<Uint8Array>) {
        for await (const chunk of source) {
          bytes += chunk.byteLength;
          if (bytes > maxBytes) throw new SpoolTooLargeError(maxBytes);
          yield chunk;
        }
      },
      createWriteStream(file, { mode: 0o600 }),
    );
  } catch (err) {
    await remove();
    throw err;
  }
  return {
    bytes,
    chunks: async function* () {
      for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) yield chunk as Uint8Array;
    },
    remove,
  };
}
