/**
 * The REST API (/api/v1), one row per route. Each route calls one tRPC
 * procedure through a server-side caller, so it runs the same service verb
 * behind the same role and token-scope checks (the access matrix covers the
 * procedure); the row adds only the wire shape: path, query, body, response.
 */
import type { z } from "zod";
import { createCallerFactory } from "@/server/trpc";
import { appRouter } from "@/server/routers/_app";
import {
  Activation,
  CategoriesQuery,
  Category,
  CategoryBody,
  CategoryPage,
  ItemPredictions,
  LabelChangePage,
  LabelChangesQuery,
  PredictionsBody,
  ProjectPath,
  ProjectStatus,
  RollbackBody,
  TrainingRequested,
  UpsertItemsBody,
  UpsertResult,
  VersionPath,
} from "@/server/schemas/rest";

const createCaller = createCallerFactory(appRouter);
export { createCaller as createRestCaller };
export type RestCaller = ReturnType<typeof createCaller>;

type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.infer<S> : undefined;

type RouteOf<P extends Schema, Q, B> = {
  method: "get" | "post";
  /** OpenAPI style: /projects/{projectId}/categories */
  path: string;
  /** The tRPC procedure it calls (documented, and checked by the tests). */
  procedure: string;
  summary: string;
  params: P;
  query?: Q;
  body?: B;
  status: 200 | 201 | 202;
  response: Schema;
  /** The procedure already returns plain JSON values (no Dates): skip the JSON round trip (large pages). */
  plainJson?: boolean;
  call: (caller: RestCaller, input: { params: z.infer<P>; query: Infer<Q>; body: Infer<B> }) => Promise<unknown>;
};

export type RestRoute = RouteOf<Schema, Schema | undefined, Schema | undefined>;

/** Keeps each row's types (params, query, body) for its `call`. */
function route<P extends Schema, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  r: RouteOf<P, Q, B>,
): RestRoute {
  return r as unknown as RestRoute;
}

export const REST_ROUTES: RestRoute[] = [
  route({
    method: "get",
    path: "/projects/{projectId}/status",
    procedure: "projects.get",
    summary: "Project status: items, labels by source, categories, active model version",
    params: ProjectPath,
    status: 200,
    response: ProjectStatus,
    call: (c, { params }) => c.projects.get(params),
  }),
  route({
    method: "get",
    path: "/projects/{projectId}/categories",
    procedure: "categories.list",
    summary: "Categories, keyset-paged by id",
    params: ProjectPath,
    query: CategoriesQuery,
    status: 200,
    response: CategoryPage,
    call: (c, { params, query }) =>
      c.categories.list({
        ...params,
        includeDeleted: query.includeDeleted === "true",
        cursor: query.cursor,
        limit: query.limit ?? 50,
      }),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/categories",
    procedure: "categories.create",
    summary: "Add a category (a removed path is restored with its old id)",
    params: ProjectPath,
    body: CategoryBody,
    status: 201,
    response: Category,
    call: (c, { params, body }) => c.categories.create({ ...params, ...body }),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/items",
    procedure: "data.upsertItems",
    summary: "Upsert up to 1,000 items by external id: the import's validation, all of them or none",
    params: ProjectPath,
    body: UpsertItemsBody,
    status: 200,
    response: UpsertResult,
    call: (c, { params, body }) => c.data.upsertItems({ ...params, ...body }),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/predictions",
    procedure: "items.predictions",
    summary: "The active version's prediction and the current label of up to 1,000 items, by external id",
    params: ProjectPath,
    body: PredictionsBody,
    status: 200,
    response: ItemPredictions,
    call: (c, { params, body }) => c.items.predictions({ ...params, ...body }),
  }),
  route({
    method: "get",
    path: "/projects/{projectId}/labels",
    procedure: "labels.changes",
    summary:
      "Label changes after a cursor, oldest first, each once: every change of a current label (tombstones for removed ones) with its provenance",
    params: ProjectPath,
    query: LabelChangesQuery,
    status: 200,
    response: LabelChangePage,
    plainJson: true,
    call: (c, { params, query }) => c.labels.changes({ ...params, since: query.since, limit: query.limit ?? 1_000 }),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/training",
    procedure: "models.train",
    summary: "Start a training run (at most one queued or running per project)",
    params: ProjectPath,
    status: 202,
    response: TrainingRequested,
    call: (c, { params }) => c.models.train(params),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/models/{versionId}/activate",
    procedure: "models.activate",
    summary: "Activate a model version",
    params: VersionPath,
    status: 200,
    response: Activation,
    call: (c, { params }) => c.models.activate(params),
  }),
  route({
    method: "post",
    path: "/projects/{projectId}/models/rollback",
    procedure: "models.rollback",
    summary: "Roll back to a version (default: the newest ready one older than the active one)",
    params: ProjectPath,
    body: RollbackBody,
    status: 200,
    response: Activation,
    call: (c, { params, body }) => c.models.rollback({ ...params, ...body }),
  }),
];
