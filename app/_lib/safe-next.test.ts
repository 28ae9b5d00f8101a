import { describe, expect, it } from "vitest";
import { loginHref, safeNextPath } from "./safe-next";

describe("safeNextPath", () => {
  it.each([
    ["/p/3?split=test", "/p/3?split=test"],
    ["/admin/users#x", "/admin/users#x"],
    ["/", "/"],
  ])("keeps the same-site path %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    "//evil.example/x",
    "/\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\t/evil.example",
    "/%0a/x\n",
    "/login?next=/x",
    "",
  ])("refuses %j", (input) => {
    expect(safeNextPath(input)).toBe("/");
  });

  it("takes the first of repeated query values", () => {
    expect(safeNextPath(["/p/1", "//evil"])).toBe("/p/1");
  });
});

describe("loginHref", () => {
  it("encodes the path it came from", () => {
    expect(loginHref("/p/1?q=a b")).toBe("/login?next=%2Fp%2F1%3Fq%3Da%2520b");
    expect(loginHref("/")).toBe("/login");
    expect(loginHref("//evil")).toBe("/login");
  });
});
