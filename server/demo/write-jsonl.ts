import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Catalogue, CatalogueItem } from "./catalogue";

/**
 * One line per item in Loupe's import shape: id/title/description/category/split plus
 * attributes as extra top-level keys, so the file feeds straight into parseImportStream.
 */
export function toImportLine(item: CatalogueItem): string {
  const { id, title, description, category, split, attributes } = item;
  return `${JSON.stringify({ ...attributes, id, title, description, category, split })}\n`;
}

/** Streams the catalogue to `path`, honouring backpressure (22k lines ≈ 5 MB). */
export async function writeCatalogueJsonl(path: string, catalogue: Catalogue): Promise<{ lines: number }> {
  const out = createWriteStream(path, { encoding: "utf8" });
  // events.once rejects if the stream emits "error" while we wait, so failures surface here.
  for (const item of catalogue.items) {
    if (!out.write(toImportLine(item))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { lines: catalogue.items.length };
}
