/** The one router: domain routers composed. */
import { router } from "../trpc";
import { authRouter } from "./auth";
import { usersRouter } from "./users";
import { projectsRouter } from "./projects";
import { membersRouter } from "./members";
import { categoriesRouter } from "./categories";
import { itemsRouter } from "./items";
import { dataRouter } from "./data";
import { queueRouter } from "./queue";
import { annotationsRouter } from "./annotations";
import { modelsRouter } from "./models";
import { metricsRouter } from "./metrics";
import { auditRouter } from "./audit";
import { dashboardRouter } from "./dashboard";
import { batchRouter } from "./batch";
import { evaluationRouter } from "./evaluation";
import { tokensRouter } from "./tokens";
import { labelsRouter } from "./labels";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  projects: projectsRouter,
  members: membersRouter,
  categories: categoriesRouter,
  items: itemsRouter,
  data: dataRouter,
  queue: queueRouter,
  annotations: annotationsRouter,
  models: modelsRouter,
  metrics: metricsRouter,
  audit: auditRouter,
  dashboard: dashboardRouter,
  batch: batchRouter,
  evaluation: evaluationRouter,
  tokens: tokensRouter,
  labels: labelsRouter,
});

export type AppRouter = typeof appRouter;
