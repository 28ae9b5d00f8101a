import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ImportFormatError, ImportValidationError } from "./errors";
import { parseImportStream } from "./parse-import";
import { byteChunks, collect, thrown } from "@/test/stream-helpers";

const csv = (text: string, chunk = 7) => parseImportStream(byteChunks(text, chunk), { format: "csv" });

describe("parseImportStream (csv)", () => {
  it("handles BOM, CRLF, quoted commas/newlines, extra columns and reports start lines", async () => {
    const text =
      "\uFEFFID,Title,description,Category,split,Brand,Colour\r\n" +
      'a1,"Headphones, wireless","Line one\r\nline two",Audio>Headphones,Test,Sonora,\r\n' +
      "\r\n" +
      'a2,"Mug ""Big""",,,,Brevia,Blue\r\n' +
      'a3,"multi\nline\ntitle",d,,pool,,\r\n';
    const rows = await collect(csv(text));
    expect(rows).toEqual([
      {
        line: 2,
        externalId: "a1",
        title: "Headphones, wireless",
        description: "Line one\r\nline two",
        categoryPath: "Audio > Headphones",
        split: "test",
        attributes: { Brand: "Sonora" },
      },
      {
        line: 5,
        externalId: "a2",
        title: 'Mug "Big"',
        description: null,
        categoryPath: null,
        split: "pool",
        attributes: { Brand: "Brevia", Colour: "Blue" },
      },
      {
        line: 6,
        externalId: "a3",
        title: "multi\nline\ntitle",
        description: "d",
        categoryPath: null,
        split: "pool",
        attributes: {},
      },
    ]);
  });

  it.each([
    ["start", 2],
    ["middle", 4],
    ["end", 7],
  ])("reports a bad row at the %s with its line even after quoted newlines", async (_where, badLine) => {
    const lines = ["id,title,split"];
    for (let line = 2; line <= 7; line++) {
      lines.push(line === badLine ? `r${line},ok,train` : `r${line},ok,pool`);
    }
    lines.splice(2, 1, 'q,"two\r\nlines",pool'); // line 3 becomes a two-line record (3-4)
    const text = lines.join("\r\n") + "\r\n";
    const err = (await thrown(csv(text))) as ImportValidationError;
    // Everything after the spliced record shifts down one physical line.
    const expected = badLine >= 4 ? badLine + 1 : badLine;
    expect(err).toBeInstanceOf(ImportValidationError);
    expect(err.errors).toEqual([{ line: expected, field: "split", message: 'must be "pool" or "test"' }]);
  });

  it("reports column-count mismatches, missing titles and duplicate ids", async () => {
    const text = "id,title\nx,1\ny\nz,\nx,dup\n,,\n";
    const err = (await thrown(csv(text))) as ImportValidationError;
    expect(err.errors).toEqual([
      { line: 3, field: null, message: "expected 2 columns, got 1" },
      { line: 4, field: "title", message: "required" },
      { line: 5, field: "id", message: 'duplicate id "x" (first on line 2)' },
    ]);
  });

  it("rejects a missing header column, a duplicate header and an empty file", async () => {
    const noTitle = await thrown(csv("id,name\n1,a\n"));
    expect(noTitle).toBeInstanceOf(ImportFormatError);
    expect((noTitle as Error).message).toContain('no "title" column');
    expect(await thrown(csv("id,title,ID\n1,a,b\n"))).toBeInstanceOf(ImportFormatError);
    expect(await thrown(csv(""))).toBeInstanceOf(ImportFormatError);
  });

  it("turns broken quoting into a format error", async () => {
    const err = await thrown(csv('id,title\n1,"never closed\n2,b\n'));
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toMatch(/invalid CSV/);
  });

  it("accepts a header-only file as zero rows", async () => {
    expect(await collect(csv("id,title\n"))).toEqual([]);
  });

  it("reads from a Node readable stream", async () => {
    const source = Readable.from([Buffer.from("id,title,category\n1,Mouse,Computer Accessories>Mice\n")]);
    const rows = await collect(parseImportStream(source, { format: "csv" }));
    expect(rows.map((r) => [r.line, r.externalId, r.categoryPath])).toEqual([[2, "1", "Computer Accessories > Mice"]]);
  });
});
