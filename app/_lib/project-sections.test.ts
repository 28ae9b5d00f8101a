import { describe, expect, it } from "vitest";
import { ROLES } from "@/lib/constants";
import { PROJECT_SECTIONS, sectionByKey, sectionsFor } from "./project-sections";

describe("project sections", () => {
  it("gives every role the overview and admins everything", () => {
    for (const role of ROLES) expect(sectionsFor(role).map((s) => s.key)).toContain("overview");
    expect(sectionsFor("admin")).toHaveLength(PROJECT_SECTIONS.length);
  });

  it("keeps members and audit away from annotators", () => {
    const keys = sectionsFor("annotator").map((s) => s.key);
    expect(keys).toEqual(["overview", "review"]);
  });

  it("lets managers read metrics, data export and audit but not review", () => {
    const keys = sectionsFor("manager").map((s) => s.key);
    expect(keys).toEqual(["overview", "dashboard", "data", "audit"]);
  });

  it("throws on an unknown key", () => {
    expect(() => sectionByKey("nope")).toThrow();
  });
});
