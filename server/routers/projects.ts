import { CAN } from "@/lib/constants";
import { authedProcedure, instanceAdminProcedure, projectProcedure, router } from "../trpc";
import { ProjectsCreateInput, ProjectsGetInput, ProjectsUpdateSettingsInput } from "../schemas/projects";
import { createProject, getProjectOverview, listMyProjects, updateProjectSettings } from "@/server/services/projects";

export const projectsRouter = router({
  /** The caller's projects with their role (every project, as admin, for instance admins). */
  list: authedProcedure.query(({ ctx }) => listMyProjects(ctx.db, ctx.user)),

  get: projectProcedure(CAN.view)
    .input(ProjectsGetInput)
    .query(async ({ ctx }) => ({ ...(await getProjectOverview(ctx.db, ctx.project.id)), myRole: ctx.project.role })),

  /** No membership is created: instance admins act as admin in every project. */
  create: instanceAdminProcedure
    .input(ProjectsCreateInput)
    .mutation(({ ctx, input }) => createProject(ctx.db, ctx.user.id, input)),

  updateSettings: projectProcedure(CAN.manageModels)
    .input(ProjectsUpdateSettingsInput)
    .mutation(({ ctx, input }) => updateProjectSettings(ctx.db, ctx.user.id, ctx.project.id, input.settings)),
});
