/**
 * The production server's tRPC path (server/http-node.ts): a real socket,
 * node:http in front of handleTrpcRequest. Login sets the cookie through it,
 * the cookie authenticates the next call, the guards still refuse before any
 * resolver runs, an oversized body gets 413 before it is parsed, and only
 * /api/trpc goes this way.
 */
import { createServer, get as httpGet, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/server/auth/password";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { GZIP_MIN_BYTES, isTrpcPath, MAX_TRPC_BODY_BYTES, serveTrpc } from "@/server/http/http-node";
import { getSessionUser } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser } from "@/test/factories";
import { useDemoHttpEnv } from "@/test/http-env";

useDemoHttpEnv("loupe-http-node-");

describe("isTrpcPath", () => {
  it.each([
    ["/api/trpc/auth.me", true],
    ["/api/trpc/queue.next,annotations.submit?batch=1", true],
    ["/api/trpc?batch=1", true],
    ["/api/trpcx/auth.me", false],
    ["/api/projects/1/export", false],
    ["/review", false],
    [undefined, false],
  ])("%s -> %s", (url, expected) => expect(isTrpcPath(url)).toBe(expected));
});

describe.each(dbTargets())("tRPC through node:http on $name", (target) => {
  let h: TestDb;
  let server: Server;
  let base: string;
  const password = "correct horse battery staple";
  let email: string;

  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
    email = (await makeUser(h.db, { passwordHash: await hashPassword(password) })).email;
    server = createServer((req, res) => {
      if (isTrpcPath(req.url)) void serveTrpc(req, res);
      else res.writeHead(404).end("not tRPC");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await h?.drop();
  });

  // superjson's envelope: { json: input }.
  const post = (path: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base, ...headers },
      body: JSON.stringify({ json: input }),
    });

  async function login(): Promise<{ cookie: string; token: string }> {
    const res = await post("auth.login", { email, password });
    if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
    const set = res.headers.getSetCookie();
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(/^loupe_session=[^;]+;.*HttpOnly/i);
    const cookie = set[0]!.split(";")[0]!;
    return { cookie, token: cookie.slice(cookie.indexOf("=") + 1) };
  }
  const loggedIn = async (token: string) => (await getSessionUser(h.db, token, env().sessionSecret)) !== null;

  it("logs in (Set-Cookie passes through) and the cookie authenticates the next call", async () => {
    const { cookie } = await login();
    const me = await fetch(`${base}/api/trpc/auth.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.headers.get("content-type")).toMatch(/application\/json/);
    expect(JSON.stringify(await me.json())).toContain(email);
    expect((await fetch(`${base}/api/trpc/auth.me`)).status).toBe(401);
  });

  it("answers a batch, one result per call", async () => {
    const { cookie } = await login();
    const res = await fetch(
      `${base}/api/trpc/auth.me,auth.me?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: null }, 1: { json: null } }))}`,
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as unknown[];
    expect(body).toHaveLength(2);
  });

  it("gzips a JSON answer of 1 kB or more when the client accepts it, as next start does", async () => {
    const { cookie } = await login();
    const calls = 10;
    const url = `${base}/api/trpc/${Array(calls).fill("auth.me").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { json: null }]))))}`;
    const raw = (headers: Record<string, string>) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        httpGet(url, { headers: { cookie, ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on("error", reject);
      });
    const plain = await raw({});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.length).toBeGreaterThanOrEqual(GZIP_MIN_BYTES);
    const zipped = await raw({ "accept-encoding": "gzip, deflate, br" });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["vary"]).toMatch(/accept-encoding/i);
    expect(Number(zipped.headers["content-length"])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(JSON.parse(gunzipSync(zipped.body).toString("utf8"))).toEqual(JSON.parse(plain.body.toString("utf8")));
    // A small answer goes out as it is.
    const me = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      httpGet(`${base}/api/trpc/auth.me`, { headers: { cookie, "accept-encoding": "gzip" } }, (res) =>
        resolve(res.resume().headers),
      ).on("error", reject);
    });
    expect(me["content-encoding"]).toBeUndefined();
  });

  it("refuses a cross-site POST with 403 before the resolver runs", async () => {
    const { cookie, token } = await login();
    const res = await post("auth.logout", {}, { cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await loggedIn(token)).toBe(true);
    // The control: the same call from the site itself logs out.
    expect((await post("auth.logout", {}, { cookie })).status).toBe(200);
    expect(await loggedIn(token)).toBe(false);
  });

  it("refuses a body over the limit with 413 before it is parsed", async () => {
    // Under the limit, the too-long password is the input validator's to refuse (400).
    const small = await post("auth.login", { email, password: "x".repeat(2_000) });
    expect(small.status).toBe(400);
    // Over it, the body is cut off while it is read: 413, no validation or login ran.
    const big = await post("auth.login", { email, password: "x".repeat(MAX_TRPC_BODY_BYTES) });
    expect(big.status).toBe(413);
    expect(big.headers.getSetCookie()).toHaveLength(0);
  });

  it("leaves other paths alone", async () => {
    expect((await fetch(`${base}/api/projects/1/export`)).status).toBe(404);
  });
});
