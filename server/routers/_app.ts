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
});

export type AppRouter = typeof appRouter;
