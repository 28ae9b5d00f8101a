/**
 * A RangeError while a procedure runs (a stack overflow on deep data, an impossible
 * length) is the caller's input: 400 with a plain message, never the engine's text.
 */
import { describe, expect, it } from "vitest";
import { createCallerFactory, publicProcedure, router, type Context } from "@/server/trpc";

const probe = router({
  overflow: publicProcedure.query(() => {
    const deep = (n: number): number => (n === 0 ? 0 : 1 + deep(n - 1));
    return deep(1e7);
  }),
});

describe("mapErrors", () => {
  it("maps a RangeError to BAD_REQUEST without its message", async () => {
    const caller = createCallerFactory(probe)({} as Context);
    const err = (await caller.overflow().catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).not.toMatch(/call stack/i);
  });
});
