/**
 * Which auto labels are sampled for audit, and which of those still await one.
 *
 * An audit measures auto-accept precision on a uniform random sample of auto
 * labels. The sample is a Bernoulli draw at the project's audit rate, decided
 * per label by a hash of the item and the time the label was set: the same on
 * every query and every database, re-drawn when the label is re-set, and
 * independent of what the item is or which category it got. The queue draws
 * its audits from this sample and the batch grid marks only this sample as
 * "awaiting audit", so the two never disagree about what will be audited.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { annotations } from "@/db/schema";
import { tableAs } from "@/db/sql";

type LabelRef = { source: AnyPgColumn; updatedAt: AnyPgColumn; itemId: AnyPgColumn };

/** A uniform value in [0, 1) per (item, label time). */
function auditDraw(label: LabelRef): SQL<number> {
  return sql<number>`((hashtext(${label.itemId}::text || ':' || extract(epoch from ${label.updatedAt})::text)::float8
    + 2147483648) / 4294967296)`;
}

/** The label is an auto label drawn into the audit sample at `rate` (0..1). */
export function sampledForAudit(label: LabelRef, rate: number): SQL<boolean> {
  return sql<boolean>`(${label.source} = 'auto' and ${auditDraw(label)} < ${rate}::float8)`;
}

/** An auto label in the audit sample that no audit decided since it was set. */
export function awaitingAudit(projectId: number, label: LabelRef, rate: number): SQL<boolean> {
  const au = tableAs(annotations, "au");
  return sql<boolean>`(${sampledForAudit(label, rate)} and not exists (
    select 1 from ${au.from}
    where ${au.t.projectId} = ${projectId} and ${au.t.itemId} = ${label.itemId} and ${au.t.reason} = 'audit'
      and ${au.t.action} in ('accept', 'correct', 'reject') and ${au.t.createdAt} >= ${label.updatedAt}
  ))`;
}
