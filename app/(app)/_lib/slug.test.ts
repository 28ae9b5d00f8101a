import { describe, expect, it } from "vitest";
import { ProjectsCreateInput } from "@/server/schemas/projects";
import { slugFrom } from "./slug";

describe("slugFrom", () => {
  it.each([
    ["Corner Shop", "corner-shop"],
    ["Fresh Produce (EU)", "fresh-produce-eu"],
    ["  Crème brûlée & co.  ", "creme-brulee-co"],
    ["--A--B--", "a-b"],
  ])("%j → %j", (name, slug) => {
    expect(slugFrom(name)).toBe(slug);
  });

  it("gives slugs the server accepts, even from long names", () => {
    for (const name of ["x".repeat(63) + " y", "Groceries 2027", "a".repeat(200)]) {
      const slug = slugFrom(name);
      expect(ProjectsCreateInput.safeParse({ slug, name }).success, slug).toBe(true);
    }
  });
});
