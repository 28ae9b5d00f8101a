export { ensureProjectForCli, findProjectBySlugOrName } from "./cli-project";
export { listMembers, removeMember, setMember } from "./members";
export { DEFAULT_SETTINGS, createProject, getProjectBySlug, getProjectOverview, listMyProjects, updateProjectSettings } from "./projects";
