export { logIn, logOut } from "./login";
export type { LogInInput } from "./login";
export {
  createSession,
  getSessionUser,
  getSessionUserWithRole,
  projectRoleSql,
  revokeSession,
  roleInProject,
  sessionIdFor,
} from "./sessions";
export type { SessionUser } from "./sessions";
export { FIRST_DELAY_MS, FREE_PAIR_FAILURES, MAX_FAILURES_PER_CLIENT } from "./throttle";
export { pruneAuthRecords } from "./prune";
