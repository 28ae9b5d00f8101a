import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleExportRequest } from "@/server/http/export-route";
import { handleImportRequest, MAX_UPLOAD_BYTES } from "@/server/http/import-route";
import { UPLOAD_FILENAME_HEADER } from "@/lib/constants";
import { createSession } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser, TEST_SECRET } from "@/test/factories";
import { jsonl, manyLines, projectCounts } from "@/test/import-helpers";
import { snapshotDb } from "@/test/db-snapshot";
import { createApiToken } from "@/server/services/api-tokens";

describe.each(dbTargets())("import/export HTTP routes on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  const deps = () => ({ db: h.db, sessionSecret: TEST_SECRET });

  async function member(projectId: number, role: "ml_engineer" | "annotator" | "manager") {
    const user = await makeUser(h.db);
    await addMember(h.db, projectId, user.id, role);
    const { token } = await createSession(h.db, { userId: user.id, secret: TEST_SECRET, ttlHours: 1 });
    return `loupe_session=${token}`;
  }

  function upload(projectId: number, cookie: string | null, body: BodyInit, headers: Record<string, string> = {}) {
    return handleImportRequest(
      new Request(`http://localhost/api/projects/${projectId}/import`, {
        method: "POST",
        body,
        headers: { ...(cookie ? { cookie } : {}), [UPLOAD_FILENAME_HEADER]: "items.jsonl", ...headers },
      }),
      deps(),
      String(projectId),
    );
  }

  it("streams an upload into the import service and the download back out, with the session's role checked", async () => {
    const { project } = await makeProject(h.db);
    const ml = await member(project.id, "ml_engineer");
    const res = await upload(project.id, ml, jsonl(manyLines(20)));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 20, created: 20 });

    const manager = await member(project.id, "manager");
    const get = (cookie: string | null, pid = project.id, form = "format=csv") =>
      handleExportRequest(
        new Request(`http://localhost/api/projects/${pid}/export`, {
          method: "POST",
          body: form,
          headers: {
            host: "localhost",
            origin: "http://localhost",
            "content-type": "application/x-www-form-urlencoded",
            ...(cookie ? { cookie } : {}),
          },
        }),
        deps(),
        String(pid),
      );
    const ok = await get(manager);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toContain("text/csv");
    expect(ok.headers.get("content-disposition")).toMatch(/attachment; filename=".*-labels\.csv"/);
    const text = await ok.text();
    expect(text.split("\n")[0]).toBe(
      "id,title,category,split,source,annotator,model_version,labelled_at,loupe_neutralised",
    );
    expect(text.trim().split("\n")).toHaveLength(1 + 15);

    expect((await get(null)).status).toBe(401);
    expect((await get(await member(project.id, "annotator"))).status).toBe(403);
    const other = await makeProject(h.db);
    expect((await get(manager, other.project.id)).status).toBe(404);
    expect((await get(manager, project.id, "format=xlsx")).status).toBe(400);
    const allSources = await get(manager, project.id, "format=jsonl&source=&split=");
    expect(allSources.status).toBe(200);
    expect((await allSources.text()).trim().split("\n")).toHaveLength(15);
  });

  it("runs an export only for a same-origin POST: it writes an audit event", async () => {
    const { project } = await makeProject(h.db);
    const manager = await member(project.id, "manager");
    const send = (init: RequestInit) =>
      handleExportRequest(
        new Request(`http://localhost/api/projects/${project.id}/export?format=csv`, init),
        deps(),
        String(project.id),
      );
    const before = await snapshotDb(h);
    const viaGet = await send({ headers: { cookie: manager } });
    expect(viaGet.status).toBe(405);
    expect(viaGet.headers.get("allow")).toBe("POST");
    const noOrigin = await send({ method: "POST", headers: { cookie: manager, host: "localhost" } });
    expect(noOrigin.status).toBe(403);
    const foreign = await send({
      method: "POST",
      headers: { cookie: manager, host: "localhost", origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(await snapshotDb(h)).toEqual(before);
    const ok = await send({
      method: "POST",
      headers: { cookie: manager, host: "localhost", origin: "http://localhost" },
    });
    expect(ok.status).toBe(200);
    await ok.text();
    expect(await snapshotDb(h)).not.toEqual(before);
  });

  it("refuses uploads: without the custom header, by role, and over the size limit before reading the body", async () => {
    const { project } = await makeProject(h.db);
    const ml = await member(project.id, "ml_engineer");
    const before = await projectCounts(h, project.id);
    const noHeader = await handleImportRequest(
      new Request(`http://localhost/api/projects/${project.id}/import?format=jsonl`, {
        method: "POST",
        body: jsonl(manyLines(2)),
        headers: { cookie: ml },
      }),
      deps(),
      String(project.id),
    );
    expect(noHeader.status).toBe(403);
    expect((await upload(project.id, await member(project.id, "annotator"), jsonl(manyLines(2)))).status).toBe(403);
    expect((await upload(project.id, null, jsonl(manyLines(2)))).status).toBe(401);

    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 1;
        c.enqueue(new TextEncoder().encode("x".repeat(1024)));
      },
    });
    const tooBig = await handleImportRequest(
      new Request(`http://localhost/api/projects/${project.id}/import`, {
        method: "POST",
        body,
        duplex: "half",
        headers: { cookie: ml, [UPLOAD_FILENAME_HEADER]: "big.jsonl", "content-length": String(MAX_UPLOAD_BYTES + 1) },
      } as RequestInit),
      deps(),
      String(project.id),
    );
    expect(tooBig.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1); // a stream may pre-pull one chunk; none was consumed by us

    const bad = await upload(project.id, ml, jsonl([{ id: "a", title: "" }]));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { errors: [{ line: 1, field: "title", message: "required" }] } });
    expect(await projectCounts(h, project.id)).toEqual({ ...before, failedImports: 1 });
  });

  it("spools a slow upload before importing: other statements run meanwhile, and an upload over the cap writes nothing", async () => {
    const { project } = await makeProject(h.db);
    const ml = await member(project.id, "ml_engineer");
    const lines = jsonl(manyLines(30)).split("\n").filter(Boolean);
    let sent = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent === lines.length) return c.close();
        await new Promise((r) => setTimeout(r, 40));
        c.enqueue(new TextEncoder().encode(`${lines[sent++]}\n`));
      },
    });
    const uploading = handleImportRequest(
      new Request(`http://localhost/api/projects/${project.id}/import`, {
        method: "POST",
        body: slow,
        duplex: "half",
        headers: { cookie: ml, [UPLOAD_FILENAME_HEADER]: "slow.jsonl" },
      } as RequestInit),
      deps(),
      String(project.id),
    );
    // Mid-upload another user's write goes through at once (PGlite has one connection:
    // an import transaction open during the upload would hold it until the last byte).
    await new Promise((r) => setTimeout(r, 200));
    await makeUser(h.db);
    expect(sent).toBeLessThan(lines.length);
    const res = await uploading;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 30, created: 30 });

    const before = await projectCounts(h, project.id);
    let chunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        chunks += 1;
        c.enqueue(new TextEncoder().encode(`${"y".repeat(65_536)}\n`));
      },
    });
    const tooBig = await handleImportRequest(
      new Request(`http://localhost/api/projects/${project.id}/import?format=jsonl`, {
        method: "POST",
        body: endless,
        duplex: "half",
        headers: { cookie: ml, [UPLOAD_FILENAME_HEADER]: "endless.jsonl" },
      } as RequestInit),
      deps(),
      String(project.id),
    );
    expect(tooBig.status).toBe(413);
    // Reading stopped at the cap (give or take what the stream buffers ahead).
    expect(chunks * 65_537).toBeLessThanOrEqual(MAX_UPLOAD_BYTES + 1_048_576);
    expect(await projectCounts(h, project.id)).toEqual(before);
  });

  it("lets a pipeline export with a bearer token: read scope, the project, the owner's role; no Origin needed", async () => {
    const { project } = await makeProject(h.db);
    const other = await makeProject(h.db);
    const manager = await makeUser(h.db);
    await addMember(h.db, project.id, manager.id, "manager");
    await addMember(h.db, other.project.id, manager.id, "manager");
    const annotator = await makeUser(h.db);
    await addMember(h.db, project.id, annotator.id, "annotator");
    const tokenOf = async (actor: typeof manager, scopes: ("read" | "write" | "ml")[], projectIds?: number[]) =>
      (await createApiToken(h.db, { actor, name: "pipe", scopes, expiresInDays: 1, projectIds })).token;
    const send = (token: string) =>
      handleExportRequest(
        new Request(`http://localhost/api/projects/${project.id}/export?format=jsonl`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}` },
        }),
        deps(),
        String(project.id),
      );
    const ok = await send(await tokenOf(manager, ["read"]));
    expect(ok.status).toBe(200);
    await ok.text();
    expect((await send(await tokenOf(manager, ["write", "ml"]))).status).toBe(403);
    expect((await send(await tokenOf(manager, ["read"], [other.project.id]))).status).toBe(403);
    expect((await send(await tokenOf(annotator, ["read"]))).status).toBe(403);
    expect((await send("loupe_pat_not-a-real-token")).status).toBe(401);
  });
});
