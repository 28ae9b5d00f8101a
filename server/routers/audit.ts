/** The audit trail, filtered and keyset-paged. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { AuditFacetsInput, ListAuditInput } from "../schemas/audit";
import { listAuditEvents, listAuditFacets } from "@/server/services/audit";

export const auditRouter = router({
  /** The input's `actorId` filters by who acted; the caller is the seam's actor. */
  list: projectProcedure(CAN.readAudit, "read", { costly: true })
    .input(ListAuditInput)
    .query(({ ctx, input: { actorId, ...filter } }) =>
      listAuditEvents(ctx.db, inProject(ctx, { ...filter, byActorId: actorId })),
    ),
  /** What the log's filters can offer: actions, entity types and actors present in this project. */
  facets: projectProcedure(CAN.readAudit, "read", { costly: true })
    .input(AuditFacetsInput)
    .query(({ ctx, input }) => listAuditFacets(ctx.db, inProject(ctx, input))),
});
