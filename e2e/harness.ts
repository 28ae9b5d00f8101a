/**
 * Browser end-to-end harness: the real web server (scripts/serve.ts) on a free port with a fresh
 * PGlite data folder, seeded before the server opens it, and headless Chromium
 * through playwright-core.
 *
 *   const env = e2eEnvironment();                       // skip reason, or ready
 *   describe.skipIf(!env.ready)("…", () => {
 *     let app: E2EApp;
 *     beforeAll(async () => { app = await startApp({ seed: async (s) => { await s.user({ email, password, isAdmin: true }); } }); });
 *     afterAll(() => app?.stop());
 *     it("…", async () => { const page = await app.newPage(); await app.login(page, email, password); … });
 *   });
 *
 * Build: reuses `.next` when it is newer than every source file; otherwise runs
 * `next build` once (a lock keeps parallel test files from building twice).
 * LOUPE_E2E_BUILD=1 forces a build, =0 never builds.
 * Without /usr/bin/chromium the suites skip with a message, except under CI=true where that is a failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { openDb, type DbHandle } from "@/db/client";
import { createPostgresDatabase } from "@/test/db";
import { migrateDb } from "@/db/migrate";
import type { Db } from "@/db/client";
import { categories, items, labels, memberships, projects } from "@/db/schema";
import type { Role } from "@/lib/constants";
import { createUser } from "@/server/services/users";
import { DEFAULT_SETTINGS } from "@/server/services/projects";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const CHROMIUM = process.env.LOUPE_E2E_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const SOURCE_DIRS = ["app", "server", "db", "public"];
const SOURCE_FILES = ["proxy.ts", "instrumentation.ts", "next.config.ts", "package.json", "postcss.config.mjs"];

/** For `beforeAll(..., E2E_SETUP_TIMEOUT_MS)`: a cold `next build` on a busy 2-core machine takes minutes. */
export const E2E_SETUP_TIMEOUT_MS = 10 * 60_000;

export type E2EEnvironment = { ready: true } | { ready: false; reason: string };

/** Whether browser tests can run here. Throws under CI=true when they cannot: CI must not skip them silently. */
export function e2eEnvironment(): E2EEnvironment {
  if (existsSync(CHROMIUM)) return { ready: true };
  const reason = `${CHROMIUM} not found: browser tests skipped (install with \`apt-get install -y chromium\`)`;
  if (process.env.CI === "true") throw new Error(`CI=true but ${reason}`);
  console.warn(`[e2e] ${reason}`);
  return { ready: false, reason };
}

// ---------------------------------------------------------------- build ----

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

function buildIsCurrent(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const newestSource = Math.max(
    ...SOURCE_DIRS.map((d) => newestMtime(path.join(ROOT, d))),
    ...SOURCE_FILES.map((f) => newestMtime(path.join(ROOT, f))),
  );
  return newestSource < built;
}

