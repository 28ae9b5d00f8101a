/** The demo's secret and credentials files end up owner-only, whatever mode they had before. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEnv } from "./env";
import { demoCredentialsFile, keepDemoFilesPrivate, sessionSecretFile, writePrivateFile } from "./private-file";

const dir = mkdtempSync(path.join(tmpdir(), "loupe-private-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("private files", () => {
  it("rewrites an existing world-readable file as owner-only", () => {
    const file = path.join(dir, "rewritten.txt");
    writeFileSync(file, "old", { mode: 0o644 });
    chmodSync(file, 0o644);
    writePrivateFile(file, "new");
    expect(modeOf(file)).toBe(0o600);
  });

  it("closes the demo's credentials and session secret on every start, even when nothing is written", () => {
    const data = mkdtempSync(path.join(dir, "data-"));
    for (const f of [demoCredentialsFile(data), sessionSecretFile(data)]) {
      writeFileSync(f, "secret\n");
      chmodSync(f, 0o644);
    }
    keepDemoFilesPrivate(data);
    expect(modeOf(demoCredentialsFile(data))).toBe(0o600);
    expect(modeOf(sessionSecretFile(data))).toBe(0o600);
    // Nothing there yet (production, or before the first seed): nothing to do, no error.
    expect(() => keepDemoFilesPrivate(path.join(data, "missing"))).not.toThrow();
  });

  it("reads the demo session secret only after making it owner-only", () => {
    const data = mkdtempSync(path.join(dir, "secret-"));
    const file = sessionSecretFile(data);
    writeFileSync(file, "f3a9c1e07b2d4c6e8a0b1d3f5e7c9a1b2d4f6e8a0c2e4f6a\n");
    chmodSync(file, 0o644);
    expect(loadEnv({ LOUPE_MODE: "demo", LOUPE_DATA_DIR: data }).sessionSecret).toHaveLength(48);
    expect(modeOf(file)).toBe(0o600);
  });
});
