import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, count, eq, isNull } from "drizzle-orm";
import { categories, items, labels, memberships, projects, users } from "@/db/schema";
import { verifyPassword } from "@/server/auth/password";
import { DEMO_ACCOUNTS, seedDemoProject } from "@/server/demo/seed";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";

describe.each(dbTargets())("seedDemoProject on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("can arrive with an evenly spread share of legacy pool labels, so the first model trains at once", async () => {
    const other = await createTestDb(target);
    try {
      const seeded = await seedDemoProject(other.db, { seed: 7, poolSize: 400, testSize: 50, legacyLabelShare: 0.05 });
      if (!seeded.created) throw new Error("expected the first call to seed");
      const bySplit = await other.db
        .select({ split: items.split, labelled: count(labels.itemId) })
        .from(items)
        .leftJoin(labels, eq(labels.itemId, items.id))
        .where(eq(items.projectId, seeded.projectId))
        .groupBy(items.split);
      expect(Object.fromEntries(bySplit.map((r) => [r.split, r.labelled]))).toEqual({ pool: 20, test: 50 });
    } finally {
      await other.drop();
    }
  });

  it("creates the demo project, one account per role, gold labels on test items only; a second call does nothing", async () => {
    const seeded = await seedDemoProject(h.db, { seed: 7, poolSize: 300, testSize: 60 });
    if (!seeded.created) throw new Error("expected the first call to seed");
    const [project] = await h.db.select().from(projects).where(eq(projects.slug, "demo"));
    expect(project).toMatchObject({ name: "Demo catalogue", id: seeded.projectId });

    expect(seeded.users.map((u) => [u.email, u.role])).toEqual([
      ["admin@loupe.demo", "admin"],
      ["annotator@loupe.demo", "annotator"],
      ["reviewer@loupe.demo", "reviewer"],
      ["ml@loupe.demo", "ml_engineer"],
      ["manager@loupe.demo", "manager"],
    ]);
    const members = await h.db
      .select({ email: users.email, role: memberships.role, isAdmin: users.isAdmin, hash: users.passwordHash })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.projectId, project!.id));
    expect(members).toHaveLength(DEMO_ACCOUNTS.length);
    for (const u of seeded.users) {
      const m = members.find((x) => x.email === u.email)!;
      expect(m.role).toBe(u.role);
      expect(m.isAdmin).toBe(u.email === "admin@loupe.demo");
      expect(await verifyPassword(m.hash, u.password)).toBe(true);
    }
    expect(new Set(seeded.users.map((u) => u.password)).size).toBe(DEMO_ACCOUNTS.length);

    const bySplit = await h.db
      .select({ split: items.split, labelled: count(labels.itemId), n: count() })
      .from(items)
      .leftJoin(labels, eq(labels.itemId, items.id))
      .where(eq(items.projectId, project!.id))
      .groupBy(items.split);
    expect(Object.fromEntries(bySplit.map((r) => [r.split, { n: r.n, labelled: r.labelled }]))).toEqual({
      pool: { n: 300, labelled: 0 },
      test: { n: 60, labelled: 60 },
    });
    const sources = await h.db
      .selectDistinct({ source: labels.source })
      .from(labels)
      .where(eq(labels.projectId, project!.id));
    expect(sources).toEqual([{ source: "import" }]);
    const [cats] = await h.db
      .select({ n: count() })
      .from(categories)
      .where(and(eq(categories.projectId, project!.id), isNull(categories.deletedAt)));
    expect(cats!.n).toBeGreaterThanOrEqual(20);
    expect(seeded.import).toMatchObject({ rows: 360, created: 360, labels: 60 });

    const before = await snapshotDb(h);
    expect(await seedDemoProject(h.db, { seed: 7, poolSize: 300, testSize: 60 })).toEqual({
      created: false,
      projectId: project!.id,
      users: [],
    });
    expect(await snapshotDb(h)).toEqual(before);
  });

  it("uses a given password for every account, and refuses a short one", async () => {
    // A database of its own: the demo project's history (audit events) cannot be deleted to start over.
    const other = await createTestDb(target);
    try {
      await expect(seedDemoProject(other.db, { poolSize: 100, testSize: 50, password: "short" })).rejects.toMatchObject(
        { code: "BAD_REQUEST" },
      );
      const seeded = await seedDemoProject(other.db, { poolSize: 100, testSize: 50, password: "a-long-demo-password" });
      expect(seeded.created && seeded.users.every((u) => u.password === "a-long-demo-password")).toBe(true);
    } finally {
      await other.drop();
    }
  });
});
