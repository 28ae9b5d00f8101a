/** Projects: the caller's list, one project's overview, creation (instance admins) and settings. */
import { CAN } from "@/lib/constants";
import { authedProcedure, inProject, instanceAdminProcedure, projectProcedure, router } from "../trpc";
import {
  ProjectsArchiveInput,
  ProjectsCreateInput,
  ProjectsGetInput,
  ProjectsUpdateSettingsInput,
} from "../schemas/projects";
import {
  createProject,
  getProjectOverview,
  listArchivedProjects,
  listMyProjects,
  setProjectArchived,
  updateProjectSettings,
} from "@/server/services/projects";

export const projectsRouter = router({
  /** The caller's projects with their role (every project, as admin, for instance admins). */
  list: authedProcedure("read").query(({ ctx }) =>
    listMyProjects(ctx.db, { actor: ctx.user, onlyProjectIds: ctx.apiToken?.projectIds }),
  ),

  get: projectProcedure(CAN.view, "read", { costly: true })
    .input(ProjectsGetInput)
    .query(async ({ ctx, input }) => ({
      ...(await getProjectOverview(ctx.db, inProject(ctx, input))),
      myRole: ctx.project.role,
    })),

  /** No membership is created: instance admins act as admin in every project. */
  create: instanceAdminProcedure("write")
    .input(ProjectsCreateInput)
    .mutation(({ ctx, input }) => createProject(ctx.db, { ...input, actorId: ctx.user.id })),

  updateSettings: projectProcedure(CAN.manageModels, "ml")
    .input(ProjectsUpdateSettingsInput)
    .mutation(({ ctx, input }) => updateProjectSettings(ctx.db, inProject(ctx, input))),

  /**
   * Archive (the soft delete: hidden from everyone, jobs stopped, history kept) or
   * restore. Instance admins only, and by id: an archived project has no members' view.
   */
  setArchived: instanceAdminProcedure("write")
    .input(ProjectsArchiveInput)
    .mutation(({ ctx, input }) => setProjectArchived(ctx.db, { ...input, actorId: ctx.user.id })),

  archived: instanceAdminProcedure("read").query(({ ctx }) => listArchivedProjects(ctx.db)),
});
