import { z } from "zod";
import { ROLES } from "@/lib/constants";
import { Cursor, Email, Id, Limit, ProjectId } from "./common";

export const MembersListInput = z.object({ projectId: ProjectId, cursor: Cursor, limit: Limit });

/**
 * By userId: change the role of an existing member. By email: grant a role to
 * any account (how people join). Ids alone never reach users outside the project.
 */
export const MembersSetInput = z
  .object({ projectId: ProjectId, userId: Id.optional(), email: Email.optional(), role: z.enum(ROLES) })
  .refine((v) => (v.userId === undefined) !== (v.email === undefined), {
    message: "Give either userId or email",
    path: ["userId"],
  });

export const MembersRemoveInput = z.object({ projectId: ProjectId, userId: Id });
