/**
 * Labels that arrive with an import. They outrank the model's auto labels and
 * yield to a person's: a row's category replaces an import or auto label and
 * leaves a human label as it is. A row without a category writes nothing (a
 * blank cell says "no label information", not "remove the label").
 */
import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { labels } from "@/db/schema";
import { col, cols, excluded } from "@/db/sql";
import { replaceableBy } from "./precedence";

/** Writes the import labels; returns how many were written (the rest met a human label and were kept out). */
export async function writeImportLabels(
  tx: DbOrTx,
  projectId: number,
  values: readonly { item_id: number; category_id: number }[],
): Promise<number> {
  if (values.length === 0) return 0;
  const l = labels;
  const written = await executeRows<{ item_id: number }>(
    tx,
    sql`insert into ${l} ${cols(l.itemId, l.projectId, l.categoryId, l.source)}
        select x.item_id, ${projectId}, x.category_id, 'import'
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as x(item_id integer, category_id integer)
        order by x.item_id
        on conflict (${col(l.itemId)}) do update set
          ${col(l.categoryId)} = ${excluded(l.categoryId)}, ${col(l.source)} = ${excluded(l.source)},
          ${col(l.annotationId)} = null, ${col(l.modelVersionId)} = null, ${col(l.confidence)} = null,
          ${col(l.userId)} = null, ${col(l.updatedAt)} = now()
        where ${replaceableBy("import")} and ${l.projectId} = ${projectId}
        returning ${col(l.itemId)}`,
  );
  return written.length;
}
