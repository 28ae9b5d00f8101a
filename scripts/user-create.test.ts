/** `npm run user:create` end to end: a real process against PGlite in a folder and against Postgres. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDb, type DbHandle } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { verifyPassword } from "@/server/auth/password";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject } from "@/test/factories";

const run = promisify(execFile);
const TSX = path.resolve("node_modules/.bin/tsx");
const SECRET = "9d2f6b1a7c3e5f8a0b4d6e2c9a1f3b5d7e9c0a2b4d6f8e1c";

describe.each(dbTargets())("user:create on $name", (target) => {
  let dataDir: string;
  let pg: TestDb | undefined;
  let childEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "loupe-cli-"));
    const base = { NODE_ENV: "test" as const, PATH: process.env.PATH, HOME: process.env.HOME, LOUPE_DATA_DIR: dataDir };
    if (target.name === "postgres") {
      pg = await createTestDb(target);
      childEnv = { ...base, DATABASE_URL: pg.url, SESSION_SECRET: SECRET };
    } else {
      childEnv = { ...base, LOUPE_MODE: "demo" };
    }
  });
  afterAll(async () => {
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function cli(...args: string[]) {
    return cliWith({}, ...args);
  }

  /** `stdin` is piped in (as `printf … |` would); `env` is added to the child's environment. */
  async function cliWith(o: { stdin?: string; env?: Record<string, string> }, ...args: string[]) {
    try {
      const child = run(TSX, ["scripts/user-create.ts", ...args], { env: { ...childEnv, ...o.env } });
      child.child.stdin?.end(o.stdin ?? "");
      const { stdout, stderr } = await child;
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
    }
  }

  /** PGlite belongs to one process: open it only while no CLI runs. */
  async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
    if (pg) return fn(pg);
    const h = await openDb({ dataDir: path.join(dataDir, "pglite") });
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  }

  it("creates an admin, printing a generated password once", async () => {
    const r = await cli("--admin", "--email", "Root@Example.test", "--name", "Root");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Created user #\d+ root@example\.test \(instance admin\)/);
    const password = /shown once, store it now\): (\S+)/.exec(r.stdout)?.[1];
    expect(password).toHaveLength(24);
    const [u] = await withDb((h) => h.db.select().from(users).where(eq(users.email, "root@example.test")));
    expect(u!.isAdmin).toBe(true);
    expect(await verifyPassword(u!.passwordHash, password!)).toBe(true);
  });

  it("refuses a duplicate email, a short password and unknown options with exit code 1", async () => {
    const dup = await cli("--email", "root@example.test", "--name", "Again");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("A user with email root@example.test already exists");
    const short = await cli("--email", "s@example.test", "--name", "S", "--password", "short");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("--password: Password must be at least 12 characters");
    const unknown = await cli("--email", "s@example.test", "--name", "S", "--sudo");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Usage:");
  });

  it("grants a project role when asked, and creates nothing for an unknown project", async () => {
    const projectId = await withDb(async (h) => (await makeProject(h.db, { name: "Demo Shop" })).project.id);
    const ok = await cli(
      "--email",
      "ann@example.test",
      "--name",
      "Ann",
      "--password",
      "a long passphrase",
      "--project",
      "demo-shop",
      "--role",
      "annotator",
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain("shown once");
    expect(ok.stderr).toContain("--password is visible to other users (ps)");
    const missing = await cli(
      "--email",
      "bob@example.test",
      "--name",
      "Bob",
      "--project",
      "nope",
      "--role",
      "annotator",
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No project with slug "nope"');
    await withDb(async (h) => {
      const [ann] = await h.db.select().from(users).where(eq(users.email, "ann@example.test"));
      expect(await verifyPassword(ann!.passwordHash, "a long passphrase")).toBe(true);
      expect(
        await h.db
          .select({ role: memberships.role, projectId: memberships.projectId })
          .from(memberships)
          .where(eq(memberships.userId, ann!.id)),
      ).toEqual([{ role: "annotator", projectId }]);
      expect(await h.db.select().from(users).where(eq(users.email, "bob@example.test"))).toEqual([]);
    });
  });

  it("takes the password from stdin or LOUPE_NEW_USER_PASSWORD, never needing it on the command line", async () => {
    const piped = await cliWith(
      { stdin: "piped secret phrase\n" },
      "--email",
      "pipe@example.test",
      "--name",
      "Pipe",
      "--password-stdin",
    );
    expect(piped).toMatchObject({ code: 0, stderr: "" });
    expect(piped.stdout).not.toContain("shown once");
    const fromEnv = await cliWith(
      { env: { LOUPE_NEW_USER_PASSWORD: "env secret phrase" } },
      "--email",
      "env@example.test",
      "--name",
      "Env",
    );
    expect(fromEnv).toMatchObject({ code: 0, stderr: "" });
    expect(fromEnv.stdout).not.toContain("shown once");
    await withDb(async (h) => {
      const [pipe] = await h.db.select().from(users).where(eq(users.email, "pipe@example.test"));
      const [env] = await h.db.select().from(users).where(eq(users.email, "env@example.test"));
      expect(await verifyPassword(pipe!.passwordHash, "piped secret phrase")).toBe(true);
      expect(await verifyPassword(env!.passwordHash, "env secret phrase")).toBe(true);
    });
  });
});
