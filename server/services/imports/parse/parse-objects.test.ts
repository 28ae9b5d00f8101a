import { describe, expect, it } from "vitest";
import { ImportTooManyRowsError, ImportValidationError } from "./errors";
import { parseImportObjects, parseImportStream } from "./parse-import";
import { byteChunks, collect, thrown } from "@/test/stream-helpers";

const items = [
  {
    id: "a1",
    title: "Café Grinder ☕",
    category: "Home>Kitchen >  Coffee   Makers",
    brand: "Brevia",
    specs: { w: 900 },
  },
  { id: 42, title: "  Keyboard  ", description: "  ", split: "TEST" },
];

describe("parseImportObjects (items already parsed, as an API batch sends them)", () => {
  it("yields exactly the rows the same items give as JSON lines, item n on line n", async () => {
    const asObjects = await collect(parseImportObjects(items, {}));
    const asLines = await collect(
      parseImportStream(byteChunks(items.map((i) => JSON.stringify(i)).join("\n")), { format: "jsonl" }),
    );
    expect(asObjects).toEqual(asLines);
    expect(asObjects.map((r) => [r.line, r.externalId, r.categoryPath])).toEqual([
      [1, "a1", "Home > Kitchen > Coffee Makers"],
      [2, "42", null],
    ]);
  });

  it("names every bad item by its number and field, and a repeated id by its first", async () => {
    const err = await thrown(
      parseImportObjects([{ id: "x", title: "ok" }, { id: "y" }, { id: "x", title: "again" }, { title: "no id" }], {}),
    );
    expect(err).toBeInstanceOf(ImportValidationError);
    const errors = (err as ImportValidationError).errors.map((e) => [e.line, e.field]);
    expect(errors).toEqual([
      [2, "title"],
      [3, "id"],
      [4, "id"],
    ]);
    expect((err as ImportValidationError).errors[1]?.message).toContain("first on line 1");
  });

  it("holds the row cap", async () => {
    const many = Array.from({ length: 4 }, (_, i) => ({ id: `i${i}`, title: `t${i}` }));
    expect(await thrown(parseImportObjects(many, { maxRows: 3 }))).toBeInstanceOf(ImportTooManyRowsError);
  });
});
