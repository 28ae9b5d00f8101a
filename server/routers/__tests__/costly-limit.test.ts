/**
 * Heavy reads (search, counts, charts, the audit log) have a per-user budget over HTTP:
 * past it a user gets 429 with a message, other users and cheap calls are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import superjson from "superjson";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { handleTrpcRequest } from "@/server/http/http";
import { appRouter } from "@/server/routers/_app";
import { createSession } from "@/server/services/auth";
import type { Meta } from "@/server/trpc";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { TEST_HOST, TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";

useDemoHttpEnv("loupe-costly-");
const BUDGET = 10;

it("marks the procedures that scan a project as costly", () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  const costly = Object.entries(procedures)
    .filter(([, p]) => p._def.meta?.costly)
    .map(([path]) => path);
  for (const path of ["items.list", "queue.stats", "projects.get", "batch.list", "audit.list"])
    expect(costly).toContain(path);
  expect(costly.filter((p) => p.startsWith("dashboard.") || p.startsWith("metrics.")).length).toBeGreaterThanOrEqual(4);
  expect(costly).not.toContain("queue.next");
  expect(costly).not.toContain("annotations.submit");
});

describe.each(dbTargets())("per-user budget of heavy reads on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    process.env.COSTLY_CALLS_PER_MINUTE = String(BUDGET);
    h = await createTestDb(target);
    setDbHandle(h);
  });
  afterAll(async () => {
    delete process.env.COSTLY_CALLS_PER_MINUTE;
    await h?.drop();
  });

  async function annotatorCookie(projectId: number) {
    const user = await makeUser(h.db);
    await addMember(h.db, projectId, user.id, "annotator");
    const { token } = await createSession(h.db, { userId: user.id, secret: env().sessionSecret, ttlHours: 1 });
    return `loupe_session=${token}`;
  }
  const get = (cookie: string, proc: string, input: unknown) =>
    handleTrpcRequest(
      new Request(
        `${TEST_ORIGIN}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`,
        {
          headers: { cookie, host: TEST_HOST },
        },
      ),
    );

  it("answers 429 past the budget, for that user only, and leaves cheap calls alone", async () => {
    expect(env().COSTLY_CALLS_PER_MINUTE).toBe(BUDGET);
    const { project } = await makeProject(h.db);
    const greedy = await annotatorCookie(project.id);
    const other = await annotatorCookie(project.id);
    const statuses: number[] = [];
    for (let i = 0; i < BUDGET + 3; i++) {
      const proc = i % 2 === 0 ? "queue.stats" : "items.list";
      statuses.push((await get(greedy, proc, { projectId: project.id, search: "x" })).status);
    }
    expect(statuses.slice(0, BUDGET).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(BUDGET)).toEqual([429, 429, 429]);
    const refused = await get(greedy, "queue.stats", { projectId: project.id });
    expect(JSON.stringify(await refused.json())).toMatch(/Too many heavy requests/);
    expect((await get(greedy, "auth.me", undefined)).status).toBe(200);
    expect((await get(other, "queue.stats", { projectId: project.id })).status).toBe(200);
  });
});
