/** Factories for tests: users, projects with members, and a caller acting as someone. */
import { randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { categories, items, memberships, projects, users } from "@/db/schema";
import type { Role } from "@/lib/constants";
import { createCallerFactory, type Context } from "@/server/trpc";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/services/auth";
import { DEFAULT_SETTINGS } from "@/server/services/projects";

/**
 * Test projects get no evaluation or suspect picks unless a test asks for them
 * (as audits are off in the queue fixtures): queue order stays what each test sets up.
 */
export const TEST_SETTINGS = { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0 };

export const TEST_SECRET = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz";
// A cheap, valid argon2id hash is not needed by most tests: they never log in by password.
const UNUSABLE_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export async function makeUser(
  db: Db,
  opts: { email?: string; name?: string; isAdmin?: boolean; passwordHash?: string } = {},
): Promise<SessionUser> {
  const email = opts.email ?? `u-${randomBytes(4).toString("hex")}@example.test`;
  const [u] = await db
    .insert(users)
    .values({
      email,
      name: opts.name ?? email.split("@")[0]!,
      passwordHash: opts.passwordHash ?? UNUSABLE_HASH,
      isAdmin: opts.isAdmin ?? false,
    })
    .returning({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin });
  return u!;
}

export async function makeProject(db: Db, opts: { name?: string; categories?: string[] } = {}) {
  const name = opts.name ?? `Project ${randomBytes(3).toString("hex")}`;
  const [p] = await db
    .insert(projects)
    .values({ slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), name, settings: TEST_SETTINGS })
    .returning();
  const cats = opts.categories ?? ["Audio > Headphones", "Audio > Speakers", "Computers > Keyboards"];
  const catRows = await db
    .insert(categories)
    .values(cats.map((path) => ({ projectId: p!.id, path, name: path.split(" > ").pop()! })))
    .returning();
  return { project: p!, categories: catRows };
}

export async function addMember(db: Db, projectId: number, userId: number, role: Role): Promise<void> {
  await db.insert(memberships).values({ projectId, userId, role });
}

export async function makeItems(db: Db, projectId: number, n: number, split: "pool" | "test" = "pool") {
  const rows = Array.from({ length: n }, (_, i) => ({
    projectId,
    externalId: `${split}-${i}-${randomBytes(3).toString("hex")}`,
    title: `Item ${i}`,
    split,
  }));
  return db.insert(items).values(rows).returning();
}

export function callerFor(db: Db, user: SessionUser | null, extra: Partial<Context> = {}) {
  const createCaller = createCallerFactory(appRouter);
  return createCaller({
    db,
    user,
    sessionToken: null,
    sessionSecret: TEST_SECRET,
    sessionTtlHours: 24,
    clientKey: "test",
    secureCookies: false,
    ...extra,
  });
}
