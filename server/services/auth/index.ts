export { logIn, logOut } from "./login";
export type { LogInInput } from "./login";
export {
  createSession,
  getSessionUser,
  getSessionUserWithRole,
  revokeSession,
  roleInProject,
  sessionIdFor,
} from "./sessions";
export type { SessionUser } from "./sessions";
