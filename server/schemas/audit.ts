/** Inputs of the audit trail router. */
import { z } from "zod";
import { DbId } from "./models";
import { Instant } from "./common";

export const ListAuditInput = z
  .object({
    projectId: DbId,
    action: z.string().trim().min(1).max(100).optional(),
    actorId: DbId.optional(),
    entityType: z.string().trim().min(1).max(100).optional(),
    // Bounded like every range: a date the database cannot hold would fail the query (a 500).
    from: Instant.optional(),
    to: Instant.optional(),
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .refine((x) => !x.from || !x.to || x.from <= x.to, { message: "from must be before to", path: ["to"] });

export const AuditFacetsInput = z.object({ projectId: DbId });
