import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/server/auth/password";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { verifyCredentials } from "./sessions";
import { FIRST_DELAY_MS, FREE_PAIR_FAILURES, MAX_FAILURES_PER_CLIENT } from "./throttle";

const PASSWORD = "the right password";

describe.each(dbTargets())("login throttling on $name", (target) => {
  let h: TestDb;
  let hash: string;
  beforeAll(async () => {
    h = await createTestDb(target);
    hash = await hashPassword(PASSWORD);
  });
  afterAll(async () => h?.drop());

  const attempt = (email: string, password: string, clientKey: string, now?: Date) =>
    verifyCredentials(h.db, { email, password, clientKey, now }).then(
      () => "ok" as const,
      (e: { code?: string }) => e.code ?? "error",
    );

  it("counts concurrent attempts one by one: 20 at once get at most the free guesses", async () => {
    const { email } = await makeUser(h.db, { passwordHash: hash });
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(email, "wrong", "10.1.0.1")));
    expect(results.filter((r) => r === "UNAUTHORIZED").length).toBeLessThanOrEqual(FREE_PAIR_FAILURES);
    expect(results.filter((r) => r === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(20 - FREE_PAIR_FAILURES);
  });

  it("never lets strangers lock a user out of the right password", async () => {
    const { email } = await makeUser(h.db, { passwordHash: hash });
    for (let i = 0; i < 12; i++) {
      await Promise.all(Array.from({ length: 4 }, (_, j) => attempt(email, "guess", `198.51.100.${i * 4 + j}`)));
    }
    expect(await attempt(email, PASSWORD, "203.0.113.7")).toBe("ok");
  });

  it("delays the account and client pair progressively, then lets the right password in", async () => {
    const { email } = await makeUser(h.db, { passwordHash: hash });
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms);
    for (let i = 0; i < FREE_PAIR_FAILURES; i++)
      expect(await attempt(email, "wrong", "10.2.0.1", at(i))).toBe("UNAUTHORIZED");
    // Past the free failures: the next attempt waits the first delay, even with the right password...
    expect(await attempt(email, PASSWORD, "10.2.0.1", at(FIRST_DELAY_MS / 2))).toBe("TOO_MANY_REQUESTS");
    // ...but only from there: the same account from another client is not held up.
    expect(await attempt(email, PASSWORD, "10.2.0.2", at(FIRST_DELAY_MS / 2))).toBe("ok");
    const t1 = FIRST_DELAY_MS + 10;
    expect(await attempt(email, "wrong", "10.2.0.1", at(t1))).toBe("UNAUTHORIZED");
    // The next delay is twice as long.
    expect(await attempt(email, PASSWORD, "10.2.0.1", at(t1 + FIRST_DELAY_MS + 10))).toBe("TOO_MANY_REQUESTS");
    expect(await attempt(email, PASSWORD, "10.2.0.1", at(t1 + 2 * FIRST_DELAY_MS + 10))).toBe("ok");
    // A success starts the pair afresh.
    expect(await attempt(email, "wrong", "10.2.0.1", at(t1 + 2 * FIRST_DELAY_MS + 20))).toBe("UNAUTHORIZED");
  });

  it("caps failures per client whatever the accounts, without touching other clients", async () => {
    const { email } = await makeUser(h.db, { passwordHash: hash });
    for (let i = 0; i < MAX_FAILURES_PER_CLIENT; i += 5) {
      await Promise.all(Array.from({ length: 5 }, (_, j) => attempt(`spray-${i + j}@example.test`, "x", "10.3.0.1")));
    }
    expect(await attempt(email, PASSWORD, "10.3.0.1")).toBe("TOO_MANY_REQUESTS");
    expect(await attempt(email, PASSWORD, "10.3.0.2")).toBe("ok");
  });
});
