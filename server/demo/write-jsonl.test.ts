import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseImportStream } from "@/server/services/imports";
import type { ImportRow } from "@/server/services/imports";
import { generateCatalogue } from "./catalogue";
import { writeCatalogueJsonl } from "./write-jsonl";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("writeCatalogueJsonl", () => {
  it("writes a file the importer accepts, losslessly", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-demo-"));
    dirs.push(dir);
    const path = join(dir, "demo.jsonl");
    const catalogue = generateCatalogue({ seed: 5, poolSize: 3_000, testSize: 300 });
    expect(await writeCatalogueJsonl(path, catalogue)).toEqual({ lines: 3_300 });

    const rows: ImportRow[] = [];
    for await (const row of parseImportStream(createReadStream(path), { format: "jsonl" })) rows.push(row);
    expect(rows).toHaveLength(3_300);
    catalogue.items.forEach((item, i) => {
      const row = rows[i];
      expect(row?.externalId).toBe(item.id);
      expect(row?.line).toBe(i + 1);
      expect(row?.title).toBe(item.title.trim());
      expect(row?.description).toBe(item.description);
      expect(row?.categoryPath).toBe(item.category);
      expect(row?.split).toBe(item.split);
      expect(row?.attributes).toEqual(item.attributes);
    });
  });

  it("rejects when the path cannot be written", async () => {
    const catalogue = generateCatalogue({ poolSize: 10, testSize: 0 });
    await expect(writeCatalogueJsonl("/nonexistent-dir/x/demo.jsonl", catalogue)).rejects.toThrow();
  });
});
