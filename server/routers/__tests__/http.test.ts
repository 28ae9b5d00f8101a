/**
 * The HTTP entry's guards, end to end through handleTrpcRequest: cross-site
 * and non-JSON posts and oversized batches are refused before any resolver
 * runs. Proof that nothing ran: a logout that would revoke a live session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { MAX_TRPC_BATCH } from "@/lib/constants";
import { MAX_TRPC_BODY_BYTES } from "@/server/http/body-limit";
import { handleTrpcRequest, rejectUnsafeRequest } from "@/server/http/http";
import { createSession, getSessionUser } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeItems, makeProject, makeUser } from "@/test/factories";
import { items } from "@/db/schema";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";

const ORIGIN = TEST_ORIGIN;
useDemoHttpEnv("loupe-http-");

function post(pathAndQuery: string, headers: Record<string, string>, body = JSON.stringify({})) {
  return new Request(`${ORIGIN}/api/trpc/${pathAndQuery}`, {
    method: "POST",
    headers: { host: "loupe.test:3000", ...headers },
    body,
  });
}

describe("the Origin check", () => {
  it("compares with X-Forwarded-Host (the entry of the nearest proxy) only for a request from a trusted proxy", () => {
    const req = new Request("http://internal:3000/api/trpc/auth.logout", {
      method: "POST",
      headers: {
        host: "internal:3000",
        origin: "https://loupe.example",
        "content-type": "application/json",
        "x-forwarded-host": "spoofed.example, loupe.example",
      },
    });
    expect(rejectUnsafeRequest(req, [], false)).toMatch(/Cross-site/);
    expect(rejectUnsafeRequest(req, [], true)).toBeNull();
  });
});

describe.each(dbTargets())("tRPC over HTTP on $name", (target) => {
  let h: TestDb;
  let cookie: string;
  let token: string;
  const secret = () => env().sessionSecret;

  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
  });
  afterAll(async () => h?.drop());

  async function freshSession() {
    const user = await makeUser(h.db);
    ({ token } = await createSession(h.db, { userId: user.id, secret: secret(), ttlHours: 1 }));
    cookie = `loupe_session=${token}`;
  }
  const stillLoggedIn = async () => (await getSessionUser(h.db, token, secret())) !== null;

  it.each([
    ["text/plain", { "content-type": "text/plain" }],
    ["form-encoded", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart", { "content-type": "multipart/form-data; boundary=x" }],
    ["no content type", {}],
    ["JSON from a foreign origin", { "content-type": "application/json", origin: "https://evil.example" }],
    ["JSON with a null origin", { "content-type": "application/json", origin: "null" }],
  ])("refuses a %s POST with 403 before the resolver runs", async (_, headers: Record<string, string>) => {
    await freshSession();
    const res = await handleTrpcRequest(post("auth.logout", { cookie, ...headers }));
    expect(res.status).toBe(403);
    expect(await stillLoggedIn()).toBe(true);
  });

  it("does not take the host the Origin is checked against from X-Forwarded-Host sent by a client", async () => {
    await freshSession();
    const spoofed = { cookie, "content-type": "application/json", origin: "https://evil.example" };
    const res = await handleTrpcRequest(post("auth.logout", { ...spoofed, "x-forwarded-host": "evil.example" }));
    expect(res.status).toBe(403);
    expect(await stillLoggedIn()).toBe(true);
  });

  it("runs a same-origin JSON POST (the control)", async () => {
    await freshSession();
    const res = await handleTrpcRequest(
      post("auth.logout", { cookie, "content-type": "application/json", origin: ORIGIN }),
    );
    expect(res.status).toBe(200);
    expect(await stillLoggedIn()).toBe(false);
  });

  it("does not run mutations over GET", async () => {
    await freshSession();
    const res = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.logout`, { headers: { cookie, host: "loupe.test:3000" } }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await stillLoggedIn()).toBe(true);
  });

  it("refuses batches over the limit, GET and POST, before any call runs", async () => {
    await freshSession();
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i, {}]))),
    );
    const get = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/${Array(100).fill("auth.me").join(",")}?batch=1&input=${input}`, {
        headers: { cookie, host: "loupe.test:3000" },
      }),
    );
    expect(get.status).toBe(400);
    expect(JSON.stringify(await get.json())).toMatch(/batch/i);

    const body = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_TRPC_BATCH + 1 }, (_, i) => [i, {}])));
    const big = await handleTrpcRequest(
      post(
        `${Array(MAX_TRPC_BATCH + 1)
          .fill("auth.logout")
          .join(",")}?batch=1`,
        { cookie, "content-type": "application/json", origin: ORIGIN },
        body,
      ),
    );
    expect(big.status).toBe(400);
    expect(await stillLoggedIn()).toBe(true);

    const small = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.me,auth.me?batch=1&input=${encodeURIComponent("{}")}`, {
        headers: { cookie, host: "loupe.test:3000" },
      }),
    );
    expect(small.status).toBe(200);
  });

  it("refuses a body over the cap with 413 before parsing it, on the Next route's handler, for anonymous callers", async () => {
    await freshSession();
    const headers = { "content-type": "application/json", origin: ORIGIN, host: "loupe.test:3000" };
    // Streamed with no declared length: cut off while read, so a chunked upload cannot go round the cap.
    let pulled = 0;
    const chunk = new TextEncoder().encode("a".repeat(65_536));
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += chunk.byteLength;
        if (pulled > 64 * MAX_TRPC_BODY_BYTES) c.close();
        else c.enqueue(chunk);
      },
    });
    const streamed = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.logout`, {
        method: "POST",
        headers: { ...headers, cookie },
        body: endless,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(2 * MAX_TRPC_BODY_BYTES);
    expect(await stillLoggedIn()).toBe(true);
    // A declared length over the cap is refused without reading the body at all.
    const declared = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.login`, {
        method: "POST",
        headers: { ...headers, "content-length": String(50 * 1048576) },
        body: "{}",
      }),
    );
    expect(declared.status).toBe(413);
    // Under the cap the body is parsed as before (the validator refuses the long password).
    const under = await handleTrpcRequest(
      post("auth.login", headers, JSON.stringify({ json: { email: "a@example.test", password: "x".repeat(500_000) } })),
    );
    expect(under.status).toBe(400);
  });

  it("treats a session cookie with a malformed % escape as no session: login, me and logout answer, never 500", async () => {
    const cookie = "loupe_session=%E0%A4%A";
    const me = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/auth.me`, { headers: { cookie, host: "loupe.test:3000" } }),
    );
    expect(me.status).toBe(401);
    const headers = { cookie, "content-type": "application/json", origin: ORIGIN };
    expect((await handleTrpcRequest(post("auth.logout", headers))).status).toBe(200);
    const user = await makeUser(h.db);
    const login = await handleTrpcRequest(
      post("auth.login", headers, JSON.stringify({ json: { email: user.email, password: "not it" } })),
    );
    expect(login.status).toBe(401);
  });

  it("never leaks a stack overflow's message: attributes stored too deep (before the import cap) answer a plain error", async () => {
    await freshSession();
    const user = (await getSessionUser(h.db, token, secret()))!;
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, user.id, "admin");
    const [item] = await makeItems(h.db, project.id, 1);
    let deep: unknown = "leaf";
    for (let i = 0; i < 3_500; i++) deep = { a: deep };
    await h.db.update(items).set({ attributes: { deep } }).where(eq(items.id, item!.id));
    const input = encodeURIComponent(JSON.stringify({ json: { projectId: project.id, itemId: item!.id } }));
    const res = await handleTrpcRequest(
      new Request(`${ORIGIN}/api/trpc/items.get?input=${input}`, { headers: { cookie, host: "loupe.test:3000" } }),
    );
    const text = await res.text();
    expect(text).not.toMatch(/call stack/i);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it("refuses a dashboard range from the year 0100 over HTTP with a 400, not millions of buckets", async () => {
    await freshSession();
    const user = (await getSessionUser(h.db, token, secret()))!;
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, user.id, "manager");
    const get = (proc: string, input: Record<string, unknown>) =>
      handleTrpcRequest(
        new Request(
          `${ORIGIN}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`,
          {
            headers: { cookie, host: "loupe.test:3000" },
          },
        ),
      );
    const from = new Date("0100-01-01T00:00:00Z");
    for (const proc of ["dashboard.activity", "dashboard.trends", "metrics.timeline"]) {
      const res = await get(proc, { projectId: project.id, from });
      expect(res.status, proc).toBe(400);
      expect((await res.text()).length).toBeLessThan(10_000);
    }
    const ok = await get("dashboard.activity", { projectId: project.id, from: new Date(Date.now() - 86_400_000) });
    expect(ok.status).toBe(200);
    // The audit log's filter takes the same instants: a date the database cannot hold is a 400, not a 500.
    const ancient = new Date("-005000-01-01T00:00:00Z");
    for (const range of [{ from: ancient }, { to: ancient }, { from: new Date("+200000-01-01T00:00:00Z") }]) {
      const res = await get("audit.list", { projectId: project.id, ...range });
      expect(res.status, JSON.stringify(range)).toBe(400);
      expect(await res.text()).toMatch(/Dates (start|end) at/);
    }
    expect((await get("audit.list", { projectId: project.id, from: new Date(0) })).status).toBe(200);
  });
});
