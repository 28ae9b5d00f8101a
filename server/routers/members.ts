import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import { MembersListInput, MembersRemoveInput, MembersSetInput } from "../schemas/members";
import { listMembers, removeMember, setMember } from "@/server/services/projects";

export const membersRouter = router({
  list: projectProcedure(CAN.manageMembers)
    .input(MembersListInput)
    .query(({ ctx, input }) => listMembers(ctx.db, ctx.project.id, input)),

  /** Adds by email or changes a member's role by user id. */
  set: projectProcedure(CAN.manageMembers)
    .input(MembersSetInput)
    .mutation(({ ctx, input }) => setMember(ctx.db, ctx.user.id, ctx.project.id, input)),

  remove: projectProcedure(CAN.manageMembers)
    .input(MembersRemoveInput)
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.user.id, ctx.project.id, input.userId)),
});
