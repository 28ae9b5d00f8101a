/**
 * Login throttling on `npm start`'s server, as an attacker would probe it: a tRPC
 * batch of guesses and rotated X-Forwarded-For headers (no proxy is trusted by
 * default) get no more guesses than the limit; behind a proxy listed in
 * TRUST_PROXY, each forwarded address is a client of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FREE_PAIR_FAILURES, MAX_FAILURES_PER_CLIENT } from "@/server/services/auth";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const VICTIM = { email: "throttle-victim@example.test", password: "victim's right password" };
const env = e2eEnvironment();

type Answer = { error?: { json?: { data?: { code?: string } } } };
const codeOf = (a: Answer) => a.error?.json?.data?.code ?? "OK";

describe.skipIf(!env.ready)("login throttling over HTTP", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({ seed: async (s) => void (await s.user({ ...VICTIM, isAdmin: true })) });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  const headers = (extra: Record<string, string> = {}) => ({
    "content-type": "application/json",
    origin: app.baseUrl,
    ...extra,
  });

  it("counts the logins of one batch one by one: 20 guesses in a batch get at most the limit", async () => {
    const n = 20;
    const body = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [i, { json: { email: VICTIM.email, password: `guess ${i}` } }]),
    );
    const res = await fetch(`${app.baseUrl}/api/trpc/${Array(n).fill("auth.login").join(",")}?batch=1`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(body),
    });
    const codes = ((await res.json()) as Answer[]).map(codeOf);
    expect(codes.filter((c) => c === "UNAUTHORIZED").length, codes.join(" ")).toBeLessThanOrEqual(FREE_PAIR_FAILURES);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(n - FREE_PAIR_FAILURES);
    expect(codes).not.toContain("OK");
  });

  it("does not believe a rotated X-Forwarded-For from a client that is not a trusted proxy", async () => {
    // A different account each time too: only the per-client limit can stop this.
    const codes: string[] = [];
    for (let i = 0; i < 35; i++) {
      const email = `sprayed-${i}@example.test`;
      const res = await fetch(`${app.baseUrl}/api/trpc/auth.login`, {
        method: "POST",
        headers: headers({ "x-forwarded-for": `198.51.100.${i}` }),
        body: JSON.stringify({ json: { email, password: `guess ${i}` } }),
      });
      codes.push(codeOf((await res.json()) as Answer));
    }
    expect(codes.filter((c) => c === "UNAUTHORIZED").length, codes.join(" ")).toBeLessThanOrEqual(
      MAX_FAILURES_PER_CLIENT,
    );
    expect(codes.slice(-5)).toEqual(Array(5).fill("TOO_MANY_REQUESTS"));
  });
});

describe.skipIf(!env.ready)("login throttling behind a trusted proxy", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({ env: { TRUST_PROXY: "127.0.0.1/8,::1/128" } });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("keys each forwarded client apart when the peer is a trusted proxy", async () => {
    const codes: string[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_CLIENT + 5; i++) {
      const res = await fetch(`${app.baseUrl}/api/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: app.baseUrl, "x-forwarded-for": `198.51.100.${i}` },
        body: JSON.stringify({ json: { email: `forwarded-${i}@example.test`, password: "guess" } }),
      });
      codes.push(codeOf((await res.json()) as Answer));
    }
    // One failure per forwarded address: none of them reaches a limit.
    expect(codes).toEqual(Array(MAX_FAILURES_PER_CLIENT + 5).fill("UNAUTHORIZED"));
  });
});
