import { describe, expect, it } from "vitest";
import { ImportFormatError, ImportValidationError } from "./errors";
import { parseImportStream, validateImportStream } from "./parse-import";
import { byteChunks, collect, thrown } from "@/test/stream-helpers";
import { IMPORT_LIMITS } from "@/lib/constants";

const jsonl = (...lines: string[]) => lines.join("\n") + "\n";

describe("parseImportStream (jsonl)", () => {
  it("parses good rows, keeps extra keys as attributes, across odd chunk boundaries", async () => {
    const text =
      "\uFEFF" +
      jsonl(
        JSON.stringify({
          id: "a1",
          title: "Café Grinder ☕",
          category: "Home>Kitchen >  Coffee   Makers",
          brand: "Brevia",
          specs: { w: 900 },
        }),
        "",
        JSON.stringify({ id: 42, title: "  Keyboard  ", description: "  ", split: "TEST" }),
      );
    const rows = await collect(parseImportStream(byteChunks(text, 5), { format: "jsonl" }));
    expect(rows).toEqual([
      {
        line: 1,
        externalId: "a1",
        title: "Café Grinder ☕",
        description: null,
        categoryPath: "Home > Kitchen > Coffee Makers",
        split: "pool",
        attributes: { brand: "Brevia", specs: { w: 900 } },
      },
      {
        line: 3,
        externalId: "42",
        title: "Keyboard",
        description: null,
        categoryPath: null,
        split: "test",
        attributes: {},
      },
    ]);
  });

  it("accepts string chunks, CRLF and a final line without newline", async () => {
    async function* src() {
      yield '{"id":"x","title":"one"}\r\n{"id":"y",';
      yield '"title":"two"}';
    }
    const rows = await collect(parseImportStream(src(), { format: "jsonl" }));
    expect(rows.map((r) => [r.line, r.externalId, r.title])).toEqual([
      [1, "x", "one"],
      [2, "y", "two"],
    ]);
  });

  it.each([
    ["start", 1],
    ["middle", 3],
    ["end", 5],
  ])("reports a bad row at the %s with line and field", async (_where, badLine) => {
    const lines = [1, 2, 3, 4, 5].map((n) =>
      JSON.stringify(n === badLine ? { id: `r${n}`, title: "" } : { id: `r${n}`, title: `t${n}` }),
    );
    const err = await thrown(parseImportStream(byteChunks(jsonl(...lines)), { format: "jsonl" }));
    expect(err).toBeInstanceOf(ImportValidationError);
    const v = err as ImportValidationError;
    expect(v.code).toBe("IMPORT_VALIDATION");
    expect(v.errors).toEqual([{ line: badLine, field: "title", message: "required" }]);
    expect(v.message).toContain(`line ${badLine}, field "title": required`);
  });

  it("reports invalid JSON, non-objects, duplicate ids, bad split and bad category together", async () => {
    const text = jsonl(
      '{"id":"a","title":"ok"}',
      '{"id":"b","title":"broken"',
      "[1,2]",
      '{"id":"a","title":"again"}',
      '{"id":"c","title":"t","split":"train"}',
      '{"id":"d","title":"t","category":"Audio >  > Headphones"}',
      '{"id":"e","title":7,"description":3}',
    );
    const err = await thrown(parseImportStream(byteChunks(text), { format: "jsonl" }));
    const v = err as ImportValidationError;
    expect(v.totalErrors).toBe(7);
    expect(v.errors.map((e) => [e.line, e.field])).toEqual([
      [2, null],
      [3, null],
      [4, "id"],
      [5, "split"],
      [6, "category"],
      [7, "title"],
      [7, "description"],
    ]);
    expect(v.errors[0]?.message).toMatch(/^invalid JSON/);
    expect(v.errors[2]?.message).toBe('duplicate id "a" (first on line 1)');
    expect(v.errors[3]?.message).toBe('must be "pool" or "test"');
    expect(v.errors[4]?.message).toBe("empty path segment");
  });

  it("enforces field lengths and caps the kept error list but counts all", async () => {
    const long = (n: number) => "x".repeat(n);
    const text = jsonl(
      JSON.stringify({ id: long(201), title: long(2001), description: long(20_001) }),
      JSON.stringify({ id: long(200), title: long(2000), description: long(20_000) }),
      ...Array.from({ length: 150 }, (_, i) => JSON.stringify({ id: `n${i}` })),
    );
    const v = (await thrown(parseImportStream(byteChunks(text, 4096), { format: "jsonl" }))) as ImportValidationError;
    expect(v.errors.slice(0, 3).map((e) => e.field)).toEqual(["id", "title", "description"]);
    expect(v.errors[0]?.line).toBe(1);
    expect(v.errors).toHaveLength(100);
    expect(v.totalErrors).toBe(153);
  });

  it("stops yielding rows after the first error (they would be rolled back)", async () => {
    const text = jsonl('{"id":"a","title":"ok"}', '{"id":"b"}', '{"id":"c","title":"ok"}');
    const seen: string[] = [];
    const err = await thrown(
      (async function* () {
        for await (const row of parseImportStream(byteChunks(text), { format: "jsonl" })) {
          seen.push(row.externalId);
          yield row;
        }
      })(),
    );
    expect(err).toBeInstanceOf(ImportValidationError);
    expect(seen).toEqual(["a"]);
  });

  it("failFast throws at the first bad row without reading further", async () => {
    let pulled = 0;
    async function* src() {
      for (const line of ['{"id":"a","title":"ok"}\n', '{"id":"b"}\n', '{"id":"c","title":"ok"}\n']) {
        pulled += 1;
        yield line;
      }
    }
    const err = (await thrown(parseImportStream(src(), { format: "jsonl", failFast: true }))) as ImportValidationError;
    expect(err.totalErrors).toBe(1);
    expect(pulled).toBe(2);
  });

  it("caps the nesting depth and the number of keys of attributes, with an error by row", async () => {
    const nest = (depth: number) => {
      let v: unknown = "leaf";
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    };
    const many = Object.fromEntries(Array.from({ length: IMPORT_LIMITS.attributeKeys + 1 }, (_, i) => [`k${i}`, i]));
    const text = jsonl(
      JSON.stringify({ id: "ok", title: "Fine", specs: nest(IMPORT_LIMITS.attributeDepth - 1) }),
      JSON.stringify({ id: "deep", title: "Deep", specs: nest(IMPORT_LIMITS.attributeDepth + 1) }),
      // Deep enough to overflow the stack of any recursive reader later (JSON.stringify, superjson).
      `{"id":"deeper","title":"Deeper","specs":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
      JSON.stringify({ id: "wide", title: "Wide", ...many }),
    );
    const report = await validateImportStream(byteChunks(text, 4096), { format: "jsonl" });
    expect(report).toMatchObject({ ok: false, rows: 4, validRows: 1, totalErrors: 3 });
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([
      [2, "attributes"],
      [3, "attributes"],
      [4, "attributes"],
    ]);
    expect(report.errors[0]?.message).toMatch(/nested deeper than/);
    expect(report.errors[2]?.message).toMatch(/more than .* keys/);
  });

  it("validateImportStream reports without throwing on row errors", async () => {
    const report = await validateImportStream(byteChunks(jsonl('{"id":"a","title":"ok"}', "nope")), {
      format: "jsonl",
    });
    expect(report).toMatchObject({ ok: false, rows: 2, validRows: 1, totalErrors: 1 });
    expect(report.errors[0]).toMatchObject({ line: 2, field: null });
    const good = await validateImportStream(byteChunks(jsonl('{"id":"a","title":"ok"}')), { format: "jsonl" });
    expect(good).toMatchObject({ ok: true, rows: 1, validRows: 1, totalErrors: 0 });
    expect(good.bytes).toBe(24);
  });

  it("rejects invalid UTF-8 and over-long lines as format errors", async () => {
    async function* bad() {
      yield Buffer.from('{"id":"a","title":"ok"}\n');
      yield new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 0x0a]);
    }
    const utf = await thrown(parseImportStream(bad(), { format: "jsonl" }));
    expect(utf).toBeInstanceOf(ImportFormatError);
    expect((utf as ImportFormatError).line).toBe(2);

    async function* noNewline() {
      for (let i = 0; i < 40; i++) yield "x".repeat(64 * 1024);
    }
    const long = await thrown(parseImportStream(noNewline(), { format: "jsonl" }));
    expect(long).toBeInstanceOf(ImportFormatError);
    expect((long as ImportFormatError).code).toBe("IMPORT_FORMAT");
  });
});
