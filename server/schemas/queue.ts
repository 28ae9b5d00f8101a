import { z } from "zod";
import { ClientZone, ProjectId } from "./common";
import { MAX_NEXT } from "@/lib/constants";

/**
 * Up to 50 items per call: a batch on screen, not a bulk export. Omitted: the project's batch size.
 * `known`: items the caller already holds and has loaded; they count toward n but their context is not sent again.
 */
export const QueueNextInput = z.object({
  projectId: ProjectId,
  n: z.number().int().min(1).max(MAX_NEXT).optional(),
  known: z.array(z.number().int().positive().max(2_147_483_647)).max(100).optional(),
});

const LeaseTokens = z.array(z.uuid()).min(1).max(100);

export const QueueReleaseInput = z.object({ projectId: ProjectId, leaseTokens: LeaseTokens });

export const QueueExtendInput = z.object({ projectId: ProjectId, leaseTokens: LeaseTokens });

export const QueueStatsInput = z.object({ projectId: ProjectId, ...ClientZone });
