/**
 * The scale bench's project: the demo generator in chunks (a chunk's items are
 * made, yielded and dropped, so a million rows are never held at once), streamed
 * through the import service's own code path in one transaction as the demo seed
 * does, with the generator's category as an import label on `labels` pool items
 * (evenly spread) and as gold on the test items. The true category of every item
 * stays in a typed array (2 bytes an item) for the annotators.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories } from "@/db/schema";
import { refreshStatistics } from "@/db/statistics";
import { generateCatalogue } from "@/server/demo/catalogue";
import { CATEGORY_SPECS } from "@/server/demo/taxonomy";
import { ensureCategories, importRowsInTx, normaliseCategoryPath, type ImportRow } from "@/server/services/imports";
import type { SessionUser } from "@/server/services/auth";
import { createUser } from "@/server/services/users";
import { callerFor } from "./loop-setup";

/** Items generated per chunk (one seed each). */
const CHUNK = 20_000;
/** Gold share: test items per chunk. */
const TEST_SHARE = 0.02;

function normalised(p: string): string {
  const r = normaliseCategoryPath(p);
  if (!r.ok) throw new Error(`invalid category "${p}": ${r.message}`);
  return r.path;
}

export const CATEGORY_PATHS = [...new Set(CATEGORY_SPECS.map((s) => normalised(s.path)))].sort();

export const externalIdOf = (i: number) => `scale-${String(i).padStart(7, "0")}`;

export type ScaleCatalogue = {
  items: number;
  /** Index into CATEGORY_PATHS of item i's true category. */
  truthIndex: Uint16Array;
  counts: { pool: number; test: number; labelled: number };
};

/** Streams `items` import rows; fills `out` as it goes. */
export async function* scaleRows(items: number, labels: number, out: ScaleCatalogue): AsyncGenerator<ImportRow, void> {
  const pathIndex = new Map(CATEGORY_PATHS.map((p, i) => [p, i]));
  const poolTotal = items - Math.round(items * TEST_SHARE);
  const every = labels > 0 ? Math.max(1, Math.floor(poolTotal / labels)) : 0;
  let i = 0;
  let pool = 0;
  for (let chunk = 0; i < items; chunk++) {
    const size = Math.min(CHUNK, items - i);
    const testSize = Math.round(size * TEST_SHARE);
    const { items: made } = generateCatalogue({ seed: 42 + chunk, poolSize: size - testSize, testSize });
    for (const item of made) {
      const path = normalised(item.category);
      out.truthIndex[i] = pathIndex.get(path) ?? 0;
      let label: string | null = null;
      if (item.split === "test") {
        out.counts.test++;
        label = path;
      } else {
        out.counts.pool++;
        if (every > 0 && pool++ % every === 0 && out.counts.labelled < labels) {
          out.counts.labelled++;
          label = path;
        }
      }
      yield {
        line: i + 1,
        externalId: externalIdOf(i),
        title: item.title,
        description: item.description,
        categoryPath: label,
        split: item.split,
        attributes: item.attributes,
      };
      i++;
    }
  }
}

export type ScaleProject = {
  projectId: number;
  admin: SessionUser;
  password: string;
  emails: string[];
  /** externalId → true category id (a view over the typed array). */
  truth: Map<string, number>;
  categoryIds: Map<string, number>;
  catalogue: ScaleCatalogue;
  importSeconds: number;
};

/** The map the annotators read: get(externalId) only, backed by the typed array. */
class TruthView extends Map<string, number> {
  constructor(
    private readonly idx: Uint16Array,
    private readonly ids: number[],
  ) {
    super();
  }
  override get(externalId: string): number | undefined {
    const i = Number(externalId.slice("scale-".length));
    return Number.isInteger(i) && i < this.idx.length ? this.ids[this.idx[i]!] : undefined;
  }
}

export async function seedScaleProject(
  db: Db,
  o: { items: number; labels: number; annotators: number; log: (s: string) => void },
): Promise<ScaleProject> {
  const password = `bench-${randomBytes(12).toString("hex")}`;
  const adminRes = await createUser(db, {
    actorId: null,
    email: `admin-${randomBytes(3).toString("hex")}@bench.test`,
    name: "Bench Admin",
    password,
    isAdmin: true,
  });
  const admin: SessionUser = { id: adminRes.user.id, email: adminRes.user.email, name: "Bench Admin", isAdmin: true };
  const asAdmin = callerFor(db, admin);
  const project = await asAdmin.projects.create({ slug: "scale", name: "Scale" });
  // No retraining from the annotators' decisions: the steps after training measure one model.
  await asAdmin.projects.updateSettings({ projectId: project.id, settings: { retrainEveryLabels: 0 } });

  const catalogue: ScaleCatalogue = {
    items: o.items,
    truthIndex: new Uint16Array(o.items),
    counts: { pool: 0, test: 0, labelled: 0 },
  };
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await ensureCategories(tx, project.id, CATEGORY_PATHS, new Map());
    await importRowsInTx(
      tx,
      {
        projectId: project.id,
        actorId: admin.id,
        filename: "scale",
        format: "generated",
        unknownCategories: "reject",
        onProgress: (p) => {
          if (p.rows % 100_000 === 0) o.log(`  import: ${p.rows} rows, ${(p.elapsedMs / 1000).toFixed(0)} s`);
        },
      },
      scaleRows(o.items, o.labels, catalogue),
    );
  });
  // What importItems does after its transaction: the planner must see the new rows.
  await refreshStatistics(db);
  const importSeconds = (performance.now() - t0) / 1000;

  const cats = await db
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(eq(categories.projectId, project.id));
  const categoryIds = new Map(cats.map((c) => [c.path, c.id]));
  const ids = CATEGORY_PATHS.map((p) => categoryIds.get(p) ?? 0);

  const emails: string[] = [];
  for (let i = 0; i < o.annotators; i++) {
    const email = `annotator-${i}@bench.test`;
    await asAdmin.users.create({ email, name: `Annotator ${i}`, password });
    await asAdmin.members.set({ projectId: project.id, email, role: "annotator" });
    emails.push(email);
  }
  return {
    projectId: project.id,
    admin,
    password,
    emails,
    truth: new TruthView(catalogue.truthIndex, ids),
    categoryIds,
    catalogue,
    importSeconds,
  };
}
