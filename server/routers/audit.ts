/** The audit trail, filtered and keyset-paged. */
import { CAN } from "../auth/roles";
import { projectProcedure, router } from "../trpc";
import { ListAuditInput } from "../schemas/audit";
import { listAuditEvents } from "../services/audit";

export const auditRouter = router({
  list: projectProcedure(CAN.readAudit)
    .input(ListAuditInput)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
});
