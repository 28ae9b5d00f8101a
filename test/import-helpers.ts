/** Shared by the import/export tests: small files, counts and a snapshot of everything but the run log. */
import { and, count, eq } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { auditEvents, categories, imports, items, labels } from "@/db/schema";
import { snapshotDb } from "@/test/db-snapshot";

export type Line = {
  id: string;
  title: string;
  category?: string | null;
  split?: "pool" | "test";
  description?: string | null;
};

export function jsonl(rows: readonly Line[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

export function csv(rows: readonly Line[]): string {
  const cell = (v: string | null | undefined) => (v == null ? "" : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [
      "id,title,category,split",
      ...rows.map((r) => [r.id, r.title, r.category, r.split ?? "pool"].map(cell).join(",")),
    ].join("\n") + "\n"
  );
}

export function manyLines(n: number, prefix = "it"): Line[] {
  const cats = ["Audio > Headphones", "Audio > Speakers", "Computers > Keyboards"];
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i + 1}`,
    title: `Item ${i + 1}`,
    category: i % 4 === 3 ? null : cats[i % 3]!,
    split: i % 10 === 0 ? "test" : "pool",
  }));
}

export async function projectCounts(h: Pick<DbHandle, "db">, projectId: number) {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]?.n ?? 0;
  const { db } = h;
  return {
    items: await n(db.select({ n: count() }).from(items).where(eq(items.projectId, projectId))),
    labels: await n(db.select({ n: count() }).from(labels).where(eq(labels.projectId, projectId))),
    categories: await n(db.select({ n: count() }).from(categories).where(eq(categories.projectId, projectId))),
    succeededImports: await n(
      db
        .select({ n: count() })
        .from(imports)
        .where(and(eq(imports.projectId, projectId), eq(imports.status, "succeeded"))),
    ),
    failedImports: await n(
      db
        .select({ n: count() })
        .from(imports)
        .where(and(eq(imports.projectId, projectId), eq(imports.status, "failed"))),
    ),
    audit: await n(db.select({ n: count() }).from(auditEvents).where(eq(auditEvents.projectId, projectId))),
  };
}

/** Every table except the run log, which records refusals by design. */
export async function snapshotExceptRunLog(h: Pick<DbHandle, "executeSql">) {
  const { imports: _runLog, ...rest } = await snapshotDb(h);
  return rest;
}

export async function* fromText(text: string, chunk = 4096): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk);
}
