/**
 * `npm run loupe` end to end: the real CLI as a child process against a fresh
 * PGlite folder and a fresh Postgres database (exit codes, --json, stderr).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { openDb, type DbHandle } from "@/db/client";
import { auditEvents, categories } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { loupe, SECRET, tinyCatalogue, TSX } from "./loupe.test-helpers";

const SLOW = 180_000;

describe.each(dbTargets())("loupe CLI on $name", (target) => {
  let dir: string;
  let pg: TestDb | undefined;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => loupe(env, ...args);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, "--json");
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "loupe-cli-"));
    const base = { NODE_ENV: "test" as const, PATH: process.env.PATH, HOME: process.env.HOME, LOUPE_DATA_DIR: dir };
    if (target.name === "postgres") {
      pg = await createTestDb(target);
      env = { ...base, DATABASE_URL: pg.url, SESSION_SECRET: SECRET };
    } else env = { ...base, LOUPE_MODE: "demo" };
  }, SLOW);
  afterAll(async () => {
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** PGlite belongs to one process: open it only while no CLI runs. */
  async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
    if (pg) return fn(pg);
    const h = await openDb({ dataDir: path.join(dir, "pglite") });
    try {
      return await fn(h);
    } finally {
      await h.close();
    }
  }

  let projectId = 0;
  let mlId = 0;

  it(
    "creates users and a project, refusing a non-admin; lists projects; usage errors exit 2",
    async () => {
      expect((await cli("user", "create", "--admin", "--email", "root@example.test", "--name", "Root")).code).toBe(0);
      const ml = await json<{ user: { id: number } }>("user", "create", "--email", "ml@example.test", "--name", "ML");
      mlId = ml.user.id;
      const refused = await cli("project", "create", "--slug", "shop", "--name", "Shop", "--as", "ml@example.test");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("Only administrators");
      const made = await json<{ id: number; slug: string }>(
        ...["project", "create", "--slug", "shop", "--name", "Shop", "--as", "root@example.test"],
      );
      expect(made.slug).toBe("shop");
      projectId = made.id;
      const granted = await cli("user", "create", "--email", "ann@example.test", "--name", "Ann", "--project", "shop");
      expect(granted.code).toBe(2); // --project without --role
      expect(
        (
          await cli(
            "user",
            "create",
            "--email",
            "ann@example.test",
            "--name",
            "A",
            "--project",
            "shop",
            "--role",
            "annotator",
          )
        ).code,
      ).toBe(0);
      const list = await json<{ slug: string; role: string }[]>("project", "list", "--as", "root@example.test");
      expect(list).toEqual([expect.objectContaining({ slug: "shop", role: "admin" })]);
      expect(await json<unknown[]>("project", "list", "--as", "ml@example.test")).toEqual([]);
      expect((await cli("project", "frobnicate")).code).toBe(2);
      expect((await cli("status", "--project", "shop", "--bogus")).code).toBe(2);
    },
    SLOW,
  );

  it(
    "imports a taxonomy as a named user (audited), and refuses a bad line with its number, writing nothing",
    async () => {
      const noRole = await cli(
        "categories",
        "import",
        file("t.txt", "Dairy > Cheese\n"),
        "-p",
        "shop",
        "--as",
        "ml@example.test",
      );
      expect(noRole.code).toBe(1);
      expect(noRole.stderr).toContain("Project not found");
      const grant = [
        "user",
        "create",
        "--email",
        "ml2@example.test",
        "--name",
        "ML2",
        "--project",
        "shop",
        "--role",
        "ml_engineer",
      ];
      const ml2 = await json<{ user: { id: number } }>(...grant);
      const taxonomy = file("taxonomy.txt", "Dairy > Cheese\nDairy > Milk\nFrozen > Pizza\n");
      const plan = await json<{ create: string[]; applied: boolean }>(
        ...["categories", "import", taxonomy, "--project", "shop", "--as", "ml2@example.test"],
      );
      expect(plan).toMatchObject({ create: ["Dairy > Cheese", "Dairy > Milk", "Frozen > Pizza"], applied: true });
      const bad = await cli(
        "categories",
        "import",
        file("bad.txt", "Drinks > Tea\n > Coffee\nDrinks > Juice\n"),
        "-p",
        "shop",
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/line 2\b/);
      const rows = await withDb(async (h) => ({
        paths: (await h.db.select().from(categories).where(eq(categories.projectId, projectId))).map((c) => c.path),
        audit: await h.db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.action, "category.create"))),
      }));
      expect(rows.paths.sort()).toEqual(["Dairy > Cheese", "Dairy > Milk", "Frozen > Pizza"]);
      expect(rows.audit.map((a) => a.actorId)).toEqual([ml2.user.id, ml2.user.id, ml2.user.id]);
      expect(mlId).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    "imports items and exports them; the export imports into another project and exports the same labels",
    async () => {
      const items = file("items.jsonl", tinyCatalogue());
      const r = await cli("import", items, "--project", "shop", "--as", "ml2@example.test", "--json");
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ rows: 70, created: 70, labels: 60 });
      expect(r.stderr).toContain("importing");
      const annotator = await cli("import", items, "--project", "shop", "--as", "ann@example.test");
      expect(annotator.code).toBe(1);
      expect(annotator.stderr).toContain("Your role (annotator) cannot do that");
      const out = path.join(dir, "labels.jsonl");
      const exported = await cli("export", "--project", "shop", "--format", "jsonl", "--out", out);
      expect(exported.code, exported.stderr).toBe(0);
      const first = readFileSync(out, "utf8");
      const again = await cli("import", out, "--project", "Copy", "--create-project");
      expect(again.code, again.stderr).toBe(0);
      const out2 = path.join(dir, "labels2.jsonl");
      expect((await cli("export", "--project", "copy", "--format", "jsonl", "--out", out2)).code).toBe(0);
      const pick = (text: string) =>
        text
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { id: string; title: string; category: string; split: string })
          .map((x) => `${x.id}|${x.title}|${x.category}|${x.split}`)
          .sort();
      expect(pick(first)).toHaveLength(60);
      expect(pick(readFileSync(out2, "utf8"))).toEqual(pick(first));
      const refused = await cli("import", file("bad.jsonl", '{"id":"x","title":"ok"}\n{"id":"y"}\n'), "-p", "shop");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/nothing was written[\s\S]*line 2/);
    },
    SLOW,
  );

  it(
    "creates, lists and revokes an API token (needs --as)",
    async () => {
      const made = await json<{ id: number; token: string; scopes: string[] }>(
        ...[
          "token",
          "create",
          "--as",
          "ml2@example.test",
          "--name",
          "ci",
          "--scopes",
          "read,ml",
          "--expires-days",
          "7",
        ],
      );
      expect(made.token).toMatch(/^loupe_pat_/);
      const plain = await cli("token", "create", "--as", "ml2@example.test", "--name", "sh", "--scopes", "read");
      expect(plain.stdout.trim()).toMatch(/^loupe_pat_\S+$/);
      expect((await cli("token", "create", "--name", "x", "--scopes", "read")).stderr).toContain("--as EMAIL");
      expect((await cli("token", "create", "--as", "ml2@example.test", "--name", "x", "--scopes", "root")).code).toBe(
        2,
      );
      const list = await json<{ id: number; name: string; revokedAt: string | null }[]>(
        ...["token", "list", "--as", "ml2@example.test"],
      );
      expect(list.map((t) => t.name)).toEqual(["sh", "ci"]);
      expect((await cli("token", "revoke", String(made.id), "--as", "ml2@example.test")).code).toBe(0);
      const after = await json<{ id: number; revokedAt: string | null }[]>("token", "list", "--as", "ml2@example.test");
      expect(after.find((t) => t.id === made.id)?.revokedAt).not.toBeNull();
      expect((await cli("token", "revoke", String(made.id), "--as", "root@example.test")).code).toBe(0);
      expect((await cli("token", "revoke", String(made.id), "--as", "ann@example.test")).code).toBe(1);
    },
    SLOW,
  );

  it(
    "reads status and versions; trains and waits (a worker on Postgres, in-process on PGlite), activates, rolls back",
    async () => {
      const status = await json<{ itemCounts: object; labelCounts: object; categoryCount: number }>(
        ...["status", "--project", "shop"],
      );
      expect(status).toMatchObject({
        itemCounts: { pool: 55, test: 15 },
        labelCounts: { import: 60 },
        categoryCount: 3,
      });
      expect(await json("versions", "--project", "shop")).toEqual([]);
      const refused = await cli("train", "--project", "shop", "--as", "ann@example.test");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("Your role (annotator) cannot do that");
      // On Postgres the CLI queues the run and a worker trains it (its first tick sends the queued run);
      // on PGlite nothing else may open the folder, so `train --wait` trains in the CLI's own process.
      let worker: ChildProcess | undefined;
      if (target.name === "postgres") {
        const queued = await json<{ version: number; created: boolean }>(
          ...["train", "-p", "shop", "--as", "ml2@example.test"],
        );
        expect(queued).toMatchObject({ version: 1, created: true });
        const versions = await json<{ version: number; status: string }[]>("versions", "-p", "shop");
        expect(versions).toEqual([expect.objectContaining({ version: 1, status: "queued" })]);
        worker = spawn(TSX, ["scripts/worker.ts", "--poll", "1"], { env, stdio: "ignore" });
      }
      try {
        const trained = await json<{ version: number; status: string; active: boolean }>(
          ...["train", "--wait", "-p", "shop", "--as", "ml2@example.test"],
        );
        expect(trained).toMatchObject({ version: 1, status: "ready" });
      } finally {
        worker?.kill("SIGTERM");
      }
      const act = await json<{ version: number }>("activate", "1", "-p", "shop", "--as", "ml2@example.test");
      expect(act.version).toBe(1);
      expect((await json<{ activeModelVersion: number }>("status", "-p", "shop")).activeModelVersion).toBe(1);
      expect((await cli("activate", "9", "-p", "shop")).stderr).toContain("No version 9");
      const text = await cli("versions", "-p", "shop");
      expect(text.stdout).toMatch(/^\* v1\tready/);
      const noOlder = await cli("rollback", "-p", "shop", "--as", "ml2@example.test");
      expect(noOlder.code).toBe(1);
      if (target.name === "postgres") return;
      expect((await json<{ version: number }>("train", "--wait", "-p", "shop")).version).toBe(2);
      expect((await json<{ version: number }>("activate", "2", "-p", "shop", "--as", "ml2@example.test")).version).toBe(
        2,
      );
      const back = await json<{ version: number; changed: boolean }>(
        "rollback",
        "-p",
        "shop",
        "--as",
        "ml2@example.test",
      );
      expect(back).toMatchObject({ version: 1, changed: true });
      expect((await json<{ activeModelVersion: number }>("status", "-p", "shop")).activeModelVersion).toBe(1);
    },
    SLOW,
  );
});
