/**
 * Tenant isolation: ids from project B passed with `projectId: A` must be
 * NOT_FOUND and change nothing, whoever asks (A's admin or an instance admin).
 *
 * Adding a procedure that takes an id? Add a row to CROSS_PROJECT_ROWS (and,
 * if it needs a new kind of entity, seed it in seedProjectB). The coverage
 * test below fails for any project procedure whose input has an `…Id` field
 * and no row, so this cannot be forgotten (ids that are not project-scoped go
 * in NOT_PROJECT_SCOPED, with the reason).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { Db, DbHandle } from "@/db/client";
import { modelVersions, webhookDeliveries, webhooks } from "@/db/schema";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/services/auth";
import type { Access } from "@/server/trpc";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { addAnnotation, insertItems, setLabel } from "./fixtures";

/** Ids that live in project B. Extend with model version ids, annotation ids, lease tokens… */
type ProjectB = {
  projectId: number;
  itemId: number;
  categoryId: number;
  memberUserId: number;
  annotationId: number;
  modelVersionId: number;
  webhookId: number;
  deliveryId: number;
};

type Row = { path: string; input: (a: number, b: ProjectB) => Record<string, unknown> };

export const CROSS_PROJECT_ROWS: Row[] = [
  { path: "items.get", input: (a, b) => ({ projectId: a, itemId: b.itemId }) },
  { path: "items.list", input: (a, b) => ({ projectId: a, categoryId: b.categoryId }) },
  {
    path: "categories.rename",
    input: (a, b) => ({ projectId: a, categoryId: b.categoryId, path: "Renamed > Elsewhere" }),
  },
  { path: "categories.remove", input: (a, b) => ({ projectId: a, categoryId: b.categoryId }) },
  { path: "members.set", input: (a, b) => ({ projectId: a, userId: b.memberUserId, role: "admin" }) },
  { path: "members.remove", input: (a, b) => ({ projectId: a, userId: b.memberUserId }) },
  {
    path: "annotations.submit",
    input: (a, b) => ({
      projectId: a,
      itemId: b.itemId,
      leaseToken: randomUUID(),
      idempotencyKey: randomUUID(),
      action: "correct",
      categoryId: b.categoryId,
      timeSpentMs: 1,
    }),
  },
  {
    path: "annotations.submitBatch",
    input: (a, b) => ({
      projectId: a,
      idempotencyKey: randomUUID(),
      decisions: [{ itemId: b.itemId, action: "correct", categoryId: b.categoryId }],
    }),
  },
  {
    path: "annotations.undo",
    input: (a, b) => ({ projectId: a, idempotencyKey: randomUUID(), annotationId: b.annotationId }),
  },
  {
    path: "annotations.undoBatch",
    input: (a, b) => ({ projectId: a, idempotencyKey: randomUUID(), annotationIds: [b.annotationId] }),
  },
  { path: "batch.list", input: (a, b) => ({ projectId: a, categoryId: b.categoryId }) },
  { path: "models.get", input: (a, b) => ({ projectId: a, versionId: b.modelVersionId }) },
  { path: "models.progress", input: (a, b) => ({ projectId: a, versionId: b.modelVersionId }) },
  { path: "models.activate", input: (a, b) => ({ projectId: a, versionId: b.modelVersionId }) },
  { path: "models.rollback", input: (a, b) => ({ projectId: a, versionId: b.modelVersionId }) },
  {
    path: "webhooks.update",
    input: (a, b) => ({ projectId: a, webhookId: b.webhookId, url: "https://hooks.example/a" }),
  },
  { path: "webhooks.delete", input: (a, b) => ({ projectId: a, webhookId: b.webhookId }) },
  { path: "webhooks.resend", input: (a, b) => ({ projectId: a, deliveryId: b.deliveryId }) },
];

/**
 * Id fields that are not project-scoped, so they cannot reach B's rows, each
 * with the reason. Keep this short: most ids belong in CROSS_PROJECT_ROWS.
 */
export const NOT_PROJECT_SCOPED: Record<string, string> = {
  "webhooks.deliveries":
    "webhookId only filters A's own deliveries (the query is scoped to A first): B's webhook id selects nothing",
  "audit.list": "actorId is a user id used as a filter on A's own events; it cannot select B's rows",
  "items.predictions":
    "externalIds are the catalogue's own strings, looked up in A only (B's answer found: false, asserted in server/http/rest/rest.test.ts)",
};

