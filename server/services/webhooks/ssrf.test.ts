/**
 * Private targets are refused unless the instance allows them: at subscription time (a
 * clear 400 naming `url`) and at send time, where the check sits in the socket's own
 * DNS lookup, so a name that resolves to a private address is refused when dialled.
 * LOUPE_WEBHOOKS_ALLOW_PRIVATE is not set in this file: the default (off) is under test.
 */
import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { startReceiver, type Receiver } from "@/test/webhook-receiver";
import { checkWebhookUrl, refusedAddress, sendWebhook } from "./index";
import { newWebhookSecret } from "./subscriptions";

const REFUSED = [
  "127.0.0.1",
  "127.8.9.10",
  "10.1.2.3",
  "172.16.0.1",
  "192.168.1.1",
  "169.254.169.254",
  "0.0.0.0",
  "100.64.0.1",
  "224.0.0.1",
  "255.255.255.255",
  "::1",
  "::",
  "fe80::1",
  "fc00::1",
  "fd12:3456::1",
  "ff02::1",
  "::ffff:127.0.0.1",
  "::ffff:10.0.0.1",
  "::ffff:169.254.169.254",
];
const PUBLIC = ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"];

describe("which addresses a webhook may call", () => {
  it("refuses private, loopback, link-local, unique-local, multicast and unspecified, v4, v6 and v4-mapped", () => {
    for (const a of REFUSED) expect(refusedAddress(a, false), a).not.toBeNull();
    for (const a of PUBLIC) expect(refusedAddress(a, false), a).toBeNull();
    // The instance setting lifts it.
    for (const a of REFUSED) expect(refusedAddress(a, true), a).toBeNull();
  });

  it("checks the URL at subscription time with a message naming url", async () => {
    const bad = [
      "http://127.0.0.1:8080/hook",
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]:3000/",
      "http://[::ffff:7f00:1]/",
      "http://2130706433/", // 127.0.0.1 as one number
      "http://localhost:3000/", // a name that resolves to loopback
      "ftp://example.com/",
      "javascript:alert(1)",
      "http://user:pw@93.184.216.34/",
      "not a url",
    ];
    for (const url of bad) {
      const err = await checkWebhookUrl(url, { allowPrivate: false }).then(
        () => null,
        (e: unknown) => e as Error & { code?: string; details?: { field?: string } },
      );
      expect(err, url).not.toBeNull();
      expect(err?.code, url).toBe("BAD_REQUEST");
      expect(err?.message, url).toMatch(/^url: /);
      expect(err?.details?.field).toBe("url");
    }
    await expect(checkWebhookUrl("https://93.184.216.34/hook", { allowPrivate: false })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("http://localhost:3000/", { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });
});

describe("sending to a private target", () => {
  let r: Receiver;
  const secret = newWebhookSecret();
  beforeAll(async () => {
    r = await startReceiver();
  });
  afterAll(async () => r?.close());
  const message = () => ({ messageId: "msg_test", body: JSON.stringify({ type: "x", data: {} }), secret });

  it("is refused when the setting is off, for an address and for a name resolving to loopback, and nothing arrives", async () => {
    const port = new URL(r.url("/")).port;
    for (const url of [r.url("/ip"), `http://localhost:${port}/name`, `http://[::ffff:127.0.0.1]:${port}/mapped`]) {
      const res = await sendWebhook(url, message(), { allowPrivate: false, timeoutMs: 5000 });
      expect(res.ok, url).toBe(false);
      expect(res.statusCode).toBeNull();
      expect(res.ok ? "" : res.error, url).toMatch(/Refused target/);
    }
    expect(r.received).toHaveLength(0);
    // The same receiver with the setting on: it arrives, through the name too (checked at connect time, allowed).
    const ok = await sendWebhook(`http://localhost:${port}/name`, message(), { allowPrivate: true, timeoutMs: 5000 });
    expect(ok).toMatchObject({ ok: true, statusCode: 200 });
    expect(r.at("/name")).toHaveLength(1);
  });

  it("does not follow redirects and keeps at most 1 KB of an answer", async () => {
    r.on("/moved", { redirectTo: r.url("/target") });
    const moved = await sendWebhook(r.url("/moved"), message(), { allowPrivate: true, timeoutMs: 5000 });
    expect(moved).toMatchObject({ ok: false, statusCode: 302, error: "Redirect (302) not followed" });
    expect(r.at("/target")).toHaveLength(0);
    r.on("/big", { bodyBytes: 50_000 });
    const big = await sendWebhook(r.url("/big"), message(), { allowPrivate: true, timeoutMs: 5000 });
    expect(big.ok).toBe(true);
    expect(Buffer.byteLength(big.excerpt ?? "")).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(big.excerpt ?? "")).toBeGreaterThan(500);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    // Accepts the connection and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const t0 = Date.now();
    const res = await sendWebhook(`http://127.0.0.1:${port}/`, message(), { allowPrivate: true, timeoutMs: 300 });
    expect(res.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});

describe.each(dbTargets())("subscribing to a private target on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("answers BAD_REQUEST naming url and stores nothing", async () => {
    const { project } = await makeProject(h.db);
    const admin = await makeUser(h.db);
    await addMember(h.db, project.id, admin.id, "admin");
    const caller = callerFor(h.db, admin);
    for (const url of [
      "http://127.0.0.1:9/",
      "http://10.0.0.1/",
      "http://169.254.169.254/",
      "http://[::1]/",
      "http://localhost/",
    ]) {
      const err = await caller.webhooks
        .create({ projectId: project.id, url, events: ["model.activated"] })
        .catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe("BAD_REQUEST");
      expect((err as TRPCError).message).toMatch(/^url: /);
    }
    expect(await caller.webhooks.list({ projectId: project.id })).toEqual([]);
  });
});
