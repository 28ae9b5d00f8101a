/**
 * The REST API end to end through its handler: the OpenAPI document validates
 * as 3.1 and documents every route's responses; routes run their procedure's
 * role and scope checks; every error is problem+json naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { validate, compileErrors } from "@readme/openapi-parser";
import { categories, items, labels, modelVersions, predictions, projects } from "@/db/schema";
import type { TokenScope } from "@/lib/constants";
import { setDbHandle } from "@/server/db";
import { createApiToken, revokeApiToken } from "@/server/services/api-tokens";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeItems, makeProject, makeUser } from "@/test/factories";
import { TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";
import { handleRestRequest } from "./handler";
import { accessOf, openApiDocument } from "./openapi";
import { REST_ROUTES } from "./routes";

useDemoHttpEnv("loupe-rest-");

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const doc = structuredClone(openApiDocument());
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(doc as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("documents every route: a success with a body schema, and problem+json for the errors", () => {
    const paths = openApiDocument().paths ?? {};
    for (const r of REST_ROUTES) {
      const op = (paths[r.path] as Record<string, { responses?: Record<string, { content?: object }> }> | undefined)?.[
        r.method
      ];
      expect(op, `${r.method} ${r.path} is not in the document`).toBeDefined();
      const responses = op!.responses ?? {};
      expect(responses[String(r.status)]?.content, `${r.path}: success body`).toHaveProperty(["application/json"]);
      for (const s of ["400", "401", "403", "404", "429"])
        expect(responses[s]?.content, `${r.path}: ${s}`).toHaveProperty(["application/problem+json"]);
    }
  });

  it("maps every route to a procedure that declares a token scope", () => {
    for (const r of REST_ROUTES) {
      const access = accessOf(r.procedure);
      expect(access, r.procedure).toBeDefined();
      expect(access!.kind, r.procedure).not.toBe("public");
    }
  });
});

describe.each(dbTargets())("REST on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
  });
  afterAll(async () => h?.drop());

  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    handleRestRequest(
      new Request(`${TEST_ORIGIN}/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    );
  async function setup(role: "ml_engineer" | "annotator" = "ml_engineer") {
    const owner = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, role);
    const token = async (scopes: TokenScope[]) =>
      createApiToken(h.db, { actor: owner, name: "rest", scopes, expiresInDays: 1 });
    const count = async () => (await h.db.select().from(categories).where(eq(categories.projectId, project.id))).length;
    return { owner, projectId: project.id, token, count };
  }

  it("serves the document without a token", async () => {
    const res = await call("GET", "/openapi.json", null);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("reads status and categories with a read token, but cannot add a category with it", async () => {
    const { projectId, token, count } = await setup();
    const read = await token(["read"]);
    const status = await call("GET", `/projects/${projectId}/status`, read.token);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ id: projectId, categoryCount: 3, activeModelVersion: null });
    const list = await call("GET", `/projects/${projectId}/categories?limit=2`, read.token);
    const page = (await list.json()) as { categories: { path: string; createdAt: string }[]; nextCursor: number };
    expect(page.categories).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(Number));
    expect(new Date(page.categories[0]!.createdAt).getTime()).not.toBeNaN();
    const before = await count();
    const refused = await call("POST", `/projects/${projectId}/categories`, read.token, { path: "Audio > Radios" });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await refused.json()).toMatchObject({ status: 403, detail: expect.stringContaining("write") });
    expect(await count()).toBe(before);
  });

  it("adds a category with a write token (201), and names the field of a bad or conflicting one", async () => {
    const { projectId, token, count } = await setup();
    const write = await token(["write"]);
    const made = await call("POST", `/projects/${projectId}/categories`, write.token, { path: "Audio > Radios" });
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ path: "Audio > Radios", name: "Radios", deletedAt: null });
    const before = await count();
    const again = await call("POST", `/projects/${projectId}/categories`, write.token, { path: "Audio > Radios" });
    expect(again.status).toBe(409);
    const bad = await call("POST", `/projects/${projectId}/categories`, write.token, { path: "" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("path");
    const notJson = await call("POST", `/projects/${projectId}/categories`, write.token, "{oops");
    expect(notJson.status).toBe(400);
    const badPath = await call("GET", `/projects/abc/categories`, write.token);
    expect(badPath.status).toBe(400);
    expect(((await badPath.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("projectId");
    expect(await count()).toBe(before);
  });

  it("upserts items by external id with the import's validation: all or nothing, the same batch twice changes nothing", async () => {
    const { projectId, token } = await setup();
    const write = await token(["write"]);
    const itemsOf = async () =>
      h.db
        .select({ externalId: items.externalId, title: items.title, attributes: items.attributes })
        .from(items)
        .where(eq(items.projectId, projectId));
    const batch = [
      { id: "sku-1", title: "Over-ear headphones", category: "Audio > Headphones", brand: "Acme" },
      { id: 2, title: "Mechanical keyboard", split: "test" },
    ];
    const first = await call("POST", `/projects/${projectId}/items`, write.token, { items: batch });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ rows: 2, created: 2, updated: 0, labels: 1 });
    const stored = await itemsOf();
    expect(stored.map((i) => i.externalId).sort()).toEqual(["2", "sku-1"]);
    expect(stored.find((i) => i.externalId === "sku-1")!.attributes).toEqual({ brand: "Acme" });
    const again = await call("POST", `/projects/${projectId}/items`, write.token, { items: batch });
    expect(await again.json()).toMatchObject({ rows: 2, created: 0, updated: 2 });
    expect(await itemsOf()).toEqual(expect.arrayContaining(stored));

    // One bad row (an unknown category, a blank title) and nothing of the batch is written; the fields are named.
    const bad = await call("POST", `/projects/${projectId}/items`, write.token, {
      items: [
        { id: "sku-3", title: "Speaker" },
        { id: "sku-4", title: "Radio", category: "Nope > Missing" },
        { id: "sku-5", title: "   " },
      ],
    });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["items.2.title"]));
    expect((await itemsOf()).length).toBe(2);
    const unknownOnly = await call("POST", `/projects/${projectId}/items`, write.token, {
      items: [{ id: "sku-6", title: "Radio", category: "Nope > Missing" }],
    });
    expect(unknownOnly.status).toBe(400);
    expect(((await unknownOnly.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("items.0.category");
    expect((await itemsOf()).length).toBe(2);
    expect((await h.db.select().from(labels).where(eq(labels.projectId, projectId))).length).toBe(1);

    const read = await token(["read"]);
    expect((await call("POST", `/projects/${projectId}/items`, read.token, { items: batch })).status).toBe(403);
    const tooMany = Array.from({ length: 1_001 }, (_, i) => ({ id: `x${i}`, title: "t" }));
    const big = await call("POST", `/projects/${projectId}/items`, write.token, { items: tooMany });
    expect(big.status).toBe(400);
    expect(((await big.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("items");
  });

  it("reads the active version's predictions and the current labels by external id", async () => {
    const { owner, token } = await setup();
    const { project, categories: cats } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, "manager");
    const [a, b] = await makeItems(h.db, project.id, 2);
    const [version] = await h.db
      .insert(modelVersions)
      .values({ projectId: project.id, version: 1, status: "ready", trigger: "manual" })
      .returning({ id: modelVersions.id });
    await h.db.update(projects).set({ activeModelVersionId: version!.id }).where(eq(projects.id, project.id));
    const [c0, c1] = [cats[0]!, cats[1]!];
    await h.db.insert(predictions).values({
      modelVersionId: version!.id,
      itemId: a!.id,
      projectId: project.id,
      categoryId: c0.id,
      confidence: 0.9,
      margin: 0.8,
      entropy: 0.1,
      top: [
        { categoryId: c0.id, prob: 0.9 },
        { categoryId: c1.id, prob: 0.1 },
      ],
    });
    await h.db.insert(labels).values({ itemId: b!.id, projectId: project.id, categoryId: c1.id, source: "import" });
    const read = await token(["read"]);
    const res = await call("POST", `/projects/${project.id}/predictions`, read.token, {
      externalIds: [a!.externalId, b!.externalId, "missing"],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [
        {
          externalId: a!.externalId,
          found: true,
          prediction: {
            category: c0.path,
            confidence: 0.9,
            modelVersion: 1,
            top: [
              { category: c0.path, prob: 0.9 },
              { category: c1.path, prob: 0.1 },
            ],
          },
          label: null,
        },
        { externalId: b!.externalId, found: true, prediction: null, label: { category: c1.path, source: "import" } },
        { externalId: "missing", found: false, prediction: null, label: null },
      ],
    });
    // Another project's items are not found through this one.
    const { project: other } = await makeProject(h.db);
    await addMember(h.db, other.id, owner.id, "manager");
    const mine = await call("POST", `/projects/${other.id}/predictions`, read.token, { externalIds: [a!.externalId] });
    expect(((await mine.json()) as { items: { found: boolean }[] }).items[0]!.found).toBe(false);
  });

  it("pulls label changes after a cursor with their provenance, each once, and names `since` when it is bad", async () => {
    const { owner, projectId, token } = await setup();
    const write = await token(["write"]);
    const read = await token(["read"]);
    const upsert = await call("POST", `/projects/${projectId}/items`, write.token, {
      items: [
        { id: "a", title: "Headphones", category: "Audio > Headphones" },
        { id: "b", title: "Speaker", category: "Audio > Speakers" },
        { id: "c", title: "Keyboard", category: "Computers > Keyboards" },
        { id: "d", title: "Unlabelled" },
      ],
    });
    expect(upsert.status).toBe(200);
    const [b] = await h.db.select({ id: items.id }).from(items).where(eq(items.externalId, "b"));
    const [c] = await h.db.select({ id: items.id }).from(items).where(eq(items.externalId, "c"));
    // A person says no category fits b; c loses its label.
    await h.db
      .update(labels)
      .set({ categoryId: null, source: "human", userId: owner.id })
      .where(eq(labels.itemId, b!.id));
    await h.db.delete(labels).where(eq(labels.itemId, c!.id));

    type Page = {
      changes: {
        changeId: number;
        externalId: string;
        category: string | null;
        deleted: boolean;
        source: string | null;
        userId: number | null;
        changedAt: string;
      }[];
      next: string;
      hasMore: boolean;
    };
    const seen: Page["changes"] = [];
    let since: string | null = null;
    // On Postgres a change shows once no older transaction on the server is open (another test's, say).
    for (let i = 0; i < 200 && seen.length < 5; i++) {
      const q: string = since === null ? "?limit=2" : `?limit=2&since=${since}`;
      const res = await call("GET", `/projects/${projectId}/labels${q}`, read.token);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      seen.push(...page.changes);
      since = page.next;
      if (!page.hasMore) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.map((ch) => [ch.externalId, ch.category, ch.source, ch.deleted])).toEqual([
      ["a", "Audio > Headphones", "import", false],
      ["b", "Audio > Speakers", "import", false],
      ["c", "Computers > Keyboards", "import", false],
      ["b", null, "human", false],
      ["c", null, null, true],
    ]);
    expect(seen[3]!.userId).toBe(owner.id);
    expect(new Date(seen[0]!.changedAt).getTime()).not.toBeNaN();
    expect(new Set(seen.map((ch) => ch.changeId)).size).toBe(5);
    const again = await call("GET", `/projects/${projectId}/labels?since=${since}`, read.token);
    expect(await again.json()).toEqual({ changes: [], next: since, hasMore: false });

    for (const bad of ["nope", "1-99999999999999999999", "1-9999999999999999999", "9999999999999999999-1"]) {
      const res = await call("GET", `/projects/${projectId}/labels?since=${bad}`, read.token);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("since");
    }
    const tooMany = await call("GET", `/projects/${projectId}/labels?limit=10001`, read.token);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("limit");

    // An annotator may not export labels; another project's labels are not found.
    const { projectId: theirs, token: annotatorToken } = await setup("annotator");
    expect((await call("GET", `/projects/${theirs}/labels`, (await annotatorToken(["read"])).token)).status).toBe(403);
    expect((await call("GET", `/projects/${theirs}/labels`, read.token)).status).toBe(404);
  });

  it("needs the ml scope and the role to train; 401 without or with a revoked token; 404 and 405 for unknown routes", async () => {
    const { owner, projectId, token } = await setup();
    const write = await token(["write"]);
    const ml = await token(["ml"]);
    expect((await call("POST", `/projects/${projectId}/training`, write.token)).status).toBe(403);
    const started = await call("POST", `/projects/${projectId}/training`, ml.token);
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ created: true, version: 1 });
    expect((await call("POST", `/projects/${projectId}/training`, null)).status).toBe(401);
    await revokeApiToken(h.db, { actor: owner, tokenId: ml.id });
    const revoked = await call("POST", `/projects/${projectId}/training`, ml.token);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("content-type")).toBe("application/problem+json");
    expect((await call("GET", `/projects/${projectId}/nothing`, write.token)).status).toBe(404);
    expect((await call("GET", `/projects/${projectId}/training`, write.token)).status).toBe(405);

    const { projectId: theirs, token: annotatorToken } = await setup("annotator");
    const weak = await annotatorToken(["ml"]);
    expect((await call("POST", `/projects/${theirs}/training`, weak.token)).status).toBe(403);
    expect((await call("POST", `/projects/${theirs}/training`, write.token)).status).toBe(404);
  });
});
