import { z } from "zod";
import { ClientZone, ProjectId } from "./common";
import { MAX_NEXT } from "@/lib/constants";

/** Up to 50 items per call: a batch on screen, not a bulk export. Omitted: the project's batch size. */
export const QueueNextInput = z.object({ projectId: ProjectId, n: z.number().int().min(1).max(MAX_NEXT).optional() });

const LeaseTokens = z.array(z.uuid()).min(1).max(100);

export const QueueReleaseInput = z.object({ projectId: ProjectId, leaseTokens: LeaseTokens });

export const QueueExtendInput = z.object({ projectId: ProjectId, leaseTokens: LeaseTokens });

export const QueueStatsInput = z.object({ projectId: ProjectId, ...ClientZone });
