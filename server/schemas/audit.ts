/** Inputs of the audit trail router. */
import { z } from "zod";
import { DbId } from "./models";

export const ListAuditInput = z
  .object({
    projectId: DbId,
    action: z.string().trim().min(1).max(100).optional(),
    actorId: DbId.optional(),
    entityType: z.string().trim().min(1).max(100).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .refine((x) => !x.from || !x.to || x.from <= x.to, { message: "from must be before to", path: ["to"] });

export const AuditFacetsInput = z.object({ projectId: DbId });
