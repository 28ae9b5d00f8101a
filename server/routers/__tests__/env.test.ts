/** The server must not start outside the demo with a missing, default or weak session secret. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listenHost, loadEnv } from "@/server/env";

const dir = mkdtempSync(path.join(tmpdir(), "loupe-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STRONG = "f3a9c1e07b2d4c6e8a0b1d3f5e7c9a1b2d4f6e8a0c2e4f6a";

describe("loadEnv", () => {
  it("refuses production mode without SESSION_SECRET, explicit or implied by DATABASE_URL", () => {
    expect(() => loadEnv({ LOUPE_MODE: "production", LOUPE_DATA_DIR: dir }).sessionSecret).toThrow(
      /SESSION_SECRET is required/,
    );
    expect(() => loadEnv({ DATABASE_URL: "postgres://db.example/loupe", LOUPE_DATA_DIR: dir }).sessionSecret).toThrow(
      /SESSION_SECRET is required/,
    );
  });

  it("listens on loopback in the demo unless HOST is set, and on every interface in production unless HOST narrows it", () => {
    const host = (src: Record<string, string>) => listenHost(loadEnv({ LOUPE_DATA_DIR: dir, ...src }));
    expect(host({})).toBe("127.0.0.1");
    expect(host({ LOUPE_MODE: "demo", HOST: "0.0.0.0" })).toBe("0.0.0.0");
    expect(host({ DATABASE_URL: "postgres://db.example/loupe" })).toBeUndefined();
    expect(host({ LOUPE_MODE: "production", HOST: "10.0.0.5" })).toBe("10.0.0.5");
  });

  it("accepts TRUST_PROXY as empty, a hop count or CIDRs (the benches' loopback), and refuses anything else", () => {
    for (const v of ["", "1", "127.0.0.1/8,::1/128", "10.0.0.0/8, 192.168.1.1"]) {
      expect(loadEnv({ TRUST_PROXY: v, LOUPE_DATA_DIR: dir }).TRUST_PROXY).toBe(v);
    }
    expect(() => loadEnv({ TRUST_PROXY: "everyone", LOUPE_DATA_DIR: dir })).toThrow(/TRUST_PROXY/);
    expect(() => loadEnv({ TRUST_PROXY: "10.0.0.0/40", LOUPE_DATA_DIR: dir })).toThrow(/TRUST_PROXY/);
  });

  it.each([
    ["short", "abc123XYZ"],
    ["a known default", "changeme"],
    ["one repeated character", "a".repeat(64)],
    ["too few distinct characters", "abababababababababababababababababab"],
  ])("refuses a weak secret (%s) in every mode", (_, secret) => {
    expect(
      () => loadEnv({ LOUPE_MODE: "production", SESSION_SECRET: secret, LOUPE_DATA_DIR: dir }).sessionSecret,
    ).toThrow(/at least 32 random characters/);
    expect(() => loadEnv({ LOUPE_MODE: "demo", SESSION_SECRET: secret, LOUPE_DATA_DIR: dir }).sessionSecret).toThrow(
      /at least 32 random characters/,
    );
  });

  it("lets CLIs and the worker load the environment without a secret; only the secret itself is refused", () => {
    const e = loadEnv({ DATABASE_URL: "postgres://db.example/loupe", LOUPE_DATA_DIR: dir });
    expect(e.mode).toBe("production");
    expect(() => e.sessionSecret).toThrow(/SESSION_SECRET is required/);
  });

  it("npm start refuses to start in production mode without a secret, before building anything", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        LOUPE_MODE: "production",
        LOUPE_DATA_DIR: dir,
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/SESSION_SECRET is required/);
    expect(r.stdout).not.toMatch(/Building/);
  });

  it("accepts a strong secret in production", () => {
    const e = loadEnv({ DATABASE_URL: "postgres://db.example/loupe", SESSION_SECRET: STRONG, LOUPE_DATA_DIR: dir });
    expect(e.mode).toBe("production");
    expect(e.sessionSecret).toBe(STRONG);
  });

  it("in the demo generates a strong secret once, keeps it private in the data folder and reuses it", () => {
    const first = loadEnv({ LOUPE_DATA_DIR: dir });
    expect(first.mode).toBe("demo");
    expect(first.sessionSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(dir, "session-secret"), "utf8").trim()).toBe(first.sessionSecret);
    expect(loadEnv({ LOUPE_DATA_DIR: dir }).sessionSecret).toBe(first.sessionSecret);
  });
});
