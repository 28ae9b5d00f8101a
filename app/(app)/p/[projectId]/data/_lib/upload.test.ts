import { describe, expect, it } from "vitest";
import { formatFromName, parseUploadResponse } from "./upload";

describe("import upload answers", () => {
  it("reads a report, a row-level refusal and failures without trusting the body", () => {
    const ok = parseUploadResponse(
      200,
      JSON.stringify({
        importId: 3,
        rows: 2,
        created: 2,
        updated: 0,
        labels: 1,
        humanLabelsKept: 0,
        categoriesCreated: 0,
        bytes: 10,
        ms: 5,
      }),
    );
    expect(ok).toMatchObject({ kind: "imported", report: { importId: 3, rows: 2 } });
    const bad = parseUploadResponse(
      400,
      JSON.stringify({
        error: {
          message: "1 invalid row",
          errors: [{ line: 3, field: "title", message: "is required" }, { nope: true }],
          totalErrors: 1,
        },
      }),
    );
    expect(bad).toEqual({
      kind: "rejected",
      message: "1 invalid row",
      errors: [{ line: 3, field: "title", message: "is required" }],
      totalErrors: 1,
    });
    expect(
      parseUploadResponse(
        413,
        JSON.stringify({
          error: { message: "too large", errors: [{ line: 0, field: null, message: "too large" }], totalErrors: 1 },
        }),
      ),
    ).toMatchObject({ kind: "rejected" });
    expect(parseUploadResponse(401, "")).toMatchObject({ kind: "failed", status: 401 });
    expect(parseUploadResponse(502, "<html>bad gateway</html>")).toEqual({
      kind: "failed",
      status: 502,
      message: "The upload failed (HTTP 502).",
    });
    expect(
      parseUploadResponse(
        403,
        JSON.stringify({ error: { message: "Your role (manager) cannot do that in this project" } }),
      ),
    ).toMatchObject({ message: "Your role (manager) cannot do that in this project" });
  });

  it("guesses the format from the file name", () => {
    expect(formatFromName("Items.CSV")).toBe("csv");
    expect(formatFromName("items.ndjson")).toBe("jsonl");
    expect(formatFromName("items.xlsx")).toBeNull();
  });
});
