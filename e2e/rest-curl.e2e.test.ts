/**
 * The REST API from a shell: e2e/rest-curl.sh drives `npm start`'s real server (with the
 * inline job worker, so training really runs) using nothing but curl and jq, and asserts
 * on every answer. This test seeds the project and a token, runs the script, and passes
 * only if the script exits 0.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { createApiToken } from "@/server/services/api-tokens";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { E2E_SETUP_TIMEOUT_MS, ROOT, e2eEnvironment, startApp, type E2EApp } from "./harness";

const USER = { email: "pipeline@example.test", password: "pipeline password 123", name: "Pia Pipeline" };
const CATEGORIES = [
  "Produce > Fresh fruits",
  "Dairy eggs > Yogurt",
  "Snacks > Chips pretzels",
  "Beverages > Water seltzer",
];
const env = e2eEnvironment();

function run(
  cmd: string,
  args: string[],
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}

describe.skipIf(!env.ready)("the REST API with curl and jq", () => {
  let app: E2EApp;
  let projectId = 0;
  let token = "";

  beforeAll(async () => {
    app = await startApp({
      env: { LOUPE_WORKER: "inline" },
      seed: async (s) => {
        const user = await s.user(USER);
        projectId = (await s.project({ name: "Catalogue", categories: CATEGORIES })).id;
        await s.member(projectId, user.id, "ml_engineer");
        // The script starts the first training run itself.
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0, retrainEveryLabels: 0 } })
          .where(eq(projects.id, projectId));
        const made = await createApiToken(s.db, {
          actor: { id: user.id, isAdmin: false },
          name: "curl",
          scopes: ["read", "write", "ml"],
          expiresInDays: 1,
        });
        token = made.token;
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("upserts, trains, reads predictions and pulls labels, then nothing new from the cursor", async () => {
    const { code, out } = await run("bash", [path.join(ROOT, "e2e/rest-curl.sh")], {
      LOUPE_URL: app.baseUrl,
      LOUPE_TOKEN: token,
      LOUPE_PROJECT: String(projectId),
    });
    expect(code, `${out}\n--- server ---\n${app.logs().slice(-3000)}`).toBe(0);
    expect(out).toContain("OK: REST pipeline round trip");
  }, 300_000);
});
