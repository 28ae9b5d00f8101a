/**
 * Setting up a benchmark project through the real services: an instance admin
 * (as the CLI's user:create makes it), the project, settings and members through
 * tRPC callers, items through the import service's own code path, annotator accounts.
 * With gold "import" the test rows come in with their category as gold; with "loop"
 * the project never sees them (its gold comes from evaluation picks; the bench
 * scores the test rows offline). Legacy labels: a share of pool rows arrive
 * labelled, a share of those with a wrong category (from the same top-level
 * category when there is one), as real catalogues do.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { categories } from "@/db/schema";
import { eq } from "drizzle-orm";
import { generateCatalogue } from "@/server/demo/catalogue";
import { normaliseCategoryPath, type ImportRow } from "@/server/services/imports";
import { createCallerFactory, type Context } from "@/server/trpc";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/services/auth";
import { importRowsInTx } from "@/server/services/imports";
import { ensureCategories } from "@/server/services/imports";
import { createUser } from "@/server/services/users";
import type { ProjectSettings } from "@/db/schema";
import { readJsonl } from "./data";

export type BenchRow = {
  id: string;
  title: string;
  description: string | null;
  category: string;
  split: "pool" | "test";
  attributes?: Record<string, unknown>;
};

export const BENCH_SECRET = `bench-${randomBytes(24).toString("hex")}`;

export function callerFor(db: Db, user: SessionUser) {
  const ctx: Context = {
    db,
    user,
    sessionToken: null,
    sessionSecret: BENCH_SECRET,
    sessionTtlHours: 24,
    clientKey: "bench",
    secureCookies: false,
  };
  return createCallerFactory(appRouter)(ctx);
}
export type Caller = ReturnType<typeof callerFor>;

function normalised(path: string): string {
  const r = normaliseCategoryPath(path);
  if (!r.ok) throw new Error(`invalid category "${path}": ${r.message}`);
  return r.path;
}

/** `demo` → generateCatalogue(); otherwise a JSONL file in the shared data format. */
export function loadRows(data: string, opts: { poolSize?: number; testSize?: number; seed?: number } = {}): BenchRow[] {
  if (data === "demo") {
    return generateCatalogue({ seed: opts.seed ?? 42, poolSize: opts.poolSize, testSize: opts.testSize }).items.map(
      (i) => ({ ...i }),
    );
  }
  const rows = readJsonl(data).map((r) => ({
    ...r,
    split: r.split === "test" ? ("test" as const) : ("pool" as const),
  }));
  if (opts.poolSize === undefined && opts.testSize === undefined) return rows;
  // Deterministic subsample (--quick): the first N of each split in file order.
  const pool = rows.filter((r) => r.split === "pool").slice(0, opts.poolSize ?? Infinity);
  const test = rows.filter((r) => r.split === "test").slice(0, opts.testSize ?? Infinity);
  return [...pool, ...test];
}

export type BenchProject = {
  projectId: number;
  admin: SessionUser;
  annotators: SessionUser[];
  /** externalId → category id the oracle knows (pool and test). */
  truth: Map<string, number>;
  /** Test rows the project never saw (gold "loop"): the bench scores them offline. */
  heldOutTest: BenchRow[];
  /** externalIds of the pool rows imported with a wrong category. */
  legacyWrong: Set<string>;
  legacyCount: number;
  poolSize: number;
  testSize: number;
  categoryCount: number;
  importMs: number;
};

export type GoldSource = "import" | "loop";
export type LegacyLabels = { share: number; noise: number; seed: number };

