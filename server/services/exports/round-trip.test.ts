import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { toCsvChunks, type LabelExportRow } from "./format";
import { parseImportStream } from "@/server/services/imports";
import { byteChunks, collect } from "@/test/stream-helpers";

const base: LabelExportRow = {
  id: "n-1",
  title: "+SUM(1,2) Spiral Notebook",
  category: "Office > Notebooks",
  split: "pool",
  source: "human",
  annotator: "ana@example.com",
  modelVersion: null,
  labelledAt: new Date("2025-01-02T03:04:05.000Z"),
};

async function exported(rows: LabelExportRow[]): Promise<string> {
  let out = "";
  for await (const c of toCsvChunks(rows, { batchSize: 1 })) out += c;
  return out;
}

const csv = (text: string) => parseImportStream(byteChunks(text, 5), { format: "csv" });

describe("CSV export → import", () => {
  it("restores what the export neutralised, and nothing else", async () => {
    const rows: LabelExportRow[] = [
      base,
      // Stored with a leading quote: the export leaves it alone, so the import must too.
      { ...base, id: "n-2", title: "'+1 already quoted", category: "-Clearance" },
      { ...base, id: "-3", title: "@home desk lamp", annotator: "=bob" },
      { ...base, id: "n-4", title: "Plain title" },
      { ...base, id: "n-5", title: '＝HYPERLINK("http://x") full-width' },
    ];
    const text = await exported(rows);
    // The file stays safe to open in a spreadsheet.
    const cells = (parse(text) as string[][]).flat();
    expect(cells.some((c) => /^[=+\-@]/.test(c.normalize("NFKC")))).toBe(false);
    const back = await collect(csv(text));
    expect(back.map((r) => [r.externalId, r.title, r.categoryPath])).toEqual([
      ["n-1", "+SUM(1,2) Spiral Notebook", "Office > Notebooks"],
      ["n-2", "'+1 already quoted", "-Clearance"],
      ["-3", "@home desk lamp", "Office > Notebooks"],
      ["n-4", "Plain title", "Office > Notebooks"],
      ["n-5", '＝HYPERLINK("http://x") full-width', "Office > Notebooks"],
    ]);
    expect(back[2]?.attributes).toMatchObject({ annotator: "=bob" });
    // The marker is the export's bookkeeping, not an attribute of the item.
    for (const r of back) expect(Object.keys(r.attributes ?? {})).not.toContain("loupe_neutralised");
  });

  it("leaves a foreign file's leading quotes alone", async () => {
    const text = "id,title\nf1,\"'+SUM(1,2) Spiral Notebook\"\nf2,'quoted\n";
    const back = await collect(csv(text));
    expect(back.map((r) => r.title)).toEqual(["'+SUM(1,2) Spiral Notebook", "'quoted"]);
  });

  it("reverses only the cells the marker names, and only a quote before a formula character", async () => {
    const text = "id,title,loupe_neutralised\nm1,'+a,title\nm2,'plain,title\nm3,'-b,\nm4,'=c,title nosuch\n";
    const back = await collect(csv(text));
    expect(back.map((r) => r.title)).toEqual(["+a", "'plain", "'-b", "=c"]);
  });
});
