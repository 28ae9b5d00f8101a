import { describe, expect, it } from "vitest";
import { ImportTooLargeError, ImportTooManyRowsError, ImportValidationError } from "./errors";
import { parseImportStream, validateImportStream } from "./parse-import";
import type { ImportFormat } from "./types";
import { asyncOf, thrown } from "@/test/stream-helpers";

const MB = 1024 * 1024;

/** Lazily produces `totalBytes` of valid rows in 1 MiB chunks, counting what was pulled. */
function lazyStream(format: ImportFormat, totalBytes: number) {
  const stats = { pulled: 0, chunks: 0 };
  const filler = "x".repeat(1000);
  async function* gen(): AsyncGenerator<Uint8Array> {
    if (format === "csv") yield Buffer.from("id,title\n");
    let n = 0;
    while (stats.pulled < totalBytes) {
      const lines: string[] = [];
      let size = 0;
      while (size < MB) {
        n += 1;
        const line = format === "csv" ? `r${n},${filler}\n` : `{"id":"r${n}","title":"${filler}"}\n`;
        lines.push(line);
        size += line.length;
      }
      const chunk = Buffer.from(lines.join(""));
      stats.pulled += chunk.byteLength;
      stats.chunks += 1;
      yield chunk;
    }
  }
  return { source: gen(), stats };
}

describe("import limits", () => {
  it("refuses a lazy 250 MB JSONL stream at the default 200 MB cap without reading the rest", async () => {
    const { source, stats } = lazyStream("jsonl", 250 * MB);
    let yielded = 0;
    const err = await thrown(
      (async function* () {
        for await (const row of parseImportStream(source, { format: "jsonl" })) yield ((yielded += 1), row);
      })(),
    );
    expect(err).toBeInstanceOf(ImportTooLargeError);
    expect((err as ImportTooLargeError).code).toBe("IMPORT_TOO_LARGE");
    expect((err as ImportTooLargeError).maxBytes).toBe(200 * MB);
    expect(stats.pulled).toBeGreaterThan(200 * MB);
    expect(stats.pulled).toBeLessThan(200 * MB + 2 * MB); // stopped on the chunk that crossed
    expect(yielded).toBeGreaterThan(0); // rows really streamed before the cap
  });

  it("refuses a lazy 250 MB CSV stream as soon as a smaller cap is crossed", async () => {
    const { source, stats } = lazyStream("csv", 250 * MB);
    const err = await thrown(parseImportStream(source, { format: "csv", maxBytes: 10 * MB }));
    expect(err).toBeInstanceOf(ImportTooLargeError);
    // The node stream pipeline may read a few chunks ahead, but nowhere near 250 MB.
    expect(stats.pulled).toBeLessThan(16 * MB);
  });

  it("the pre-pass enforces the byte cap too", async () => {
    const { source, stats } = lazyStream("jsonl", 250 * MB);
    await expect(validateImportStream(source, { format: "jsonl", maxBytes: 3 * MB })).rejects.toBeInstanceOf(
      ImportTooLargeError,
    );
    expect(stats.chunks).toBe(3); // each chunk is just over 1 MiB, so the third crosses 3 MiB
  });

  it.each(["jsonl", "csv"] as const)("enforces the row cap for %s, counting invalid rows", async (format) => {
    const head = format === "csv" ? "id,title\n" : "";
    const row = (i: number) => (format === "csv" ? `r${i},t\n` : `{"id":"r${i}","title":"t"}\n`);
    const bad = format === "csv" ? "r0,\n" : '{"id":"r0"}\n';
    const ok = head + bad + [1, 2, 3, 4].map(row).join("");
    // 5 rows with cap 5: only the validation error, no cap error.
    expect(await thrown(parseImportStream(asyncOf([ok]), { format, maxRows: 5 }))).toBeInstanceOf(
      ImportValidationError,
    );
    const err = await thrown(parseImportStream(asyncOf([ok + row(5)]), { format, maxRows: 5 }));
    expect(err).toBeInstanceOf(ImportTooManyRowsError);
    expect((err as ImportTooManyRowsError).line).toBe(format === "csv" ? 7 : 6);
  });

  it("counts UTF-8 bytes, not characters, for string chunks", async () => {
    const line = `{"id":"a","title":"${"é".repeat(10)}"}\n`; // each é is 2 bytes
    const bytes = Buffer.byteLength(line);
    const ok = await validateImportStream(asyncOf([line]), { format: "jsonl", maxBytes: bytes });
    expect(ok.bytes).toBe(bytes);
    await expect(
      validateImportStream(asyncOf([line]), { format: "jsonl", maxBytes: line.length }),
    ).rejects.toBeInstanceOf(ImportTooLargeError);
  });
});
