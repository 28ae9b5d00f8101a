/** The one router: domain routers composed. */
import { router } from "../trpc";
import { authRouter } from "./auth";
import { usersRouter } from "./users";
import { projectsRouter } from "./projects";
import { membersRouter } from "./members";
import { categoriesRouter } from "./categories";
import { itemsRouter } from "./items";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  projects: projectsRouter,
  members: membersRouter,
  categories: categoriesRouter,
  items: itemsRouter,
});

export type AppRouter = typeof appRouter;
