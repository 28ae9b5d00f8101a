export { logIn, logOut } from "./login";
export { changePassword, logOutEverywhere } from "./account";
export type { ChangePasswordInput } from "./account";
export type { LogInInput } from "./login";
export {
  DEFAULT_SESSION_IDLE_MINUTES,
  createSession,
  getSessionUser,
  getSessionUserWithRole,
  projectRoleSql,
  revokeSession,
  revokeUserSessions,
  roleInProject,
  sessionIdFor,
} from "./sessions";
export type { SessionUser } from "./sessions";
export { FIRST_DELAY_MS, FREE_PAIR_FAILURES, MAX_FAILURES_PER_CLIENT } from "./throttle";
export { pruneAuthRecords } from "./prune";
