import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CSV_HEADER, neutraliseCsvCell, toCsvChunks, toJsonlChunks, type LabelExportRow } from "./format";
import { parseImportStream } from "@/server/services/imports";
import { asyncOf, collect } from "@/test/stream-helpers";

const base: LabelExportRow = {
  id: "demo-000001",
  title: "Sonora Wireless Headphones",
  category: "Audio > Headphones",
  split: "pool",
  source: "human",
  annotator: "ana@example.com",
  modelVersion: null,
  labelledAt: new Date("2025-01-02T03:04:05.000Z"),
};

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const c of chunks) out += c;
  return out;
}

describe("neutraliseCsvCell", () => {
  it.each([
    "=SUM(A1:A2)",
    "+1",
    "-1",
    "-5.3",
    "@cmd",
    "\tx",
    "\rx",
    "=",
    "-",
    "＝cmd()",
    "＋1",
    "－1",
    "＠x",
    "﹦1",
    "⁼1",
  ])("prefixes %j", (v) => {
    expect(neutraliseCsvCell(v)).toBe(`'${v}`);
  });
  it.each(["plain", "1-2", "a=b", " =x", "'quoted", "", "5"])("leaves %j alone", (v) => {
    expect(neutraliseCsvCell(v)).toBe(v);
  });
});

describe("toCsvChunks", () => {
  it("writes a header and neutralises every dangerous cell, quoting where CSV needs it", async () => {
    const rows: LabelExportRow[] = [
      base,
      {
        ...base,
        id: '=HYPERLINK("x")',
        title: "+Promo, 2-pack",
        category: "-3",
        annotator: "@bob",
        modelVersion: "\tv1",
        source: "\rmodel",
      },
    ];
    const out = await text(toCsvChunks(rows, { batchSize: 1 }));
    const records = parse(out) as string[][];
    expect(records[0]).toEqual([...CSV_HEADER]);
    expect(records[1]).toEqual([
      "demo-000001",
      "Sonora Wireless Headphones",
      "Audio > Headphones",
      "pool",
      "human",
      "ana@example.com",
      "",
      "2025-01-02T03:04:05.000Z",
      "",
    ]);
    expect(records[2]).toEqual([
      '\'=HYPERLINK("x")',
      "'+Promo, 2-pack",
      "'-3",
      "pool",
      "'\rmodel",
      "'@bob",
      "'\tv1",
      "2025-01-02T03:04:05.000Z",
      "id title category source annotator model_version",
    ]);
    // No raw line may start with a formula trigger.
    for (const line of out.split("\n")) expect(line).not.toMatch(/^[=+\-@]/);
  });

  it("streams from an async iterable in batches", async () => {
    async function* many() {
      for (let i = 0; i < 1200; i++) yield { ...base, id: `id-${i}` };
    }
    const chunks: string[] = [];
    for await (const c of toCsvChunks(many(), { batchSize: 500, header: false })) chunks.push(c);
    expect(chunks).toHaveLength(3);
    expect((parse(chunks.join("")) as string[][]).length).toBe(1200);
  });
});

describe("toJsonlChunks", () => {
  it("round-trips through JSON and back through the importer", async () => {
    const rows: LabelExportRow[] = [
      base,
      { ...base, id: "b", title: "=not neutralised in JSON", category: null, split: "test", labelledAt: null },
    ];
    const out = await text(toJsonlChunks(rows));
    const parsed = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[1]).toEqual({
      id: "b",
      title: "=not neutralised in JSON",
      category: null,
      split: "test",
      source: "human",
      annotator: "ana@example.com",
      model_version: null,
      labelled_at: null,
    });
    const imported = await collect(parseImportStream(asyncOf([out]), { format: "jsonl" }));
    expect(imported.map((r) => [r.externalId, r.title, r.categoryPath, r.split])).toEqual([
      ["demo-000001", base.title, "Audio > Headphones", "pool"],
      ["b", "=not neutralised in JSON", null, "test"],
    ]);
    expect(imported[0]?.attributes).toEqual({
      source: "human",
      annotator: "ana@example.com",
      model_version: null,
      labelled_at: "2025-01-02T03:04:05.000Z",
    });
  });
});