/** A deterministic share in [0, 1) per row and salt. */
function shareOf(id: string, salt: number): number {
  return createHash("sha1").update(`${salt}:${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Which pool rows arrive labelled, and with which (possibly wrong) category path. */
export function legacyLabels(rows: BenchRow[], l: LegacyLabels): Map<string, { path: string; wrong: boolean }> {
  const paths = [...new Set(rows.map((r) => normalised(r.category)))].sort();
  const top = (p: string) => p.split(" > ")[0];
  const out = new Map<string, { path: string; wrong: boolean }>();
  for (const r of rows) {
    if (r.split !== "pool" || shareOf(r.id, l.seed) >= l.share) continue;
    const truth = normalised(r.category);
    if (shareOf(r.id, l.seed + 1) >= l.noise) {
      out.set(r.id, { path: truth, wrong: false });
      continue;
    }
    const siblings = paths.filter((p) => p !== truth && top(p) === top(truth));
    const others = siblings.length ? siblings : paths.filter((p) => p !== truth);
    out.set(r.id, { path: others[Math.floor(shareOf(r.id, l.seed + 2) * others.length)]!, wrong: true });
  }
  return out;
}

async function* importRows(
  rows: BenchRow[],
  legacy: Map<string, { path: string; wrong: boolean }>,
): AsyncGenerator<ImportRow, void> {
  let line = 0;
  for (const r of rows) {
    line += 1;
    yield {
      line,
      externalId: r.id,
      title: r.title,
      description: r.description,
      categoryPath: r.split === "test" ? normalised(r.category) : (legacy.get(r.id)?.path ?? null),
      split: r.split,
      attributes: r.attributes ?? {},
    };
  }
}

export async function setupProject(
  db: Db,
  rows: BenchRow[],
  o: {
    annotators: number;
    settings: Partial<ProjectSettings>;
    password?: string;
    slug?: string;
    gold?: GoldSource;
    legacy?: LegacyLabels;
  },
): Promise<BenchProject> {
  const loopGold = o.gold === "loop";
  const projectRows = loopGold ? rows.filter((r) => r.split === "pool") : rows;
  const legacy = o.legacy ? legacyLabels(projectRows, o.legacy) : new Map<string, { path: string; wrong: boolean }>();
  const password = o.password ?? `bench-${randomBytes(8).toString("hex")}`;
  const adminRes = await createUser(db, {
    actorId: null,
    email: `admin-${randomBytes(3).toString("hex")}@bench.test`,
    name: "Bench Admin",
    password,
    isAdmin: true,
  });
  const admin: SessionUser = {
    id: adminRes.user.id,
    email: adminRes.user.email,
    name: adminRes.user.name,
    isAdmin: true,
  };
  const asAdmin = callerFor(db, admin);
  const project = await asAdmin.projects.create({ slug: o.slug ?? "bench", name: "Bench" });
  await asAdmin.projects.updateSettings({ projectId: project.id, settings: o.settings });

  const paths = [...new Set(rows.map((r) => normalised(r.category)))].sort();
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    // All categories up front: pool items' true categories must exist for corrections.
    await ensureCategories(tx, project.id, paths, new Map());
    await importRowsInTx(
      tx,
      { projectId: project.id, actorId: admin.id, filename: "bench", format: "generated", unknownCategories: "reject" },
      importRows(projectRows, legacy),
    );
  });
  const importMs = performance.now() - t0;
  const cats = await db
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(eq(categories.projectId, project.id));
  const idOf = new Map(cats.map((c) => [c.path, c.id]));
  const truth = new Map(rows.map((r) => [r.id, idOf.get(normalised(r.category))!]));

  const annotators: SessionUser[] = [];
  for (let i = 0; i < o.annotators; i++) {
    const email = `annotator-${i}@bench.test`;
    const u = await asAdmin.users.create({ email, name: `Annotator ${i}`, password });
    await asAdmin.members.set({ projectId: project.id, email, role: "annotator" });
    annotators.push({ id: u.user.id, email: u.user.email, name: u.user.name, isAdmin: false });
  }
  return {
    projectId: project.id,
    admin,
    annotators,
    truth,
    heldOutTest: loopGold ? rows.filter((r) => r.split === "test") : [],
    legacyWrong: new Set([...legacy].filter(([, v]) => v.wrong).map(([k]) => k)),
    legacyCount: legacy.size,
    poolSize: rows.filter((r) => r.split === "pool").length,
    testSize: projectRows.filter((r) => r.split === "test").length,
    categoryCount: paths.length,
    importMs,
  };
}
