/**
 * What the browser and any HTTP client see of the hardening (issue 16): security headers
 * on pages (a CSP with a per-request nonce, no 'unsafe-eval') and on API answers, the
 * app working under that CSP, pages a role may not open answering HTTP 403, and the demo
 * listening on loopback only unless HOST says otherwise.
 */
import { request, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "sec-admin@example.test", password: "security admin password", name: "Sid Admin" };
const ANNOTATOR = { email: "sec-ann@example.test", password: "security annotator password", name: "Ann Sec" };
const env = e2eEnvironment();

/** A POST declaring 5 MiB and sending none of it: the server answers before reading (fetch cannot send a false length). */
function declaredTooLarge(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(5 * 1048576) },
    });
    req.once("response", (res) => {
      res.resume();
      resolve(res);
      req.destroy();
    });
    req.once("error", reject);
    req.flushHeaders();
  });
}

const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];

describe.skipIf(!env.ready)("security headers, 403 pages and the demo's address", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        await s.user({ ...ADMIN, isAdmin: true });
        const ann = await s.user(ANNOTATOR);
        const p = await s.project({ name: "Secure shop", categories: ["Food > Fruit", "Food > Bread"] });
        projectId = p.id;
        await s.member(p.id, ann.id, "annotator");
        await s.items(p.id, [{ externalId: "s1", title: "Pear" }]);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("sends a page a CSP with a fresh nonce on every script, no unsafe-eval, no framing, and the other headers", async () => {
    const res = await fetch(`${app.baseUrl}/login`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy");
    const nonce = nonceOf(csp);
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await res.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // Another request, another nonce.
    expect(nonceOf((await fetch(`${app.baseUrl}/login`)).headers.get("content-security-policy"))).not.toBe(nonce);
    // Served over https (the proxy in front says so): HSTS too.
    const https = await fetch(`${app.baseUrl}/login`, { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  });

  it("sends the API's answers nosniff and a CSP that allows nothing, on the node front, Next's routes and a 413", async () => {
    const answers = await Promise.all([
      fetch(`${app.baseUrl}/api/trpc/auth.me`),
      fetch(`${app.baseUrl}/api/projects/${projectId}/export?format=csv`, {
        method: "POST",
        headers: { origin: app.baseUrl },
      }),
      declaredTooLarge(`${app.baseUrl}/api/trpc/auth.login`),
    ]);
    const [me, exported, tooLarge] = answers;
    expect(me.status).toBe(401);
    expect(exported.status).toBe(401);
    for (const res of [me, exported]) {
      expect(res.headers.get("x-content-type-options"), res.url).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), res.url).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    }
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers["x-content-type-options"]).toBe("nosniff");
    expect(tooLarge.headers["content-security-policy"]).toMatch(/default-src 'none'/);
  });

  it("works in the browser under that CSP: logging in and opening pages trips no violation", async () => {
    const page = await app.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
    });
    page.on("pageerror", (e) => violations.push(e.message));
    await app.login(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/users");
    await page.getByRole("heading", { name: "Users" }).waitFor();
    await page.goto(`/p/${projectId}/categories`);
    await page.getByRole("heading", { name: "Categories" }).first().waitFor();
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it("answers a page the role may not open with HTTP 403 and says which roles would", async () => {
    const page = await app.newPage();
    await app.login(page, ANNOTATOR.email, ANNOTATOR.password);
    const allowed = await page.goto(`/p/${projectId}/review`);
    expect(allowed?.status()).toBe(200);
    for (const path of [`/p/${projectId}/members`, `/p/${projectId}/models`, `/p/${projectId}/dashboard`]) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(403);
      await page.getByTestId("access-denied").waitFor();
      expect(await page.getByTestId("access-denied").textContent()).toMatch(/Your role here is Annotator\..*It needs/);
    }
    const admin = await page.goto("/admin/users");
    expect(admin?.status()).toBe(403);
    await page.getByTestId("access-denied").waitFor();
    await page.context().close();
  });
});

describe.skipIf(!env.ready)("the demo without -H or HOST", () => {
  let app: E2EApp;
  beforeAll(async () => {
    app = await startApp({ host: null });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("listens on loopback only and says so", async () => {
    const port = Number(new URL(app.baseUrl).port);
    expect(app.logs()).toContain(`listening on http://127.0.0.1:${port}`);
    expect((await fetch(`${app.baseUrl}/login`)).status).toBe(200);
    // Any address of this machine other than loopback is refused.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (!external) return;
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: external, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    });
    expect(outcome).toBe("ECONNREFUSED");
  });
});
