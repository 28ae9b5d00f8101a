/** Seeds for the queue and annotation tests: a project with members, items, an active model and its predictions. */
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, labels, leases, modelVersions, predictions, projects, type ProjectSettings } from "@/db/schema";
import type { Role } from "@/lib/constants";
import type { SessionUser } from "@/server/services/auth";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";

export const key = () => randomUUID();

export async function setSettings(db: Db, projectId: number, patch: Partial<ProjectSettings>): Promise<void> {
  const [p] = await db.select({ settings: projects.settings }).from(projects).where(eq(projects.id, projectId));
  await db
    .update(projects)
    .set({ settings: { ...p!.settings, ...patch } })
    .where(eq(projects.id, projectId));
}

export async function seedProject(
  db: Db,
  opts: { roles?: Role[]; settings?: Partial<ProjectSettings>; categories?: string[] } = {},
) {
  const { project, categories } = await makeProject(db, { categories: opts.categories });
  await setSettings(db, project.id, { diversity: false, auditRate: 0, ...opts.settings });
  const users: SessionUser[] = [];
  for (const role of opts.roles ?? ["annotator", "annotator"]) {
    const u = await makeUser(db);
    await addMember(db, project.id, u.id, role);
    users.push(u);
  }
  return { project, categories, users, callers: users.map((u) => callerFor(db, u)) };
}

/** Items with given titles (chunks keep the parameter count bounded). */
export async function seedItems(db: Db, projectId: number, titles: string[], split: "pool" | "test" = "pool") {
  const out: { id: number; title: string }[] = [];
  for (let i = 0; i < titles.length; i += 1000) {
    const rows = titles
      .slice(i, i + 1000)
      .map((title, j) => ({ projectId, externalId: `${split}-${i + j}-${randomUUID().slice(0, 8)}`, title, split }));
    out.push(...(await db.insert(items).values(rows).returning({ id: items.id, title: items.title })));
  }
  return out;
}

export async function activateModel(db: Db, projectId: number, categoryIds: number[]): Promise<number> {
  const [{ n }] = (await db
    .select({ n: sql<number>`coalesce(max(${modelVersions.version}), 0) + 1` })
    .from(modelVersions)
    .where(eq(modelVersions.projectId, projectId))) as [{ n: number }];
  const [mv] = await db
    .insert(modelVersions)
    .values({ projectId, version: Number(n), status: "ready", trigger: "manual", categoryIds })
    .returning({ id: modelVersions.id });
  await db.update(projects).set({ activeModelVersionId: mv!.id }).where(eq(projects.id, projectId));
  return mv!.id;
}

export function embeddingBytes(v: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(v).buffer);
}

export type PredictionSeed = {
  itemId: number;
  categoryId: number;
  margin: number;
  second?: number;
  embedding?: number[];
};

/** Two-class style predictions: confidence (1+margin)/2, the runner-up gets the rest. */
export async function seedPredictions(
  db: Db,
  projectId: number,
  modelVersionId: number,
  rows: PredictionSeed[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows.slice(i, i + 1000).map((r) => {
      const confidence = (1 + r.margin) / 2;
      const top = [
        { categoryId: r.categoryId, prob: confidence },
        ...(r.second ? [{ categoryId: r.second, prob: 1 - confidence }] : []),
      ];
      const entropy = -top.reduce((s, t) => s + (t.prob > 0 ? t.prob * Math.log(t.prob) : 0), 0);
      return {
        modelVersionId,
        itemId: r.itemId,
        projectId,
        categoryId: r.categoryId,
        confidence,
        margin: r.margin,
        entropy,
        top,
        embedding: r.embedding ? embeddingBytes(r.embedding) : null,
      };
    });
    await db.insert(predictions).values(values);
  }
}

export async function setLabel(
  db: Db,
  l: {
    projectId: number;
    itemId: number;
    categoryId: number | null;
    source: "human" | "auto" | "import";
    userId?: number | null;
  },
): Promise<void> {
  await db.insert(labels).values({ ...l, userId: l.userId ?? null });
}

export async function expireLease(db: Db, itemId: number): Promise<void> {
  await db
    .update(leases)
    .set({ expiresAt: sql`now() - interval '1 minute'` })
    .where(eq(leases.itemId, itemId));
}
