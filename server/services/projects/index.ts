export { ensureProjectForCli, findProjectBySlugOrName } from "./cli-project";
export { listMembers, removeMember, setMember } from "./members";
export { createProject, getProjectBySlug, getProjectOverview, listMyProjects } from "./projects";
export { DEFAULT_SETTINGS, getProjectSettings, updateProjectSettings, withDefaults } from "./settings";
export type { Settings } from "./settings";
export { listArchivedProjects, setProjectArchived } from "./archive";
