/**
 * Seed helpers for the router and service tests. Items go in through raw SQL
 * with explicit titles (written while items.updatedAt was mis-mapped, fixed in
 * 03c775b); it also keeps the helpers independent of schema-level defaults.
 */
import { randomBytes } from "node:crypto";
import type { DbHandle } from "@/db/client";
import { annotations, labels } from "@/db/schema";

export type SeedItem = { id: number; projectId: number; title: string; split: "pool" | "test" };

export async function insertItems(
  h: Pick<DbHandle, "executeSql">,
  projectId: number,
  titles: string[],
  split: "pool" | "test" = "pool",
): Promise<SeedItem[]> {
  const out: SeedItem[] = [];
  for (const title of titles) {
    const { rows } = await h.executeSql(
      "insert into items (project_id, external_id, title, split) values ($1, $2, $3, $4) returning id",
      [projectId, `${split}-${randomBytes(5).toString("hex")}`, title, split],
    );
    out.push({ id: Number(rows[0]!.id), projectId, title, split });
  }
  return out;
}

export async function setLabel(
  h: Pick<DbHandle, "db">,
  l: {
    projectId: number;
    itemId: number;
    categoryId: number | null;
    source: "human" | "auto" | "import";
    userId?: number;
  },
): Promise<void> {
  await h.db.insert(labels).values({ ...l, userId: l.userId ?? null });
}

export async function addAnnotation(
  h: Pick<DbHandle, "db">,
  a: {
    projectId: number;
    itemId: number;
    userId: number;
    categoryId: number | null;
    action?: "accept" | "correct" | "reject" | "skip";
  },
) {
  const [row] = await h.db
    .insert(annotations)
    .values({ ...a, action: a.action ?? "correct", idempotencyKey: randomBytes(8).toString("hex") })
    .returning({ id: annotations.id });
  return row!.id;
}
