import { z } from "zod";
import { ProjectId } from "./common";

export const EvaluationStatusInput = z.object({ projectId: ProjectId });
