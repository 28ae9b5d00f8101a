/**
 * The demo: one project built from the synthetic catalogue, with gold labels on its
 * test items only (the pool is what people label), and one account per role.
 * Written in one transaction through the import service's own code path, so a
 * half-seeded demo cannot exist; a second call finds the project and does nothing.
 */
import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { memberships, projects, users } from "@/db/schema";
import { generateCatalogue, type CatalogueItem } from "@/server/demo/catalogue";
import { normaliseCategoryPath, type ImportRow } from "@/server/services/imports";
import type { Role } from "@/lib/constants";
import { hashPassword } from "@/server/auth/password";
import { ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { importRowsInTx, type ImportResult } from "@/server/services/imports";
import { ensureCategories } from "@/server/services/imports";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { generatePassword, MIN_PASSWORD_LENGTH } from "@/server/services/users";
import { refreshStatistics } from "@/db/statistics";

export const DEMO_SLUG = "demo";
export const DEMO_NAME = "Demo catalogue";

export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role; isAdmin: boolean }[] = [
  { email: "admin@loupe.demo", name: "Demo Admin", role: "admin", isAdmin: true },
  { email: "annotator@loupe.demo", name: "Demo Annotator", role: "annotator", isAdmin: false },
  { email: "reviewer@loupe.demo", name: "Demo Reviewer", role: "reviewer", isAdmin: false },
  { email: "ml@loupe.demo", name: "Demo ML Engineer", role: "ml_engineer", isAdmin: false },
  { email: "manager@loupe.demo", name: "Demo Manager", role: "manager", isAdmin: false },
];

export type SeedDemoOptions = {
  seed?: number;
  poolSize?: number;
  testSize?: number;
  password?: string;
  /**
   * Share of pool items that arrive already categorised ("the old catalogue
   * system's labels", source import), so the demo can train its first model at
   * once instead of starting cold. 0 = a cold start.
   */
  legacyLabelShare?: number;
};
export type DemoAccount = { email: string; role: Role; password: string };
export type SeedDemoResult =
  | { created: false; projectId: number; users: [] }
  | { created: true; projectId: number; users: DemoAccount[]; import: ImportResult };

/** Shown instead of a password when the account existed before the seed (its password is left alone). */
export const UNCHANGED_PASSWORD = "(existing account: password unchanged)";

export async function seedDemoProject(db: Db, opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const existing = await demoProjectId(db);
  if (existing !== null) return { created: false, projectId: existing, users: [] };
  if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`The demo password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  // Hash before the transaction: argon2 is slow on purpose and should not hold it open.
  const accounts = await Promise.all(
    DEMO_ACCOUNTS.map(async (a) => {
      const password = opts.password ?? generatePassword();
      return { ...a, password, passwordHash: await hashPassword(password) };
    }),
  );
  const catalogue = generateCatalogue({ seed: opts.seed, poolSize: opts.poolSize, testSize: opts.testSize });
  const seeded: SeedDemoResult = await db.transaction(async (tx): Promise<SeedDemoResult> => {
    const [project] = await tx
      .insert(projects)
      .values({
        slug: DEMO_SLUG,
        name: DEMO_NAME,
        description: "Synthetic product catalogue for trying Loupe",
        settings: DEFAULT_SETTINGS,
      })
      .onConflictDoNothing({ target: projects.slug })
      .returning({ id: projects.id });
    // Another process seeded it between our check and this insert.
    if (!project) return { created: false, projectId: (await demoProjectId(tx)) ?? 0, users: [] };
    await recordAudit(tx, {
      projectId: project.id,
      actorId: null,
      action: "project.create",
      entityType: "project",
      entityId: project.id,
      after: { slug: DEMO_SLUG, demo: true },
    });
    const created = await upsertAccounts(tx, project.id, accounts);
    await ensureCategories(tx, project.id, catalogue.categories.map(normalised), new Map());
    const result = await importRowsInTx(
      tx,
      {
        projectId: project.id,
        actorId: null,
        filename: `demo catalogue (seed ${opts.seed ?? 42})`,
        format: "generated",
        unknownCategories: "reject",
      },
      demoRows(catalogue.items, opts.legacyLabelShare ?? 0),
    );
    return { created: true, projectId: project.id, users: created, import: result };
  });
  await refreshStatistics(db);
  return seeded;
}

async function demoProjectId(db: DbOrTx): Promise<number | null> {
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.slug, DEMO_SLUG)).limit(1);
  return row?.id ?? null;
}

type PreparedAccount = (typeof DEMO_ACCOUNTS)[number] & { password: string; passwordHash: string };

/** An account that already exists (e.g. made by hand) keeps its password and gets the membership. */
async function upsertAccounts(tx: DbOrTx, projectId: number, accounts: PreparedAccount[]): Promise<DemoAccount[]> {
  const out: DemoAccount[] = [];
  for (const a of accounts) {
    const [inserted] = await tx
      .insert(users)
      .values({ email: a.email, name: a.name, passwordHash: a.passwordHash, isAdmin: a.isAdmin })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    const [user] = inserted
      ? [inserted]
      : await tx.select({ id: users.id }).from(users).where(eq(users.email, a.email)).limit(1);
    if (!user) throw new Error(`demo seed: account ${a.email} neither created nor found`);
    if (inserted) {
      await recordAudit(tx, {
        projectId: null,
        actorId: null,
        action: "user.create",
        entityType: "user",
        entityId: user.id,
        after: { email: a.email, isAdmin: a.isAdmin },
      });
    }
    await tx.insert(memberships).values({ projectId, userId: user.id, role: a.role }).onConflictDoNothing();
    out.push({ email: a.email, role: a.role, password: inserted ? a.password : UNCHANGED_PASSWORD });
  }
  return out;
}

function normalised(path: string): string {
  const r = normaliseCategoryPath(path);
  if (!r.ok) throw new Error(`demo catalogue has an invalid category "${path}": ${r.message}`);
  return r.path;
}

/** Test items carry their category (gold labels); pool items go in unlabelled but for an evenly spread legacy share. */
async function* demoRows(items: readonly CatalogueItem[], legacyShare: number): AsyncGenerator<ImportRow, void> {
  let line = 0;
  let pool = 0;
  const every = legacyShare > 0 ? Math.max(1, Math.round(1 / legacyShare)) : 0;
  for (const item of items) {
    line += 1;
    const legacy = item.split === "pool" && every > 0 && pool++ % every === 0;
    yield {
      line,
      externalId: item.id,
      title: item.title,
      description: item.description,
      categoryPath: item.split === "test" || legacy ? normalised(item.category) : null,
      split: item.split,
      attributes: item.attributes,
    };
  }
}
