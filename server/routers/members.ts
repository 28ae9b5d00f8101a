/** A project's members and their roles (project admins). */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { MembersListInput, MembersRemoveInput, MembersSetInput } from "../schemas/members";
import { listMembers, removeMember, setMember } from "@/server/services/projects";

export const membersRouter = router({
  list: projectProcedure(CAN.manageMembers, "read")
    .input(MembersListInput)
    .query(({ ctx, input }) => listMembers(ctx.db, inProject(ctx, input))),

  /** Adds by email or changes a member's role by user id. */
  set: projectProcedure(CAN.manageMembers, "session")
    .input(MembersSetInput)
    .mutation(({ ctx, input }) => setMember(ctx.db, inProject(ctx, input))),

  remove: projectProcedure(CAN.manageMembers, "session")
    .input(MembersRemoveInput)
    .mutation(({ ctx, input }) => removeMember(ctx.db, inProject(ctx, input))),
});
