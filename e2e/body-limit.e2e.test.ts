/**
 * One body cap on every path of `npm start`'s server, anonymous callers included:
 * a body over it gets 413 before it is parsed, whether it declares its length or is
 * sent chunked, and whatever spelling of the tRPC path routes it (dot segments,
 * %2e, a leading /.), and the server's memory does not grow with the body.
 */
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TRPC_BODY_BYTES } from "@/server/http/body-limit";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const env = e2eEnvironment();
const BIG = 50 * 1048576;
const CHUNK = Buffer.alloc(1048576, "a");

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/** A raw POST (node:http keeps the path as written); resolves with the status once the server answers. */
function send(base: string, path: string, opts: { declare: boolean; bytes: number }): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string | number> = { "content-type": "application/json", origin: base };
    if (opts.declare) headers["content-length"] = opts.bytes;
    const req = request({ host: url.hostname, port: url.port, path, method: "POST", headers }, (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    // Once refused, the server may close the socket while the rest is still being written.
    req.on("error", (err) => (answered ? undefined : reject(err)));
    let sent = 0;
    const pump = () => {
      while (!answered && sent < opts.bytes) {
        const n = Math.min(CHUNK.length, opts.bytes - sent);
        sent += n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe.skipIf(!env.ready)("request body cap on every path", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp();
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("answers 413 to an anonymous 50 MiB body on every spelling of the tRPC path, without the RSS jumping", async () => {
    const paths = [
      "/api/trpc/auth.login",
      "/api/./trpc/auth.login",
      "/api/%2e/trpc/auth.login",
      "/api/%2E/trpc/auth.login?batch=1",
      "/./api/trpc/auth.login",
      "/api/trpc/../trpc/auth.login",
    ];
    const before = rssMb(app.pid);
    for (const path of paths) {
      for (const declare of [true, false]) {
        const status = await send(app.baseUrl, path, { declare, bytes: BIG });
        expect(status, `${path} (${declare ? "Content-Length" : "chunked"})\n${app.logs()}`).toBe(413);
      }
    }
    // Twelve 50 MiB bodies: read whole, any one of them would add more than this.
    expect(rssMb(app.pid) - before).toBeLessThan(40);
  }, 120_000);

  it("refuses an oversized body to a page route too, and still serves a small call", async () => {
    expect(await send(app.baseUrl, "/login", { declare: true, bytes: BIG })).toBe(413);
    const res = await fetch(`${app.baseUrl}/api/./trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ json: { email: "nobody@example.test", password: "x".repeat(MAX_TRPC_BODY_BYTES / 2) } }),
    });
    // Under the cap the input validator refuses the long password: parsed, not cut off.
    expect(res.status).toBe(400);
  });
});
