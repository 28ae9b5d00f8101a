/** Append-only audit trail: every state change records actor, before and after. */
import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { auditEvents, users } from "@/db/schema";
import { currentApiTokenId } from "./via-token";

export type AuditInput = {
  projectId: number | null;
  actorId: number | null;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
};

/** Call inside the same transaction as the change it records. */
export async function recordAudit(db: DbOrTx, e: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    projectId: e.projectId,
    actorId: e.actorId,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId == null ? null : String(e.entityId),
    before: e.before ?? null,
    after: e.after ?? null,
    apiTokenId: currentApiTokenId(),
  });
}

export type ListAuditEventsInput = {
  projectId: number;
  actorId: number;
  action?: string;
  /** Only events by this person. */
  byActorId?: number;
  entityType?: string;
  from?: Date;
  to?: Date;
  /** Keyset paging: events with id below this. */
  cursor?: number;
  limit: number;
};

export async function listAuditEvents(db: DbOrTx, f: ListAuditEventsInput) {
  const where: SQL[] = [eq(auditEvents.projectId, f.projectId)];
  if (f.action) where.push(eq(auditEvents.action, f.action));
  if (f.byActorId) where.push(eq(auditEvents.actorId, f.byActorId));
  if (f.entityType) where.push(eq(auditEvents.entityType, f.entityType));
  if (f.from) where.push(gte(auditEvents.createdAt, f.from));
  if (f.to) where.push(lte(auditEvents.createdAt, f.to));
  if (f.cursor) where.push(lt(auditEvents.id, f.cursor));
  const rows = await db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      entityType: auditEvents.entityType,
      entityId: auditEvents.entityId,
      before: auditEvents.before,
      after: auditEvents.after,
      createdAt: auditEvents.createdAt,
      actorId: auditEvents.actorId,
      actorName: users.name,
      apiTokenId: auditEvents.apiTokenId,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(f.limit + 1);
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  return { events: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
}
