import { describe, expect, it } from "vitest";
import { ImportFormatError } from "./errors";
import { parseImportStream } from "./parse-import";
import { asyncOf, byteChunks, thrown } from "@/test/stream-helpers";

const csv = (text: string) => parseImportStream(byteChunks(text, 5), { format: "csv" });

describe("CSV quote errors", () => {
  it("are reported at the line where the unclosed quote opened", async () => {
    const text = 'id,title\na1,USB hub\na2,"Desk lamp\na3,Keyboard\na4,Mouse\n';
    const err = await thrown(csv(text));
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as ImportFormatError).line).toBe(3);
    expect((err as Error).message).toContain("line 3");
  });

  it("point at the opening line when a later quote closes it badly", async () => {
    const text = 'id,title\na1,"multi\nline"\na2,"Desk lamp\na3,Keyboard\na4,"Mouse"\na5,x\n';
    const err = await thrown(parseImportStream(asyncOf([Buffer.from(text)]), { format: "csv" }));
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as ImportFormatError).line).toBe(4);
  });
});
