/**
 * Seeds an active model version with predictions, for the batch grid's tests
 * and its latency measurement. Bulk inserts go through generate_series so
 * 100k items take seconds, not minutes, on either database.
 */
import type { DbHandle } from "@/db/client";
import { modelVersions, projects } from "@/db/schema";
import { eq } from "drizzle-orm";

export async function activateVersion(
  h: Pick<DbHandle, "db">,
  projectId: number,
  categoryIds: number[],
  version = 1,
): Promise<number> {
  const [mv] = await h.db
    .insert(modelVersions)
    .values({ projectId, version, status: "ready", trigger: "manual", categoryIds })
    .returning({ id: modelVersions.id });
  await h.db.update(projects).set({ activeModelVersionId: mv!.id }).where(eq(projects.id, projectId));
  return mv!.id;
}

/**
 * `n` pool items with predictions spread over `categoryIds` (item i predicts
 * category i mod k, confidence and margin pseudo-random but deterministic),
 * and, when `labelled` > 0, that share of them labelled (alternating auto and human).
 */
export async function seedScoredPool(
  h: Pick<DbHandle, "executeSql">,
  p: {
    projectId: number;
    versionId: number;
    categoryIds: number[];
    n: number;
    labelled?: number;
    titlePrefix?: string;
  },
): Promise<void> {
  const k = p.categoryIds.length;
  await h.executeSql(
    `insert into items (project_id, external_id, title, split)
     select $1, 'sku-' || g, $2 || ' ' || g, 'pool' from generate_series(1, $3::int) g`,
    [p.projectId, p.titlePrefix ?? "Item", p.n],
  );
  // Confidence from a cheap integer hash of the row number: spread over [0.2, 1), repeatable.
  await h.executeSql(
    `insert into predictions (model_version_id, item_id, project_id, category_id, confidence, margin, entropy, top)
     select $1, r.id, $2, (($3::int[])[1 + (r.rn % $4)]),
            c.conf, c.conf * 0.6, 1 - c.conf,
            jsonb_build_array(
              jsonb_build_object('categoryId', ($3::int[])[1 + (r.rn % $4)], 'prob', c.conf),
              jsonb_build_object('categoryId', ($3::int[])[1 + ((r.rn + 1) % $4)], 'prob', (1 - c.conf) * 0.7))
     from (select id, row_number() over (order by id) - 1 as rn from items where project_id = $2 and split = 'pool') r
     cross join lateral (select 0.2 + 0.8 * (((r.rn * 2654435761) % 1000003)::float8 / 1000003) as conf) c`,
    [p.versionId, p.projectId, p.categoryIds, k],
  );
  if (p.labelled) {
    await h.executeSql(
      `insert into labels (item_id, project_id, category_id, source)
       select i.id, $1, p.category_id, case when i.id % 2 = 0 then 'auto'::label_source else 'human'::label_source end
       from items i join predictions p on p.item_id = i.id and p.model_version_id = $2
       where i.project_id = $1 and i.id % $3 = 0`,
      [p.projectId, p.versionId, Math.max(1, Math.round(1 / p.labelled))],
    );
  }
  for (const t of ["items", "predictions", "labels"]) await h.executeSql(`analyze ${t}`);
}
