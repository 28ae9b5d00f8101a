/**
 * Whether one call through a token may go ahead: its rate, its scopes and its projects.
 * The owner's role is checked afterwards, as for a session, by the caller of this. One
 * rule for the procedures (server/trpc.ts) and the streamed routes (server/http/authorise.ts),
 * which only map the refusal to their own error shape.
 */
import type { ProcedureScope } from "@/lib/constants";
import type { ApiTokenGrant } from "./resolve";
import { takeTokenCall } from "./throttle";

export type TokenRefusal = { kind: "rate" | "scope" | "project"; message: string };

export function admitTokenCall(
  grant: ApiTokenGrant,
  p: { scope: ProcedureScope; ratePerMinute: number; projectId?: number },
): TokenRefusal | null {
  if (!takeTokenCall(grant.throttleKey, p.ratePerMinute))
    return { kind: "rate", message: "Too many calls with this API token; slow down" };
  if (p.scope === "session")
    return { kind: "scope", message: "API tokens cannot do that: log in to Loupe in a browser" };
  if (!grant.scopes.includes(p.scope)) return { kind: "scope", message: `This API token lacks the "${p.scope}" scope` };
  if (p.projectId !== undefined && grant.projectIds && !grant.projectIds.includes(p.projectId))
    return { kind: "project", message: "This API token is not valid for this project" };
  return null;
}