async function seedProjectB(h: DbHandle & { db: Db }, member: SessionUser): Promise<ProjectB> {
  const { project, categories } = await makeProject(h.db, { name: "Project B" });
  const [item] = await insertItems(h, project.id, ["B's item"]);
  await addMember(h.db, project.id, member.id, "annotator");
  await setLabel(h, {
    projectId: project.id,
    itemId: item!.id,
    categoryId: categories[0]!.id,
    source: "human",
    userId: member.id,
  });
  const annotationId = await addAnnotation(h, {
    projectId: project.id,
    itemId: item!.id,
    userId: member.id,
    categoryId: categories[0]!.id,
  });
  const [mv] = await h.db
    .insert(modelVersions)
    .values({
      projectId: project.id,
      version: 1,
      status: "ready",
      trigger: "manual",
      categoryIds: categories.map((c) => c.id),
    })
    .returning({ id: modelVersions.id });
  const b = {
    projectId: project.id,
    itemId: item!.id,
    categoryId: categories[0]!.id,
    memberUserId: member.id,
    annotationId,
  };
  const [hook] = await h.db
    .insert(webhooks)
    .values({
      projectId: project.id,
      url: "https://hooks.example/b",
      secret: "whsec_dGVzdA==",
      events: ["model.activated"],
    })
    .returning({ id: webhooks.id });
  const [delivery] = await h.db
    .insert(webhookDeliveries)
    .values({
      webhookId: hook!.id,
      projectId: project.id,
      messageId: `msg_${randomUUID()}`,
      eventType: "model.activated",
      payload: {},
      status: "failed",
    })
    .returning({ id: webhookDeliveries.id });
  return { ...b, modelVersionId: mv!.id, webhookId: hook!.id, deliveryId: delivery!.id };
}

type ProcInfo = { path: string; access?: Access; inputs: unknown[] };
// Typed as the nested router record; at runtime it is flat, "a.b" → procedure.
const PROCEDURES: ProcInfo[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: Access }; inputs?: unknown[] } }>,
).map(([path, p]) => ({ path, access: p._def.meta?.access, inputs: p._def.inputs ?? [] }));
const PROJECT_PROCEDURES = PROCEDURES.filter((p) => p.access?.kind === "project");

/** Field names ending in Id/Ids anywhere in a zod input (objects, arrays, optionals, pipes, unions). */
function idFields(schema: unknown, prefix = "", seen = new Set<unknown>()): string[] {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return [];
  const out: string[] = [];
  const shape = def.shape as Record<string, unknown> | undefined;
  if (shape) {
    for (const [key, child] of Object.entries(shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (/Ids?$/.test(key) && path !== "projectId") out.push(path);
      out.push(...idFields(child, path, seen));
    }
  }
  for (const k of ["element", "innerType", "in", "out", "left", "right"]) out.push(...idFields(def[k], prefix, seen));
  for (const o of (def.options as unknown[] | undefined) ?? []) out.push(...idFields(o, prefix, seen));
  return out;
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? `${e.code}: ${e.message}` : `NON_TRPC_ERROR: ${String(e)}`;
  }
}

function invoke(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (i: unknown) => Promise<unknown>)(input);
}

it("every project procedure that takes an id has a cross-project row", () => {
  const covered = new Set(CROSS_PROJECT_ROWS.map((r) => r.path));
  const missing = PROJECT_PROCEDURES.flatMap((p) => {
    const ids = p.inputs.flatMap((i) => idFields(i));
    return ids.length > 0 && !covered.has(p.path) && !(p.path in NOT_PROJECT_SCOPED)
      ? [`${p.path} (${ids.join(", ")})`]
      : [];
  });
  expect(missing, "add rows to CROSS_PROJECT_ROWS for these").toEqual([]);
  for (const r of CROSS_PROJECT_ROWS)
    expect(
      PROCEDURES.map((p) => p.path),
      `row ${r.path} names no procedure`,
    ).toContain(r.path);
});

describe.each(dbTargets())("cross-project isolation on $name", (target) => {
  let h: TestDb;
  let a: number;
  let b: ProjectB;
  let adminOfA: SessionUser;
  let instanceAdmin: SessionUser;

  beforeAll(async () => {
    h = await createTestDb(target);
    adminOfA = await makeUser(h.db, { email: "admin-a@example.test" });
    instanceAdmin = await makeUser(h.db, { email: "root@example.test", isAdmin: true });
    const { project } = await makeProject(h.db, { name: "Project A" });
    a = project.id;
    await addMember(h.db, a, adminOfA.id, "admin");
    await insertItems(h, a, ["A's item"]);
    b = await seedProjectB(h, await makeUser(h.db, { email: "member-b@example.test" }));
  });
  afterAll(async () => h?.drop());

  it.each(CROSS_PROJECT_ROWS)("$path with B's ids under projectId A is NOT_FOUND and changes nothing", async (row) => {
    for (const who of [adminOfA, instanceAdmin]) {
      const before = await snapshotDb(h);
      const got = await codeOf(() => invoke(callerFor(h.db, who), row.path, row.input(a, b)));
      expect(got, `${row.path} as ${who.email}`).toMatch(/^NOT_FOUND: /);
      expect(await snapshotDb(h), `${row.path} as ${who.email} changed the database`).toEqual(before);
    }
  });

  it.each(PROJECT_PROCEDURES)(
    "$path: a member of A asking for project B gets 'Project not found'",
    async ({ path }) => {
      const row = CROSS_PROJECT_ROWS.find((r) => r.path === path);
      const input = { ...(row ? row.input(a, b) : {}), projectId: b.projectId };
      const before = await snapshotDb(h);
      const got = await codeOf(() => invoke(callerFor(h.db, adminOfA), path, input));
      expect(got).toBe("NOT_FOUND: Project not found");
      expect(await snapshotDb(h)).toEqual(before);
    },
  );
});
