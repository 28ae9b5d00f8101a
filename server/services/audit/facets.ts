/** The values the audit log can be filtered by: actions, entity types and actors that occur in the project. */
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditEvents, users } from "@/db/schema";

/** Far more than a project has kinds of actions; bounds the answer anyway. */
export const MAX_FACET_VALUES = 200;

export async function listAuditFacets(db: DbOrTx, p: { projectId: number }) {
  const inProject = eq(auditEvents.projectId, p.projectId);
  const [actions, entityTypes, actors] = await Promise.all([
    db
      .selectDistinct({ v: auditEvents.action })
      .from(auditEvents)
      .where(inProject)
      .orderBy(asc(auditEvents.action))
      .limit(MAX_FACET_VALUES),
    db
      .selectDistinct({ v: auditEvents.entityType })
      .from(auditEvents)
      .where(inProject)
      .orderBy(asc(auditEvents.entityType))
      .limit(MAX_FACET_VALUES),
    db
      .selectDistinct({ id: users.id, name: users.name })
      .from(auditEvents)
      .innerJoin(users, eq(users.id, auditEvents.actorId))
      .where(inProject)
      .orderBy(asc(users.name), asc(users.id))
      .limit(MAX_FACET_VALUES),
  ]);
  return { actions: actions.map((r) => r.v), entityTypes: entityTypes.map((r) => r.v), actors };
}
