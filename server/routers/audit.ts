/** The audit trail, filtered and keyset-paged. */
import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import { AuditFacetsInput, ListAuditInput } from "../schemas/audit";
import { listAuditEvents } from "@/server/services/audit";
import { listAuditFacets } from "@/server/services/audit";

export const auditRouter = router({
  list: projectProcedure(CAN.readAudit)
    .input(ListAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
  /** What the log's filters can offer: actions, entity types and actors present in this project. */
  facets: projectProcedure(CAN.readAudit)
    .input(AuditFacetsInput)
    .query(({ ctx, input }) => listAuditFacets(ctx.db, input)),
});
