export { createSession, getSessionUser, getSessionUserWithRole, revokeSession, roleInProject, sessionIdFor, verifyCredentials } from "./sessions";
export type { SessionUser } from "./sessions";
