/**
 * /api/v1/openapi.json, generated from the route table: the same zod schemas
 * that validate the requests and shape the responses, plus each route's token
 * scope and roles read from its procedure's declaration.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { appRouter } from "@/server/routers/_app";
import type { Access } from "@/server/trpc";
import { Problem } from "@/server/schemas/rest";
import { REST_ROUTES, type RestRoute } from "./routes";

const ERRORS: Record<number, string> = {
  400: "Invalid input: `errors` names each bad field",
  401: "No API token, or one that is invalid, expired or revoked",
  403: "The token lacks the scope, is not valid for this project, or its owner's role cannot do this",
  404: "No such project for this token's owner (or no such entity in it)",
  409: "Conflicts with the current state",
  429: "Too many calls with this token",
};

/** The procedure's declared access (every procedure has one: the access-matrix test checks). */
export function accessOf(procedure: string): Access | undefined {
  const procs = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: Access } } }>;
  return procs[procedure]?._def.meta?.access;
}

function describeAccess(r: RestRoute): string {
  const access = accessOf(r.procedure);
  if (!access || access.kind === "public") return `Calls \`${r.procedure}\`.`;
  const roles = access.kind === "project" ? ` Roles: ${access.roles.join(", ")}.` : "";
  return `Calls \`${r.procedure}\`. Token scope: \`${access.scope}\`.${roles}`;
}

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | undefined;

export function openApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A personal access token (loupe_pat_…), created on the API tokens page",
  });
  const problem = { "application/problem+json": { schema: Problem } };
  for (const r of REST_ROUTES) {
    registry.registerPath({
      method: r.method,
      path: r.path,
      summary: r.summary,
      description: describeAccess(r),
      security: [{ [bearer.name]: [] }],
      request: {
        params: r.params as never,
        ...(r.query ? { query: r.query as never } : {}),
        ...(r.body ? { body: { required: true, content: { "application/json": { schema: r.body } } } } : {}),
      },
      responses: {
        [r.status]: { description: "Success", content: { "application/json": { schema: r.response } } },
        ...Object.fromEntries(Object.entries(ERRORS).map(([s, description]) => [s, { description, content: problem }])),
      },
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Loupe API",
      version: "1",
      description: "Send an API token as `Authorization: Bearer loupe_pat_…`. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/api/v1" }],
  });
  return cached;
}
