/**
 * For tests that call the HTTP entry (server/http.ts) in-process: env() is
 * read lazily and cached, so point it at a throwaway demo folder (generated
 * session secret, no DATABASE_URL, no extra origins) before the first call.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";

export const TEST_HOST = "loupe.test:3000";
export const TEST_ORIGIN = `http://${TEST_HOST}`;

export function useDemoHttpEnv(prefix: string): void {
  const dataDir = mkdtempSync(path.join(tmpdir(), prefix));
  beforeAll(() => {
    process.env.LOUPE_DATA_DIR = dataDir;
    process.env.LOUPE_MODE = "demo";
    delete process.env.DATABASE_URL;
    delete process.env.SESSION_SECRET;
    delete process.env.ALLOWED_ORIGINS;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
}