async function withLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const lock = path.join(os.tmpdir(), `loupe-e2e-${name}.lock`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`[e2e] timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function ensureBuild(): Promise<void> {
  const mode = process.env.LOUPE_E2E_BUILD;
  if (mode === "0") return;
  await withLock("build", async () => {
    if (mode !== "1" && buildIsCurrent()) return;
    console.info("[e2e] running next build …");
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    let out = "";
    const keep = (b: Buffer) => {
      out = (out + b.toString("utf8")).slice(-8000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`[e2e] next build failed (exit ${code}):\n${out}`);
  });
}

// ----------------------------------------------------------------- seed ----

export type SeedApi = {
  db: Db;
  user: (u: { email: string; password: string; name?: string; isAdmin?: boolean }) => Promise<{ id: number }>;
  project: (p: {
    name: string;
    slug?: string;
    description?: string;
    categories?: string[];
  }) => Promise<{ id: number; categoryIds: number[] }>;
  member: (projectId: number, userId: number, role: Role) => Promise<void>;
  /** Items with optional labels: `label` is an index into the project's categories. */
  items: (
    projectId: number,
    rows: {
      externalId: string;
      title: string;
      split?: "pool" | "test";
      label?: { category: number | null; source: "human" | "auto" | "import"; confidence?: number };
    }[],
  ) => Promise<void>;
};

function seedApi(db: Db): SeedApi {
  const catIds = new Map<number, number[]>();
  return {
    db,
    user: async (u) => {
      const { user } = await createUser(db, {
        actorId: null,
        email: u.email,
        name: u.name ?? u.email.split("@")[0]!,
        password: u.password,
        isAdmin: u.isAdmin ?? false,
      });
      return { id: user.id };
    },
    project: async (p) => {
      const slug =
        p.slug ??
        p.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, "-")
          .replace(/^-|-$/g, "");
      const [row] = await db
        .insert(projects)
        .values({
          slug,
          name: p.name,
          description: p.description ?? "",
          // No evaluation or suspect picks unless a test sets them: the queue order stays the seeded one.
          settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0 },
        })
        .returning({ id: projects.id });
      const paths = p.categories ?? [];
      const cats = paths.length
        ? await db
            .insert(categories)
            .values(paths.map((cp) => ({ projectId: row!.id, path: cp, name: cp.split(" > ").pop()! })))
            .returning({ id: categories.id })
        : [];
      catIds.set(
        row!.id,
        cats.map((c) => c.id),
      );
      return { id: row!.id, categoryIds: cats.map((c) => c.id) };
    },
    member: async (projectId, userId, role) => {
      await db.insert(memberships).values({ projectId, userId, role });
    },
    items: async (projectId, rows) => {
      if (rows.length === 0) return;
      const inserted = await db
        .insert(items)
        .values(rows.map((r) => ({ projectId, externalId: r.externalId, title: r.title, split: r.split ?? "pool" })))
        .returning({ id: items.id, externalId: items.externalId });
      const byExt = new Map(inserted.map((i) => [i.externalId, i.id]));
      const cats = catIds.get(projectId) ?? [];
      const labelRows = rows
        .filter((r) => r.label)
        .map((r) => ({
          itemId: byExt.get(r.externalId)!,
          projectId,
          categoryId: r.label!.category === null ? null : (cats[r.label!.category] ?? null),
          source: r.label!.source,
          confidence: r.label!.confidence ?? null,
        }));
      if (labelRows.length) await db.insert(labels).values(labelRows);
    },
  };
}

// ------------------------------------------------------------------ app ----

export type E2EApp = {
  baseUrl: string;
  /** The web server's process id (for reading its memory use). */
  pid: number;
  dataDir: string;
  /** The app's Postgres database (the e2e-postgres project); undefined on PGlite (`dataDir`/pglite). */
  databaseUrl?: string;
  browser: Browser;
  /** A page in a fresh browser context (its own cookies), with baseURL set so `page.goto("/login")` works. */
  newPage: () => Promise<Page>;
  login: (page: Page, email: string, password: string) => Promise<void>;
  /** Server output so far, for failure messages. */
  logs: () => string;
  /** SIGTERM to the server alone, then its exit (data left in place; stop() still cleans up). */
  terminate: () => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  stop: () => Promise<void>;
};

export type StartOptions = {
  seed?: (s: SeedApi) => Promise<void>;
  env?: Record<string, string>;
  /** `-H` for the server; null leaves it out, so the server picks (HOST, or loopback in the demo). */
  host?: string | null;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, logs: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`[e2e] the web server exited with ${child.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`[e2e] server did not answer ${url} within ${timeoutMs} ms:\n${logs()}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: the server and any child
  } catch {
    child.kill(signal);
  }
}

/**
 * The app's database: a PGlite folder by default; with LOUPE_E2E_DB=postgres
 * (the "e2e-postgres" Vitest project, when TEST_DATABASE_URL is set) a fresh
 * Postgres database of its own, dropped on stop.
 */
async function prepareDatabase(): Promise<{ url?: string; drop: () => Promise<void> }> {
  if (process.env.LOUPE_E2E_DB !== "postgres") return { drop: async () => {} };
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("LOUPE_E2E_DB=postgres needs TEST_DATABASE_URL");
  const db = await createPostgresDatabase(base);
  console.log(`[e2e] app on Postgres: ${new URL(db.url).pathname.slice(1)}`);
  return db;
}

export async function startApp(opts: StartOptions = {}): Promise<E2EApp> {
  await ensureBuild();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "loupe-e2e-"));
  const database = await prepareDatabase();
  // Seed first and close: PGlite is one process's database.
  if (opts.seed) {
    const handle: DbHandle = await openDb(
      database.url ? { url: database.url } : { dataDir: path.join(dataDir, "pglite") },
    );
    try {
      await migrateDb(handle);
      await opts.seed(seedApi(handle.db));
    } finally {
      await handle.close();
    }
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = "";
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    LOUPE_DATA_DIR: dataDir,
    LOUPE_MODE: "demo",
    LOUPE_WORKER: "off",
    ...opts.env,
  };
  // PGlite in the temp folder or this run's own Postgres database, never a developer's.
  if (database.url) childEnv.DATABASE_URL = database.url;
  else if (!opts.env?.DATABASE_URL) delete childEnv.DATABASE_URL;
  // `npm start`'s web server: the browser tests go through the production request path.
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "scripts/serve.ts"),
      "-p",
      String(port),
      ...(opts.host === null ? [] : ["-H", opts.host ?? "127.0.0.1"]),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: childEnv,
    },
  );
  const append = (b: Buffer) => {
    output = (output + b.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const logs = () => output;
  // If the test process dies without afterAll, the detached server must not outlive it.
  const onExit = () => killGroup(child, "SIGKILL");
  process.once("exit", onExit);

  let browser: Browser | undefined;
  const stop = async () => {
    process.off("exit", onExit);
    await browser?.close().catch(() => {});
    killGroup(child, "SIGTERM");
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        killGroup(child, "SIGKILL");
        resolve();
      }, 5000);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
    });
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop().catch((err: unknown) => console.error("[e2e] could not drop the test database:", err));
  };

  try {
    await waitForServer(`${baseUrl}/login`, child, logs);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (err) {
    await stop();
    throw err;
  }
  const b = browser;
  const terminate = async () => {
    const t0 = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return resolve({ code: child.exitCode, signal: child.signalCode });
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    child.kill("SIGTERM");
    return { ...(await exited), ms: Date.now() - t0 };
  };
  return {
    baseUrl,
    pid: child.pid!,
    dataDir,
    databaseUrl: database.url,
    browser: b,
    logs,
    terminate,
    stop,
    newPage: async () => {
      const context = await b.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
      return context.newPage();
    },
    login: async (page, email, password) => {
      if (!page.url().includes("/login")) await page.goto("/login");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL((u) => u.pathname !== "/login", { timeout: 30_000 });
    },
  };
}

/** Screenshots go to docs/screenshots only when LOUPE_E2E_SCREENSHOTS=1, so ordinary runs leave the tree clean. */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  if (process.env.LOUPE_E2E_SCREENSHOTS !== "1") return;
  const dir = path.join(ROOT, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Waits until the first match contains `text` (playwright-core has no `expect`; this is the one assertion it needs). */
export async function expectText(locator: Locator, text: string, timeoutMs = 15_000): Promise<void> {
  await locator.first().waitFor({ timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = (await locator.first().textContent()) ?? "";
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Expected ${String(locator)} to contain ${JSON.stringify(text)}, last saw ${JSON.stringify(last)}`);
}

/** Waits until the review page shows an item other than `id` (a moment of empty queue does not count). */
export async function waitForOtherReviewItem(page: Page, id: number | string | null): Promise<void> {
  await page.waitForFunction((before) => {
    const shown = document.querySelector("[data-testid=review-title]")?.getAttribute("data-item-id");
    return shown !== undefined && shown !== null && shown !== String(before);
  }, id);
}
