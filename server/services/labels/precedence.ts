/**
 * Which label wins. An item has one current label, and its source ranks:
 * a person's decision over an imported label over the model's auto label. A
 * label may replace the current one when its source ranks at least as high, so
 * a newer decision replaces an older one, an import never overwrites a person,
 * and the model never overwrites anyone but itself.
 *
 * Undo is not precedence: it puts back exactly the label a decision replaced.
 */
import { sql, type SQL } from "drizzle-orm";
import { labels } from "@/db/schema";

export type LabelSource = (typeof labels.$inferSelect)["source"];

/** Strongest first. */
export const LABEL_PRECEDENCE: readonly LabelSource[] = ["human", "import", "auto"];

const rank = (s: LabelSource): number => LABEL_PRECEDENCE.length - LABEL_PRECEDENCE.indexOf(s);

export function mayReplace(incoming: LabelSource, current: LabelSource | null): boolean {
  return current === null || rank(incoming) >= rank(current);
}

/** The sources an `incoming` label may replace, as a condition on the conflicting labels row. */
export function replaceableBy(incoming: LabelSource): SQL {
  const weaker = LABEL_PRECEDENCE.filter((s) => mayReplace(incoming, s));
  // Literals, not parameters: the list comes from the code, and the statement's shape stays fixed.
  return sql`${labels.source} in (${sql.raw(weaker.map((s) => `'${s}'`).join(", "))})`;
}
